/**
 * Answers for requests no route takes, in problem+json like every other error: unknown paths
 * (404), known paths with another method (405 with `Allow`, RFC 9110 §15.5.6), `OPTIONS` that
 * is not a CORS preflight (405), a preflight from an origin that may not call the API (403), and
 * requests Node cannot even parse (400), which never reach the router.
 */
import type { Socket } from "node:net";
import { API_PREFIX, type ErrorCode, matchesPath, type RouteDef, routes } from "@won/protocol";
import type { FastifyReply, FastifyRequest } from "fastify";
import { problem } from "./problem.js";

const SERVICE_PATHS = new Set<string>([routes.health.path, routes.readiness.path, routes.openApi.path]);

/** The methods the table serves at `path` (with its prefix), HEAD alongside GET. */
export function allowedMethods(path: string): string[] {
  let candidates: RouteDef[];
  if (path.startsWith(`${API_PREFIX}/`)) {
    const rest = path.slice(API_PREFIX.length);
    candidates = Object.values(routes).filter((r) => matchesPath(r, rest));
  } else {
    candidates = Object.values(routes).filter((r) => SERVICE_PATHS.has(r.path) && matchesPath(r, path));
  }
  const methods = new Set<string>(candidates.map((r) => r.method));
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

const isPreflight = (req: FastifyRequest) =>
  req.method === "OPTIONS" && !!req.headers.origin && !!req.headers["access-control-request-method"];

function send(reply: FastifyReply, code: ErrorCode, detail: string) {
  const body = problem(code, detail);
  return reply.code(body.status).type("application/problem+json").send(body);
}

function methodNotAllowed(req: FastifyRequest, reply: FastifyReply, path: string, allow: string[]) {
  reply.header("allow", allow.join(", "));
  return send(reply, "method_not_allowed", `${req.method} is not served at ${path}; use ${allow.join(", ")}`);
}

/**
 * onRequest, registered before CORS: an `OPTIONS` without `Origin` and
 * `Access-Control-Request-Method` is not a preflight, and OPTIONS serves nothing else here.
 */
export async function refuseNonPreflightOptions(req: FastifyRequest, reply: FastifyReply) {
  if (req.method !== "OPTIONS" || isPreflight(req)) return;
  const path = req.url.split("?")[0] ?? "";
  const allow = allowedMethods(path);
  if (allow.length === 0) return send(reply, "not_found", `No route OPTIONS ${path}`);
  return methodNotAllowed(req, reply, path, allow);
}

/**
 * The not-found handler. `serveWebApp` answers client-side routes of the single-page app (any
 * GET outside the API without a file extension) with its index.html.
 */
export function notFoundHandler(serveWebApp: boolean) {
  return (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split("?")[0] ?? "";
    if (serveWebApp && req.method === "GET" && !path.startsWith("/api/") && !path.includes(".")) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    // CORS hands over the preflights it refuses: the origin is not allowed.
    if (isPreflight(req)) {
      return send(reply, "forbidden", `Origin ${req.headers.origin} may not call this API`);
    }
    const allow = allowedMethods(path);
    if (allow.length > 0 && !allow.includes(req.method)) return methodNotAllowed(req, reply, path, allow);
    return send(reply, "not_found", `No route ${req.method} ${path}`);
  };
}

/** Fastify's `clientErrorHandler`: a request Node's parser refuses (an unknown method, a
 *  malformed request line or header) gets a problem instead of Fastify's own JSON. */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const status =
    err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const reason =
    status === 408 ? "Request Timeout" : status === 431 ? "Request Header Fields Too Large" : "Bad Request";
  const body = JSON.stringify({
    ...problem("invalid_body", "The request could not be parsed"),
    status,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
