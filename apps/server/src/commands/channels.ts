/** Channel use cases: authorise, change, then tell the real-time layer after the commit. */
import { randomUUID } from "node:crypto";
import type { Channel, CreateChannelBody, Member, Presence } from "@won/protocol";
import type { Core } from "../core.js";
import { retryOnCollision } from "../db/errors.js";
import type { ChannelRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import {
  type ChannelMemberStanding,
  type ChannelRole,
  mayChangeChannelRole,
  mayRemoveChannelMember,
  maySetCanSpeak,
} from "../domain/policy.js";
import {
  type PresentContext,
  presentChannel,
  presentChannelMember,
  presentChannelPublic,
  presentUser,
} from "../presenters/index.js";
import { directPair } from "../repositories/direct-channels.js";
import type { UserProfile } from "../repositories/users.js";
import { channelAccess, eventAccess } from "./access.js";
import { freshInviteCode } from "./events.js";
import { assertCanCreate } from "./storage-quota.js";
import { channelLeftPatch } from "./targeted.js";

/** Everything a channel command may touch: channels, memberships and users, the creation quota,
 *  live events, and (presence) the engines. Each command below takes only its part. */
export type ChannelDeps = Pick<Core, "repos" | "config" | "live" | "engines">;
type RepoDeps = Pick<ChannelDeps, "repos">;
/** Commands that return channels also need where phones reach this server (invite links). */
type PresentingDeps = RepoDeps & PresentContext;
/** Changes that the channel's subscribers must hear of. */
type NotifyingDeps = Pick<ChannelDeps, "repos" | "live">;

export async function listChannels(ctx: PresentingDeps, userId: string): Promise<Channel[]> {
  const rows = await ctx.repos.channels.listForUser(userId);
  const peers = await peersOf(
    ctx,
    userId,
    rows.map((r) => r.channel),
  );
  return rows.map(({ channel, access }) => presentChannel(channel, access, ctx, peers.get(channel.id)));
}

/** The other user of each direct channel among `channels`, by channel id. */
export async function peersOf(
  ctx: RepoDeps,
  userId: string,
  channels: readonly ChannelRow[],
): Promise<Map<string, UserProfile>> {
  const peerIds = new Map<string, string>();
  for (const c of channels) {
    if (c.kind !== "direct" || !c.direct_key) continue;
    const [a, b] = directPair(c.direct_key);
    peerIds.set(c.id, a === userId ? b : a);
  }
  if (peerIds.size === 0) return new Map();
  const users = new Map((await ctx.repos.users.findMany([...peerIds.values()])).map((u) => [u.id, u]));
  const out = new Map<string, UserProfile>();
  for (const [channelId, peerId] of peerIds) {
    const u = users.get(peerId);
    if (u) out.set(channelId, u);
  }
  return out;
}

/** Standalone channels: anyone may create one and becomes its admin. Event channels: the
 *  event's organisers and moderators. */
export async function createChannel(
  ctx: Pick<ChannelDeps, "repos" | "config"> & PresentContext,
  userId: string,
  body: CreateChannelBody,
): Promise<Channel> {
  if (body.eventId) await eventAccess(ctx, body.eventId, userId, "createChannel");
  await assertCanCreate(ctx, userId, "channel");
  const id = randomUUID();
  const created = await retryOnCollision("invite_code", 5, async () =>
    ctx.repos.channels.create(
      {
        id,
        event_id: body.eventId ?? null,
        name: body.name,
        description: body.description ?? "",
        invite_code: await freshInviteCode(ctx),
        created_by: userId,
        created_at: Date.now(),
      },
      body.eventId ? null : "admin",
    ),
  );
  if (!created) throw new AppError("not_found", "No such event");
  return getChannel(ctx, userId, id);
}

export async function getChannel(ctx: PresentingDeps, userId: string, channelId: string): Promise<Channel> {
  const { channel, access } = await channelAccess(ctx, channelId, userId);
  const peers = await peersOf(ctx, userId, [channel]);
  return presentChannel(channel, access, ctx, peers.get(channel.id));
}

export async function updateChannel(
  ctx: NotifyingDeps & PresentContext,
  userId: string,
  channelId: string,
  patch: { name?: string; description?: string },
): Promise<Channel> {
  const { channel, access } = await channelAccess(ctx, channelId, userId, "edit");
  await ctx.repos.channels.update(channelId, patch);
  const next = { ...channel, ...patch };
  await ctx.live.channelUpdated(presentChannelPublic(next));
  return presentChannel(next, access, ctx);
}

export async function deleteChannel(ctx: NotifyingDeps, userId: string, channelId: string): Promise<void> {
  await channelAccess(ctx, channelId, userId, "delete");
  const patch = await ctx.repos.patches.findByChannel(channelId);
  await ctx.repos.channels.delete(channelId);
  await ctx.live.channelDeleted(channelId);
  if (patch) await channelLeftPatch(ctx, patch, channelId);
}

export async function regenerateChannelCode(
  ctx: PresentingDeps,
  userId: string,
  channelId: string,
): Promise<Channel> {
  const { channel, access } = await channelAccess(ctx, channelId, userId, "rotateInvite");
  const invite_code = await retryOnCollision("invite_code", 5, async () => {
    const code = await freshInviteCode(ctx);
    await ctx.repos.channels.update(channelId, { invite_code: code });
    return code;
  });
  return presentChannel({ ...channel, invite_code }, access, ctx);
}

export async function listChannelMembers(
  ctx: RepoDeps,
  userId: string,
  channelId: string,
): Promise<Member[]> {
  const { channel, access } = await channelAccess(ctx, channelId, userId);
  const members = await ctx.repos.channels.members(channel);
  const users = new Map(
    (await ctx.repos.users.findMany(members.map((m) => m.user_id))).map((u) => [u.id, u]),
  );
  const actor = { userId, grant: access };
  return members.flatMap((m) => {
    const u = users.get(m.user_id);
    return u ? [presentChannelMember(m, u, actor)] : [];
  });
}

/**
 * Changes a member's role (admins) or whether they may speak (admins, and moderators for plain
 * members). A role is stored only as far as it raises the event role (which is a floor); a
 * listen-only restriction is a record of its own that outlives leaving and rejoining.
 */
export async function updateChannelMember(
  ctx: NotifyingDeps,
  userId: string,
  channelId: string,
  targetId: string,
  patch: { role?: ChannelRole; canSpeak?: boolean },
): Promise<Member> {
  const { channel, access } = await channelAccess(ctx, channelId, userId, "moderate");
  const actor: ChannelMemberStanding = { userId, grant: access };
  const target = await findMember(ctx, channel, targetId);
  const decisions = [
    patch.role !== undefined ? mayChangeChannelRole(actor, target, patch.role) : null,
    patch.canSpeak !== undefined ? maySetCanSpeak(actor, target) : null,
  ];
  for (const d of decisions) if (d && !d.ok) throw new AppError(d.code, d.message);
  if (patch.role !== undefined) {
    const outcome = await ctx.repos.channels.setRole(channelId, targetId, target.grant.eventRole, patch.role);
    if (outcome === "not_member") throw new AppError("not_found", "No such channel");
    if (outcome === "last_admin") throw new AppError("conflict", "A channel must keep at least one admin");
  }
  if (patch.canSpeak !== undefined)
    await ctx.repos.channels.setRestricted(channelId, targetId, !patch.canSpeak, userId);
  await ctx.live.accessChanged(channelId, targetId);
  const updated = await findMember(ctx, channel, targetId);
  return presentChannelMember(
    { user_id: targetId, joined_at: updated.joinedAt, grant: updated.grant },
    (await ctx.repos.users.findById(targetId))!,
    actor,
  );
}

/** Removes a direct member, or leaves. Membership that comes from an event changes on the event. */
export async function removeChannelMember(
  ctx: NotifyingDeps,
  userId: string,
  channelId: string,
  targetId: string,
): Promise<void> {
  const { channel, access } = await channelAccess(ctx, channelId, userId);
  const target = await findMember(ctx, channel, targetId);
  const decision = mayRemoveChannelMember({ userId, grant: access }, target);
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  const outcome = await ctx.repos.channels.removeMember(channelId, targetId);
  if (outcome === "not_member") throw new AppError("not_found", "That user is not a member of this channel");
  if (outcome === "last_admin")
    throw new AppError("conflict", "A channel must keep at least one admin; delete the channel instead");
  await ctx.live.accessRevoked(channelId, [targetId]);
}

async function findMember(
  ctx: RepoDeps,
  channel: { id: string; event_id: string | null },
  targetId: string,
): Promise<ChannelMemberStanding & { joinedAt: number }> {
  const m = (await ctx.repos.channels.members(channel)).find((x) => x.user_id === targetId);
  if (!m) throw new AppError("not_found", "That user is not a member of this channel");
  return { userId: m.user_id, grant: m.grant, joinedAt: m.joined_at };
}

export async function channelPresence(
  ctx: Pick<ChannelDeps, "repos" | "engines">,
  userId: string,
  channelId: string,
): Promise<Presence> {
  await channelAccess(ctx, channelId, userId);
  return loadPresence(ctx, channelId);
}

/** Who is online in a channel and who holds its floor (no authorisation: callers check). */
export async function loadPresence(
  ctx: Pick<ChannelDeps, "repos" | "engines">,
  channelId: string,
): Promise<Presence> {
  const [ids, holder] = await Promise.all([
    ctx.engines.presence.users(channelId),
    ctx.engines.floor.current(channelId),
  ]);
  const users = await ctx.repos.users.findMany(holder ? [...ids, holder.userId] : ids);
  const online = new Set(ids);
  const speakerUser = holder ? users.find((u) => u.id === holder.userId) : undefined;
  return {
    online: users.filter((u) => online.has(u.id)).map(presentUser),
    speaker: holder
      ? {
          userId: holder.userId,
          streamId: holder.streamId,
          since: new Date(holder.since).toISOString(),
          ...(speakerUser ? { user: presentUser(speakerUser) } : {}),
        }
      : null,
  };
}
