/**
 * The shape of one REST operation in the route table (`routes.ts`), and the types and helpers
 * every consumer derives from it: the server registers handlers with its schemas, the OpenAPI
 * document is generated from it (`openapi.ts`), and the web client builds URLs and validates
 * answers with it. Nothing here knows about Fastify or fetch.
 */
import type { z } from "zod";
import { ERRORS, type ErrorCode } from "./errors.js";

/** The one prefix of the REST API. Table paths are relative to it. */
export const API_PREFIX = "/api/v1";
/** The WebSocket endpoint (`docs/protocol.md`, "WebSocket"), under the same prefix. */
export const REALTIME_PATH = `${API_PREFIX}/realtime`;

/** Marks a success that carries an Ogg Opus file (RFC 7845) instead of JSON. */
export const AUDIO_OGG = "audio/ogg";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** Tags group operations in the OpenAPI document; each is described there. */
export const ROUTE_TAGS = {
  auth: "Accounts, sign-in and token rotation",
  events: "Events, their invite codes and members",
  channels: "Channels, their invite codes, members and presence",
  messages: "Channel history, text messages and recordings",
  joining: "Joining an event or channel with an invite code",
  alerts: "Emergency alerts: raising, claiming, locating and resolving",
  push: "Web Push: the server's key and browser subscriptions",
  service: "Liveness, readiness and this document",
} as const;
export type RouteTag = keyof typeof ROUTE_TAGS;

/** What a success carries: a zod schema (JSON), `null` (no body) or `AUDIO_OGG`. */
export type SuccessBody = z.ZodType | null | typeof AUDIO_OGG;

export interface RouteDef {
  /** Unique, stable, camelCase; also the OpenAPI `operationId`. */
  operationId: string;
  method: HttpMethod;
  /** Relative to `API_PREFIX`, with `:name` path parameters (`/channels/:channelId`). */
  path: string;
  summary: string;
  description?: string;
  tag: RouteTag;
  /** `bearer`: an access token in `Authorization`; `none`: anonymous (sign-in, health). */
  auth: "bearer" | "none";
  params?: z.ZodObject;
  query?: z.ZodType;
  /** The JSON body; `.optional()` when the body may be left out altogether. */
  body?: z.ZodType;
  /** The usual success status and what it carries. */
  status: number;
  response: SuccessBody;
  /** Other success statuses with the same kind of body, each with when it is answered. */
  alsoStatus?: Readonly<Record<number, string>>;
  /**
   * Error codes the operation itself answers (authorisation, conflicts, rate limits). The codes
   * every route of its kind can answer are added by `errorCodesOf`.
   */
  errors: readonly ErrorCode[];
}

/** Declares a table entry, keeping its literal types for the typed client and handlers. */
export function defineRoute<const R extends RouteDef>(route: R): R {
  return route;
}

type Out<S> = S extends z.ZodType ? z.output<S> : S extends typeof AUDIO_OGG ? Blob : undefined;
/** The parsed body of a route's success. */
export type RouteOutput<R extends RouteDef> = Out<R["response"]>;
export type RouteParams<R> = R extends { params: infer P extends z.ZodType }
  ? z.output<P>
  : Record<string, never>;
export type RouteQuery<R> = R extends { query: infer Q extends z.ZodType }
  ? z.output<Q>
  : Record<string, never>;
export type RouteBody<R> = R extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;

/** What a caller sends: path parameters, query and body, each only where the route has one. */
export type RouteInput<R> = (R extends { params: infer P extends z.ZodType }
  ? { params: z.input<P> }
  : unknown) &
  (R extends { query: infer Q extends z.ZodType } ? { query?: Partial<z.input<Q>> } : unknown) &
  (R extends { body: infer B extends z.ZodType }
    ? undefined extends z.input<B>
      ? { body?: z.input<B> }
      : { body: z.input<B> }
    : unknown);

/** The route's path with its parameters filled in (URI-encoded), without `API_PREFIX`. */
export function routePath(route: Pick<RouteDef, "path">, params: Record<string, string> = {}): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.path}: missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** Whether a concrete path (no prefix, no query) names this route's resource. */
export function matchesPath(route: Pick<RouteDef, "path">, path: string): boolean {
  const pattern = route.path.replace(/:[A-Za-z]+/g, "[^/]+");
  return new RegExp(`^${pattern}/?$`).test(path);
}

/** Whether the route's body may be left out (`.optional()` in the table). */
export function bodyIsOptional(route: RouteDef): boolean {
  return route.body?.safeParse(undefined).success === true;
}

/**
 * Every error code the route can answer: its own, plus what its shape implies — a bearer route
 * can be refused 401; path parameters, queries and bodies can be invalid (400); any method that
 * reads a body can get one too large (413), not JSON (415) or unparsable (400); and any route
 * can meet an unreachable dependency (503) or a bug (500).
 */
export function errorCodesOf(route: RouteDef): ErrorCode[] {
  const codes = new Set<ErrorCode>();
  if (route.body !== undefined || route.method !== "GET") {
    codes.add("invalid_body").add("payload_too_large").add("unsupported_media_type");
  }
  if (route.params) codes.add("invalid_params");
  if (route.query) codes.add("invalid_query");
  if (route.auth === "bearer") codes.add("unauthenticated").add("invalid_token");
  for (const code of route.errors) codes.add(code);
  codes.add("unavailable").add("internal");
  return [...codes].sort((a, b) => ERRORS[a].status - ERRORS[b].status || a.localeCompare(b));
}
