import {
  CreateEventBody,
  Event,
  EventWithChannels,
  Id,
  Member,
  PatchEventBody,
  PatchEventMemberBody,
} from "@won/protocol";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import * as events from "../../commands/events.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";

const EventParams = z.strictObject({ eventId: Id });
const MemberParams = z.strictObject({ eventId: Id, userId: Id });

export function eventRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // onRequest: an anonymous caller is refused before its body is read or validated.
    app.addHook("onRequest", authenticate(ctx));
    const tags = ["events"];

    app.get("/events", { schema: { tags, response: { 200: z.array(Event) } } }, async (req) =>
      events.listEvents(ctx, req.auth.userId),
    );

    app.post(
      "/events",
      { schema: { tags, body: CreateEventBody, response: { 201: Event } } },
      async (req, reply) => {
        reply.code(201);
        return events.createEvent(ctx, req.auth.userId, req.body);
      },
    );

    app.get(
      "/events/:eventId",
      { schema: { tags, params: EventParams, response: { 200: EventWithChannels } } },
      async (req) => events.getEvent(ctx, req.auth.userId, req.params.eventId),
    );

    app.patch(
      "/events/:eventId",
      { schema: { tags, params: EventParams, body: PatchEventBody, response: { 200: EventWithChannels } } },
      async (req) => events.updateEvent(ctx, req.auth.userId, req.params.eventId, req.body),
    );

    app.delete(
      "/events/:eventId",
      { schema: { tags, params: EventParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await events.deleteEvent(ctx, req.auth.userId, req.params.eventId);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/events/:eventId/invite-code",
      { schema: { tags, params: EventParams, response: { 200: EventWithChannels } } },
      async (req) => events.regenerateEventCode(ctx, req.auth.userId, req.params.eventId),
    );

    app.get(
      "/events/:eventId/members",
      { schema: { tags, params: EventParams, response: { 200: z.array(Member) } } },
      async (req) => events.listEventMembers(ctx, req.auth.userId, req.params.eventId),
    );

    app.patch(
      "/events/:eventId/members/:userId",
      { schema: { tags, params: MemberParams, body: PatchEventMemberBody, response: { 200: Member } } },
      async (req) =>
        events.setEventRole(ctx, req.auth.userId, req.params.eventId, req.params.userId, req.body.role),
    );

    app.delete(
      "/events/:eventId/members/:userId",
      { schema: { tags, params: MemberParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await events.removeEventMember(ctx, req.auth.userId, req.params.eventId, req.params.userId);
        return reply.code(204).send(null);
      },
    );
  };
}
