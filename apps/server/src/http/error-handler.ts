import { ERRORS } from "@won/protocol";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, isUnavailable } from "../domain/errors.js";
import { HttpError, problem } from "./problem.js";

const CONTEXT_CODE = {
  body: "invalid_body",
  querystring: "invalid_query",
  params: "invalid_params",
  headers: "invalid_body",
} as const;

/**
 * Maps every error to RFC 9457 problem+json. Client mistakes are 4xx with the offending fields
 * listed; an unreachable database or Redis is 503 `unavailable`; anything else is a bug: 500,
 * logged with its stack, and never shown to the client.
 */
export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const send = (status: number, body: ReturnType<typeof problem>) =>
    reply.code(status).type("application/problem+json").send(body);

  if (err instanceof AppError) {
    if (err instanceof HttpError) reply.headers(err.headers);
    if (err.retryAfterS !== undefined) reply.header("retry-after", String(err.retryAfterS));
    return send(ERRORS[err.code].status, problem(err.code, err.message, err.fieldErrors));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const code =
      CONTEXT_CODE[(err.validationContext ?? "body") as keyof typeof CONTEXT_CODE] ?? "invalid_body";
    const errors = err.validation.flatMap((v) => {
      const base = String(v.instancePath ?? "")
        .replace(/^\//, "")
        .replaceAll("/", ".");
      // An unknown field is reported on the object; name each field instead.
      const keys = v.keyword === "unrecognized_keys" ? (v.params as { keys?: string[] }).keys : undefined;
      if (keys?.length)
        return keys.map((k) => ({ path: base ? `${base}.${k}` : k, message: "is not a known field" }));
      return [{ path: base || "(root)", message: v.message ?? "is invalid" }];
    });
    return send(400, problem(code, `The ${err.validationContext ?? "request"} is invalid`, errors));
  }
  switch (err.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return send(413, problem("payload_too_large"));
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return send(415, problem("unsupported_media_type", "Send application/json"));
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return send(400, problem("invalid_body", "The body is empty"));
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return send(400, problem("invalid_body", "The body is not valid JSON"));
  }
  if (isUnavailable(err)) {
    request.log.warn({ err: { message: err.message, code: err.code } }, "dependency unavailable");
    reply.header("retry-after", "2");
    return send(503, problem("unavailable"));
  }
  if (typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 500) {
    const code =
      err.statusCode === 429 ? "rate_limited" : err.statusCode === 404 ? "not_found" : "invalid_body";
    return send(err.statusCode, { ...problem(code, err.message), status: err.statusCode });
  }
  request.log.error({ err }, "unhandled error");
  return send(500, problem("internal"));
}
