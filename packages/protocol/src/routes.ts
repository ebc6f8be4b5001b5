/**
 * The REST contract, declared once: every operation's method, path, schemas, success and error
 * statuses, operationId, summary, tag and auth. The server registers its handlers from this
 * table, the OpenAPI document is generated from it, and the web client's requests are typed
 * and checked by it. Paths are relative to `API_PREFIX` (`/api/v1`).
 */
import { ackRoutes } from "./routes/acks.js";
import { alertRoutes } from "./routes/alerts.js";
import { authRoutes } from "./routes/auth.js";
import { channelRoutes } from "./routes/channels.js";
import { eventRoutes } from "./routes/events.js";
import { targetedRoutes } from "./routes/patches.js";
import { pushRoutes } from "./routes/push.js";
import { serviceRoutes } from "./routes/service.js";

export { HealthStatus, ReadyStatus } from "./routes/common.js";

export const routes = {
  ...authRoutes,
  ...eventRoutes,
  ...channelRoutes,
  ...ackRoutes,
  ...alertRoutes,
  ...pushRoutes,
  ...targetedRoutes,
  ...serviceRoutes,
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
