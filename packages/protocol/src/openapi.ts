/**
 * The OpenAPI 3.1 document of the REST API, generated from the route table: request schemas as
 * the server accepts them (zod input side), responses as it sends them (output side), and every
 * error status a route can answer as RFC 9457 problem+json naming its possible codes.
 */
import { z } from "zod";
import { ERRORS, type ErrorCode } from "./errors.js";
import { Problem } from "./rest.js";
import { API_PREFIX, AUDIO_OGG, bodyIsOptional, errorCodesOf, ROUTE_TAGS, type RouteDef } from "./route.js";

type Json = Record<string, unknown>;

export interface OpenApiOptions {
  title?: string;
  version?: string;
  description?: string;
}

const jsonSchema = (schema: z.core.$ZodType, io: "input" | "output"): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
};

/** Response headers that come with particular error codes. */
const ERROR_HEADERS: Partial<Record<ErrorCode, Json>> = {
  unauthenticated: { "WWW-Authenticate": { description: "`Bearer`", schema: { type: "string" } } },
  rate_limited: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } },
  unavailable: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } },
  range_not_satisfiable: {
    "Content-Range": { description: "`bytes */SIZE`", schema: { type: "string" } },
  },
};

function errorResponses(route: RouteDef): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(route)) {
    const status = ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Json = {};
  for (const [status, codes] of byStatus) {
    const headers = Object.assign({}, ...codes.map((c) => ERROR_HEADERS[c] ?? {}));
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${ERRORS[c].title}`).join("; "),
      ...(Object.keys(headers).length ? { headers } : {}),
      content: {
        "application/problem+json": {
          schema: {
            allOf: [
              { $ref: "#/components/schemas/Problem" },
              { type: "object", properties: { status: { const: status }, code: { enum: codes } } },
            ],
          },
        },
      },
    };
  }
  return out;
}

const RECORDING_HEADERS: Json = {
  "Accept-Ranges": { schema: { type: "string", const: "bytes" } },
  ETag: { schema: { type: "string" } },
  "Cache-Control": { schema: { type: "string" } },
  "X-Duration-Ms": { description: "The recording's duration", schema: { type: "integer" } },
};

function successResponse(route: RouteDef, status: number, description: string): Json {
  if (route.response === null) return { description };
  if (route.response === AUDIO_OGG) {
    const headers: Json =
      status === 206
        ? {
            ...RECORDING_HEADERS,
            "Content-Range": { description: "`bytes S-E/SIZE`", schema: { type: "string" } },
          }
        : RECORDING_HEADERS;
    return {
      description,
      headers,
      content: { [AUDIO_OGG]: { schema: { type: "string", contentMediaType: AUDIO_OGG } } },
    };
  }
  return { description, content: { "application/json": { schema: jsonSchema(route.response, "output") } } };
}

function parameters(route: RouteDef): Json[] {
  const out: Json[] = [];
  const add = (where: "path" | "query", schema: z.ZodType | undefined) => {
    if (!schema) return;
    const json = jsonSchema(schema, "input") as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      const { description, ...rest } = prop as Json & { description?: string };
      out.push({
        name,
        in: where,
        required: where === "path" || (json.required ?? []).includes(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  };
  add("path", route.params);
  add("query", route.query);
  if (route.response === AUDIO_OGG) {
    out.push({
      name: "Range",
      in: "header",
      required: false,
      description: "One byte range (`bytes=S-E`) to get 206 with that part of the file",
      schema: { type: "string" },
    });
  }
  return out;
}

function operation(route: RouteDef): Json {
  const success: Json = { [String(route.status)]: successResponse(route, route.status, route.summary) };
  for (const [status, description] of Object.entries(route.alsoStatus ?? {}))
    success[status] = successResponse(route, Number(status), description);
  const params = parameters(route);
  const body = route.body;
  const optional = body !== undefined && bodyIsOptional(route);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.auth === "bearer" ? [{ bearer: [] }] : [],
    ...(params.length ? { parameters: params } : {}),
    ...(body
      ? {
          requestBody: {
            required: !optional,
            ...(optional ? { description: "Optional: the request may have no body at all." } : {}),
            content: {
              "application/json": {
                schema: jsonSchema(optional ? (body as z.ZodOptional).unwrap() : body, "input"),
              },
            },
          },
        }
      : {}),
    responses: { ...success, ...errorResponses(route) },
  };
}

/** `/channels/:channelId` → `/channels/{channelId}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, "{$1}");

/** The OpenAPI document of `routes`, served from `API_PREFIX` on the page's own origin. */
export function openApiDocument(routes: Record<string, RouteDef>, options: OpenApiOptions = {}): Json {
  const paths: Record<string, Json> = {};
  for (const route of Object.values(routes)) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "Operation Won API",
      version: options.version ?? "1.0.0",
      description:
        options.description ??
        "REST part of the Operation Won wire contract. Every error is RFC 9457 problem+json with a " +
          "stable `code`. Request bodies are strict (unknown fields are refused) and no string in a " +
          "body may hold a lone UTF-16 surrogate (400 `invalid_body`).",
    },
    servers: [{ url: API_PREFIX, description: "This server" }],
    tags: Object.entries(ROUTE_TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: jsonSchema(Problem, "input") },
    },
  };
}
