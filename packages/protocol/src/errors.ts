/**
 * The one catalogue of error codes. Every REST error is RFC 9457 problem+json carrying one of
 * these `code`s with its HTTP status; socket `error` messages use the same codes. Codes are
 * stable machine strings: clients switch on them, never on `title` or `detail`.
 */
export const ERRORS = {
  invalid_body: { status: 400, title: "The request body is invalid" },
  invalid_query: { status: 400, title: "The query string is invalid" },
  invalid_params: { status: 400, title: "The path parameters are invalid" },
  invalid_message: { status: 400, title: "The socket message is invalid" },
  invalid_frame: { status: 400, title: "The audio frame is invalid" },
  unauthenticated: { status: 401, title: "Authentication is required" },
  invalid_credentials: { status: 401, title: "Wrong username, email or password" },
  /**
   * One answer for a wrong, expired or used reset code and for a login it was not issued for, so
   * the answer tells a guesser nothing about which part was wrong.
   */
  invalid_reset_code: { status: 400, title: "This reset code is not valid for this account" },
  invalid_token: { status: 401, title: "The token is invalid, expired or revoked" },
  refresh_reused: { status: 401, title: "The refresh token was already used; the session is revoked" },
  forbidden: { status: 403, title: "You are not allowed to do this" },
  not_a_member: { status: 403, title: "You are not a member of this event or channel" },
  not_found: { status: 404, title: "Not found" },
  invalid_code: { status: 404, title: "No event or channel has this invite code" },
  method_not_allowed: { status: 405, title: "This method is not allowed on this resource" },
  conflict: { status: 409, title: "Conflict" },
  username_taken: { status: 409, title: "This username is taken" },
  email_taken: { status: 409, title: "This email is already registered" },
  last_organiser: { status: 409, title: "An event must keep at least one organiser" },
  /**
   * A per-user or per-event storage or creation limit is reached. 409, not 413 (the request
   * itself is small) nor 507 (a 5xx reads as the server's fault and invites a retry): the
   * caller's current holdings conflict with the request until something is deleted or expires.
   */
  already_claimed: { status: 409, title: "Another organiser or moderator is handling this alert" },
  already_closed: { status: 409, title: "The alert is closed" },
  quota_exceeded: { status: 409, title: "A storage or creation quota is reached" },
  payload_too_large: { status: 413, title: "The request is too large" },
  unsupported_media_type: { status: 415, title: "Unsupported content type" },
  range_not_satisfiable: { status: 416, title: "The requested range is not satisfiable" },
  rate_limited: { status: 429, title: "Too many requests" },
  not_subscribed: { status: 409, title: "Subscribe to the channel first" },
  not_floor_holder: { status: 409, title: "You do not hold the floor for this stream" },
  unknown_type: { status: 400, title: "Unknown message type" },
  internal: { status: 500, title: "Internal server error" },
  unavailable: { status: 503, title: "A service this request needs is unavailable; try again shortly" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Base URI for problem `type`s; each code's documentation anchor lives in docs/protocol.md. */
export const PROBLEM_TYPE_BASE = "https://operation-won.dev/problems/";
