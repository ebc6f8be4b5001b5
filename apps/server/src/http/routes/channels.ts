import {
  Channel,
  CreateChannelBody,
  History,
  HistoryQuery,
  Id,
  JoinBody,
  JoinResult,
  Member,
  Message,
  PatchChannelBody,
  PatchChannelMemberBody,
  PostMessageBody,
  Presence,
} from "@won/protocol";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import * as channels from "../../commands/channels.js";
import { joinByCode } from "../../commands/joinByCode.js";
import { channelHistory, postMessage } from "../../commands/messages.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";

const ChannelParams = z.strictObject({ channelId: Id });
const MemberParams = z.strictObject({ channelId: Id, userId: Id });

export function channelRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    // onRequest: an anonymous caller is refused before its body is read or validated.
    app.addHook("onRequest", authenticate(ctx));
    const tags = ["channels"];

    app.get("/channels", { schema: { tags, response: { 200: z.array(Channel) } } }, async (req) =>
      channels.listChannels(ctx, req.auth.userId),
    );

    app.post(
      "/channels",
      { schema: { tags, body: CreateChannelBody, response: { 201: Channel } } },
      async (req, reply) => {
        reply.code(201);
        return channels.createChannel(ctx, req.auth.userId, req.body);
      },
    );

    app.get(
      "/channels/:channelId",
      { schema: { tags, params: ChannelParams, response: { 200: Channel } } },
      async (req) => channels.getChannel(ctx, req.auth.userId, req.params.channelId),
    );

    app.patch(
      "/channels/:channelId",
      { schema: { tags, params: ChannelParams, body: PatchChannelBody, response: { 200: Channel } } },
      async (req) => channels.updateChannel(ctx, req.auth.userId, req.params.channelId, req.body),
    );

    app.delete(
      "/channels/:channelId",
      { schema: { tags, params: ChannelParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await channels.deleteChannel(ctx, req.auth.userId, req.params.channelId);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/channels/:channelId/invite-code",
      { schema: { tags, params: ChannelParams, response: { 200: Channel } } },
      async (req) => channels.regenerateChannelCode(ctx, req.auth.userId, req.params.channelId),
    );

    app.get(
      "/channels/:channelId/members",
      { schema: { tags, params: ChannelParams, response: { 200: z.array(Member) } } },
      async (req) => channels.listChannelMembers(ctx, req.auth.userId, req.params.channelId),
    );

    app.patch(
      "/channels/:channelId/members/:userId",
      { schema: { tags, params: MemberParams, body: PatchChannelMemberBody, response: { 200: Member } } },
      async (req) =>
        channels.updateChannelMember(ctx, req.auth.userId, req.params.channelId, req.params.userId, req.body),
    );

    app.delete(
      "/channels/:channelId/members/:userId",
      { schema: { tags, params: MemberParams, response: { 204: z.null() } } },
      async (req, reply) => {
        await channels.removeChannelMember(ctx, req.auth.userId, req.params.channelId, req.params.userId);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/channels/:channelId/presence",
      { schema: { tags, params: ChannelParams, response: { 200: Presence } } },
      async (req) => channels.channelPresence(ctx, req.auth.userId, req.params.channelId),
    );

    app.get(
      "/channels/:channelId/messages",
      {
        schema: {
          tags: ["messages"],
          params: ChannelParams,
          querystring: HistoryQuery,
          response: { 200: History },
        },
      },
      async (req) => channelHistory(ctx, req.auth.userId, req.params.channelId, req.query),
    );

    app.post(
      "/channels/:channelId/messages",
      {
        schema: {
          tags: ["messages"],
          params: ChannelParams,
          body: PostMessageBody,
          response: { 200: Message, 201: Message },
        },
      },
      async (req, reply) => {
        const { message, created } = await postMessage(ctx, req.auth.userId, req.params.channelId, req.body);
        reply.code(created ? 201 : 200);
        return message;
      },
    );

    app.post(
      "/join",
      { schema: { tags: ["joining"], body: JoinBody, response: { 200: JoinResult } } },
      async (req) => joinByCode(ctx, req.auth.userId, req.body.code),
    );
  };
}
