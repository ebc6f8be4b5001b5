/**
 * The errors use cases throw, independent of the transport: a code from the one catalogue
 * (`ERRORS` in the protocol package), a human detail, and what the edge needs to answer well.
 * The HTTP edge maps them to RFC 9457 problems (`http/error-handler.ts`), the socket edge to
 * `{type:"error", code, message}` (`realtime/`); neither kind of knowledge lives here.
 */
import { ERRORS, type ErrorCode } from "@won/protocol";

export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Validation failures, one per offending field. */
  fieldErrors?: FieldError[];
  /** When retrying may succeed, in seconds (rate limits). */
  retryAfterS?: number;
}

export class AppError extends Error {
  readonly fieldErrors?: FieldError[];
  readonly retryAfterS?: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    options: AppErrorOptions = {},
  ) {
    super(detail ?? ERRORS[code].title);
    this.name = "AppError";
    this.fieldErrors = options.fieldErrors;
    this.retryAfterS = options.retryAfterS;
  }
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
