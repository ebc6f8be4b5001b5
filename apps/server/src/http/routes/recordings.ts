import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import parseRange from "range-parser";
import { recordingAccess } from "../../commands/access.js";
import type { AppContext } from "../../context.js";
import { AppError } from "../../domain/errors.js";
import { authenticate } from "../authenticate.js";
import { HttpError } from "../problem.js";
import { routeRegistrar } from "../route.js";

/**
 * `GET /recordings/:id`: the Ogg Opus file of one transmission, to members of a channel whose
 * history holds it only,
 * with single byte ranges (RFC 9110 §14) so players can seek. Multi-range requests get the
 * whole file (allowed by §14.2).
 */
export function recordingRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));
    add(routes.getRecording, async (req, reply) => {
      const meta = await ctx.repos.recordings.meta(req.params.recordingId);
      if (!meta) throw new AppError("not_found", "No such recording");
      await recordingAccess(ctx, meta, req.auth.userId);
      const data = await ctx.repos.recordings.data(meta.id);
      if (!data) throw new AppError("not_found", "No such recording");
      reply
        .header("content-type", "audio/ogg")
        .header("accept-ranges", "bytes")
        .header("cache-control", "private, max-age=86400, immutable")
        .header("etag", `"${meta.id}"`)
        .header("x-duration-ms", String(meta.duration_ms));
      const header = req.headers.range;
      if (header) {
        const ranges = parseRange(data.length, header, { combine: true });
        if (ranges === -1) {
          reply.header("content-range", `bytes */${data.length}`);
          throw new HttpError("range_not_satisfiable", `The file has ${data.length} bytes`, {
            "content-range": `bytes */${data.length}`,
          });
        }
        if (ranges !== -2 && ranges.type === "bytes" && ranges.length === 1) {
          const { start, end } = ranges[0]!;
          reply.code(206).header("content-range", `bytes ${start}-${end}/${data.length}`);
          return reply.send(data.subarray(start, end + 1));
        }
      }
      return reply.send(data);
    });
  };
}
