import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import * as events from "../../commands/events.js";
import { issuePasswordReset } from "../../commands/password-reset-codes.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { presenting } from "../presenting.js";
import { routeRegistrar } from "../route.js";

export function eventRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.listEvents, async (req) => events.listEvents(presenting(ctx, req), req.auth.userId));
    add(routes.createEvent, async (req) =>
      events.createEvent(presenting(ctx, req), req.auth.userId, req.body),
    );
    add(routes.getEvent, async (req) =>
      events.getEvent(presenting(ctx, req), req.auth.userId, req.params.eventId),
    );
    add(routes.patchEvent, async (req) =>
      events.updateEvent(presenting(ctx, req), req.auth.userId, req.params.eventId, req.body),
    );
    add(routes.deleteEvent, async (req) => {
      await events.deleteEvent(ctx, req.auth.userId, req.params.eventId);
    });
    add(routes.regenerateEventCode, async (req) =>
      events.regenerateEventCode(presenting(ctx, req), req.auth.userId, req.params.eventId),
    );
    add(routes.listEventMembers, async (req) =>
      events.listEventMembers(ctx, req.auth.userId, req.params.eventId),
    );
    add(routes.setEventRole, async (req) =>
      events.setEventRole(ctx, req.auth.userId, req.params.eventId, req.params.userId, req.body.role),
    );
    add(routes.removeEventMember, async (req) => {
      await events.removeEventMember(ctx, req.auth.userId, req.params.eventId, req.params.userId);
    });
    add(routes.issuePasswordReset, async (req) =>
      issuePasswordReset(ctx, req.auth.userId, req.params.eventId, req.params.userId),
    );
  };
}
