/**
 * Registers one entry of the protocol's route table on Fastify: its method and path, its zod
 * schemas for validation and serialisation, bearer authentication for `auth: "bearer"` (in
 * `onRequest`, so an anonymous caller is refused before its body is read), and the refusal of
 * lone surrogates in any body. Route files keep only the handler: parse → authorise → command.
 */
import {
  AUDIO_OGG,
  bodyIsOptional,
  findLoneSurrogate,
  type RouteBody,
  type RouteDef,
  type RouteOutput,
  type RouteParams,
  type RouteQuery,
} from "@won/protocol";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  RouteHandlerMethod,
} from "fastify";
import { z } from "zod";
import { AppError } from "../domain/errors.js";

/** A request as the handler of route `R` sees it: validated params, query and body. */
export type RouteRequest<R extends RouteDef> = Omit<FastifyRequest, "params" | "query" | "body"> & {
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
};

/** Returns the success body, nothing (a route whose success has no body), or the sent reply. */
export type RouteHandler<R extends RouteDef> = (
  req: RouteRequest<R>,
  reply: FastifyReply,
) => Promise<
  // biome-ignore lint/suspicious/noConfusingVoidType: a bodiless success's handler is an async function with no return
  | (R["response"] extends typeof AUDIO_OGG ? never : R["response"] extends null ? void : RouteOutput<R>)
  | FastifyReply
>;

/** preValidation: any string (or key) of the body with a lone UTF-16 surrogate is 400. */
async function rejectLoneSurrogates(req: FastifyRequest) {
  const path = findLoneSurrogate(req.body);
  if (path) {
    throw new AppError("invalid_body", "The body is invalid", {
      fieldErrors: [{ path, message: "must not contain a lone UTF-16 surrogate" }],
    });
  }
}

/** The zod schema Fastify checks a success against; none for a file. */
function responseSchema(route: RouteDef): z.ZodType | undefined {
  if (route.response === AUDIO_OGG) return undefined;
  return route.response ?? z.null();
}

/**
 * Binds route registration to one plugin scope: `add(route, handler)` registers a table entry at
 * `route.path` under the scope's prefix. `authenticate` runs for bearer routes.
 */
export function routeRegistrar(app: FastifyInstance, authenticate: onRequestHookHandler) {
  return function add<R extends RouteDef>(route: R, handler: RouteHandler<R>): void {
    const response = responseSchema(route);
    const statuses = [route.status, ...Object.keys(route.alsoStatus ?? {}).map(Number)];
    // Fastify hands the validator `null`, not `undefined`, when an optional body is left out.
    const body =
      route.body && bodyIsOptional(route)
        ? (route.body as z.ZodOptional<z.ZodType>).unwrap().nullish()
        : route.body;
    app.route({
      method: route.method,
      url: route.path,
      schema: {
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(body ? { body } : {}),
        ...(response ? { response: Object.fromEntries(statuses.map((s) => [s, response])) } : {}),
      },
      ...(route.auth === "bearer" ? { onRequest: authenticate } : {}),
      preValidation: rejectLoneSurrogates,
      handler: (async (req: FastifyRequest, reply: FastifyReply) => {
        reply.code(route.status);
        const out = await handler(req as unknown as RouteRequest<R>, reply);
        if (out === reply) return reply;
        return route.response === null ? reply.send(null) : out;
      }) as RouteHandlerMethod,
    });
  };
}
