/**
 * Commands that return events or channels present invite links, which need the origin phones
 * reach this server at. Route handlers compute it once per request from the configuration and
 * the request (lib/public-url.ts) and hand it to the command beside the app's dependencies.
 */
import type { Config } from "../config.js";
import { publicBaseFor, type RequestOrigin } from "../lib/public-url.js";
import type { PresentContext } from "../presenters/index.js";

/** `ctx` plus this request's public origin. */
export function presenting<C extends { readonly config: Config }>(
  ctx: C,
  req: RequestOrigin,
): C & PresentContext {
  return { ...ctx, publicBase: publicBaseFor(ctx.config, req) };
}
