/**
 * RFC 9457 problem details. Every error leaving the REST API goes through `AppError` or the
 * error handler in app.ts, so clients always get `{type, title, status, detail, code}`.
 */
import { ERRORS, type ErrorCode, PROBLEM_TYPE_BASE, type Problem } from "@won/protocol";

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly fieldErrors?: { path: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? ERRORS[code].title);
    this.status = ERRORS[code].status;
    this.name = "AppError";
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

/** Whether an error means a dependency (MySQL, Redis) is unreachable, as opposed to a bug. */
export function isUnavailable(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const e = err as { code?: unknown; fatal?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const codes = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ETIMEDOUT",
    "EPIPE",
    "EHOSTUNREACH",
    "PROTOCOL_CONNECTION_LOST",
    "PROTOCOL_SEQUENCE_TIMEOUT",
    "ER_CON_COUNT_ERROR",
    "ER_SERVER_SHUTDOWN",
    "ER_LOCK_WAIT_TIMEOUT",
    // A deadlock victim's transaction was rolled back whole: nothing was written, retrying works.
    "ER_LOCK_DEADLOCK",
    "SQLITE_BUSY",
  ]);
  if (typeof e.code === "string" && codes.has(e.code)) return true;
  if (e.fatal === true) return true;
  if (e.name === "MaxRetriesPerRequestError") return true;
  if (
    typeof e.message === "string" &&
    /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|read ECONNRESET|Connection lost|Command timed out|max retries per request|broker transport/i.test(
      e.message,
    )
  )
    return true;
  return e.cause !== undefined && e.cause !== err ? isUnavailable(e.cause) : false;
}
