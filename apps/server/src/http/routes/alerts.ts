import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import { alertAudit, markAlertReceived } from "../../commands/alert-audit.js";
import * as alerts from "../../commands/alerts.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { routeRegistrar } from "../route.js";

export function alertRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.raiseAlert, async (req, reply) => {
      const { alert, created } = await alerts.raiseAlert(ctx, req.auth.userId, req.params.eventId, req.body);
      if (!created) reply.code(200);
      return alert;
    });
    add(routes.listAlerts, async (req) =>
      alerts.listAlerts(ctx, req.auth.userId, req.params.eventId, req.query),
    );
    add(routes.getAlert, async (req) => alerts.getAlert(ctx, req.auth.userId, req.params.alertId));
    add(routes.claimAlert, async (req) =>
      alerts.claimAlert(ctx, req.auth.userId, req.params.alertId, req.body),
    );
    add(routes.resolveAlert, async (req) =>
      alerts.resolveAlert(ctx, req.auth.userId, req.params.alertId, req.body),
    );
    add(routes.updateAlertLocation, async (req) => {
      await alerts.updateAlertLocation(ctx, req.auth.userId, req.params.alertId, req.body);
    });
    add(routes.alertAudit, async (req) => alertAudit(ctx, req.auth.userId, req.params.alertId));
    add(routes.alertReceived, async (req) => {
      await markAlertReceived(ctx, req.auth.userId, req.params.alertId, req.body);
    });
  };
}
