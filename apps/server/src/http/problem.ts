/**
 * RFC 9457 problem details. Every error leaving the REST API goes through the error handler
 * (`http/error-handler.ts`), so clients always get `{type, title, status, detail, code}`.
 */
import { ERRORS, type ErrorCode, PROBLEM_TYPE_BASE, type Problem } from "@won/protocol";
import { AppError, type AppErrorOptions } from "../domain/errors.js";

/** An error only the HTTP edge raises, with response headers of its own (WWW-Authenticate,
 *  Content-Range). Use cases throw plain `AppError`s. */
export class HttpError extends AppError {
  constructor(
    code: ErrorCode,
    detail: string | undefined,
    readonly headers: Record<string, string>,
    options: AppErrorOptions = {},
  ) {
    super(code, detail, options);
  }
}

export function problem(
  code: ErrorCode,
  detail?: string,
  errors?: { path: string; message: string }[],
): Problem {
  const { status, title } = ERRORS[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    code,
    ...(errors ? { errors } : {}),
  };
}
