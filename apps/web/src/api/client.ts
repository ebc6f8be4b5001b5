/**
 * The typed REST client: `request(routes.getEvent, { params: { eventId } })` builds the URL from
 * the protocol's route table, sends the body as JSON, checks the answer against the route's
 * success statuses and schema, and turns problem+json into an `ApiError` (via `http.ts`, which
 * also adds the token and refreshes it once on 401).
 */
import { AUDIO_OGG, type RouteDef, type RouteInput, type RouteOutput, routePath } from "@won/protocol";
import { rawRequest } from "./http";
import { ApiError } from "./problem";

/** Routes whose input is empty may be called without one. */
type InputArg<R extends RouteDef> =
  object extends RouteInput<R> ? [input?: RouteInput<R>] : [input: RouteInput<R>];

export interface CallOptions {
  signal?: AbortSignal;
}

function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** Calls one operation of the route table and returns its parsed success body. */
export async function request<R extends RouteDef>(route: R, ...args: InputArg<R>): Promise<RouteOutput<R>>;
export async function request<R extends RouteDef>(
  route: R,
  input: RouteInput<R>,
  opts: CallOptions,
): Promise<RouteOutput<R>>;
export async function request(route: RouteDef, raw: unknown = {}, opts: CallOptions = {}): Promise<unknown> {
  const input = raw as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
  const path = routePath(route, input.params) + queryString(input.query);
  const res = await rawRequest(path, {
    method: route.method,
    body: input.body,
    anonymous: route.auth === "none",
    accept: route.response === AUDIO_OGG ? AUDIO_OGG : "application/json",
    signal: opts.signal,
  });
  if (res.status !== route.status && !(res.status in (route.alsoStatus ?? {}))) {
    throw new ApiError(res.status, "unexpected_status", `${route.operationId} answered ${res.status}`);
  }
  if (route.response === null) return undefined;
  if (route.response === AUDIO_OGG) return res.blob();
  const parsed = route.response.safeParse(await res.json());
  if (!parsed.success) {
    throw new ApiError(res.status, "invalid_response", `${route.operationId} answered an unexpected shape`);
  }
  return parsed.data;
}
