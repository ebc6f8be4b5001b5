import { defineRoute } from "../route.js";

import * as common from "./common.js";

export const serviceRoutes = {
  health: defineRoute({
    operationId: "getHealth",
    method: "GET",
    path: "/healthz",
    summary: "Liveness: the process runs",
    description: "Also served without the API prefix, for load balancers.",
    tag: "service",
    auth: "none",
    status: 200,
    response: common.HealthStatus,
    errors: [],
  }),
  readiness: defineRoute({
    operationId: "getReadiness",
    method: "GET",
    path: "/readyz",
    summary: "Readiness: database and broker answer and the server is not shutting down",
    description: "Also served without the API prefix. When not ready, the 503 problem carries `checks`.",
    tag: "service",
    auth: "none",
    status: 200,
    response: common.ReadyStatus,
    errors: [],
  }),
  openApi: defineRoute({
    operationId: "getOpenApiDocument",
    method: "GET",
    path: "/openapi.json",
    summary: "This OpenAPI document",
    description: "Also served without the API prefix.",
    tag: "service",
    auth: "none",
    status: 200,
    response: common.OpenApiDocument,
    errors: [],
  }),
} as const;
