import type { Core } from "./core.js";

export type { Repos } from "./repositories/index.js";
export { createRepos } from "./repositories/index.js";

/**
 * The whole core of an instance, as the transports (routes, gateway, metrics) hold it. Commands
 * do not take it: each names the part it uses (see core.ts).
 */
export type AppContext = Core;
