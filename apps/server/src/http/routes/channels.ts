import { routes } from "@won/protocol";
import type { FastifyPluginAsync } from "fastify";
import * as channels from "../../commands/channels.js";
import { joinByCode, previewInvite } from "../../commands/joinByCode.js";
import { ackMessage, listMessageAcks } from "../../commands/message-acks.js";
import { channelHistory, postMessage } from "../../commands/messages.js";
import type { AppContext } from "../../context.js";
import { authenticate } from "../authenticate.js";
import { presenting } from "../presenting.js";
import { routeRegistrar } from "../route.js";

export function channelRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    const add = routeRegistrar(app, authenticate(ctx));

    add(routes.listChannels, async (req) => channels.listChannels(presenting(ctx, req), req.auth.userId));
    add(routes.createChannel, async (req) =>
      channels.createChannel(presenting(ctx, req), req.auth.userId, req.body),
    );
    add(routes.getChannel, async (req) =>
      channels.getChannel(presenting(ctx, req), req.auth.userId, req.params.channelId),
    );
    add(routes.patchChannel, async (req) =>
      channels.updateChannel(presenting(ctx, req), req.auth.userId, req.params.channelId, req.body),
    );
    add(routes.deleteChannel, async (req) => {
      await channels.deleteChannel(ctx, req.auth.userId, req.params.channelId);
    });
    add(routes.regenerateChannelCode, async (req) =>
      channels.regenerateChannelCode(presenting(ctx, req), req.auth.userId, req.params.channelId),
    );
    add(routes.listChannelMembers, async (req) =>
      channels.listChannelMembers(ctx, req.auth.userId, req.params.channelId),
    );
    add(routes.patchChannelMember, async (req) =>
      channels.updateChannelMember(ctx, req.auth.userId, req.params.channelId, req.params.userId, req.body),
    );
    add(routes.removeChannelMember, async (req) => {
      await channels.removeChannelMember(ctx, req.auth.userId, req.params.channelId, req.params.userId);
    });
    add(routes.getPresence, async (req) =>
      channels.channelPresence(ctx, req.auth.userId, req.params.channelId),
    );

    add(routes.listMessages, async (req) =>
      channelHistory(ctx, req.auth.userId, req.params.channelId, req.query),
    );
    add(routes.postMessage, async (req, reply) => {
      const { message, created } = await postMessage(ctx, req.auth.userId, req.params.channelId, req.body);
      if (!created) reply.code(200);
      return message;
    });
    add(routes.ackMessage, async (req) => ackMessage(ctx, req.auth.userId, req.params.messageId));
    add(routes.listMessageAcks, async (req) => listMessageAcks(ctx, req.auth.userId, req.params.messageId));

    add(routes.join, async (req) => joinByCode(presenting(ctx, req), req.auth.userId, req.body.code));
    add(routes.invitePreview, async (req) => previewInvite(ctx, req.body.code, req.ip));
  };
}
