/**
 * RFC 9457 problem+json errors from the API, turned into one error class the UI can switch on
 * (`code`) and show per field (`fieldErrors`).
 */
import { Problem } from "@won/protocol";

/** An API failure: an HTTP problem+json response, or a network failure (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem | null;

  constructor(status: number, code: string, message: string, problem: Problem | null = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.problem = problem;
  }

  /** Validation messages keyed by the top-level field name of the request body. */
  get fieldErrors(): Record<string, string> {
    return fieldErrorsOf(this.problem);
  }
}

/** Builds an ApiError from a response status and its parsed body (anything, maybe not a problem). */
export function toApiError(status: number, body: unknown): ApiError {
  const parsed = Problem.safeParse(body);
  if (parsed.success) {
    const p = parsed.data;
    return new ApiError(status, p.code, p.detail || p.title, p);
  }
  return new ApiError(status, status >= 500 ? "internal" : "unknown", `Request failed (${status})`);
}

/**
 * Maps `errors[]` of a validation problem to fields. Paths may look like `/password`,
 * `password`, `body.password` or `items.0.name`; the first segment that is not `body` names
 * the field. The first message for a field wins; unmappable paths collect under `_`.
 */
export function fieldErrorsOf(problem: Problem | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem?.errors ?? []) {
    const segments = e.path.split(/[./[\]]+/).filter((s) => s && s !== "body" && s !== "#");
    const field = segments[0] ?? "_";
    if (!(field in out)) out[field] = e.message;
  }
  return out;
}

/** Field errors for the conflict codes that name a field without an `errors[]` list. */
const CODE_FIELDS: Record<string, [string, string]> = {
  username_taken: ["username", "This username is taken"],
  email_taken: ["email", "This email is already registered"],
  invalid_code: ["code", "No event or channel has this invite code"],
};

/** Field errors of any error: problem `errors[]` plus known single-field codes. */
export function formErrorsOf(err: unknown): { fields: Record<string, string>; form: string | null } {
  if (!(err instanceof ApiError)) {
    return { fields: {}, form: err instanceof Error ? err.message : "Something went wrong" };
  }
  const fields = err.fieldErrors;
  const known = CODE_FIELDS[err.code];
  if (known && !(known[0] in fields)) fields[known[0]] = known[1];
  const hasFields = Object.keys(fields).some((k) => k !== "_");
  return { fields, form: hasFields ? (fields._ ?? null) : describeError(err) };
}

/** A sentence for a person, by stable error code (never by title text). */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : "Something went wrong";
  switch (err.code) {
    case "network":
      return "Can't reach the server. Check your connection and try again.";
    case "invalid_credentials":
      return "Wrong username, email or password.";
    case "invalid_reset_code":
      return "That code does not work for this account. Check it, or ask an organiser for a new one.";
    case "rate_limited":
      return "Too many attempts. Wait a moment and try again.";
    case "unavailable":
      return "The service is briefly unavailable. Try again shortly.";
    case "forbidden":
    case "not_a_member":
      return "You don't have access to this.";
    case "not_found":
      return "Not found. It may have been deleted.";
    default:
      return err.message;
  }
}
