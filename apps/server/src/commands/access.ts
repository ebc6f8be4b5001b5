/**
 * Loading a resource with the caller's standing in it, then asking the policy module
 * (`domain/policy.ts`). A resource that does not exist is 404; one that exists but the caller is
 * not in is 403 `not_a_member`; a member the policy refuses gets 403 `forbidden`.
 */
import type { ChannelAbilities, EventAbilities } from "@won/protocol";
import type { Core } from "../core.js";
import type { ChannelRow, EventRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { type ChannelGrant, channelAbilities, type EventRole, eventAbilities } from "../domain/policy.js";

/** Access checks read the resource and the caller's standing in it, nothing else. */
export type AccessDeps = Pick<Core, "repos">;

const EVENT_REFUSALS: Record<keyof EventAbilities, string> = {
  edit: "Only organisers may edit this event",
  delete: "Only organisers may delete this event",
  invite: "Only organisers and moderators may see the invite code",
  rotateInvite: "Only organisers may issue a new invite code",
  manageMembers: "Only organisers and moderators may manage members",
  changeRoles: "Only organisers may change roles",
  createChannel: "Only organisers and moderators may create channels in this event",
  handleAlerts: "Only organisers and moderators may handle alerts",
  patch: "Only organisers and moderators may patch channels",
  allCall: "Only organisers may call the whole event",
};

const CHANNEL_REFUSALS: Record<keyof ChannelAbilities, string> = {
  talk: "You may only listen in this channel",
  interrupt: "Only channel moderators and admins may interrupt",
  moderate: "Only channel moderators and admins may do this",
  edit: "Only channel moderators and admins may edit this channel",
  delete: "Only channel admins may delete this channel",
  invite: "Only channel moderators and admins may see the invite code",
  rotateInvite: "Only channel moderators and admins may issue a new invite code",
  manageMembers: "Only channel admins may change roles",
  leave: "Membership of this channel comes from its event",
  requireAck: "Only channel moderators and admins may require acknowledgement",
};

export async function eventAccess(
  ctx: AccessDeps,
  eventId: string,
  userId: string,
  needs?: keyof EventAbilities,
): Promise<{ event: EventRow; role: EventRole }> {
  const event = await ctx.repos.events.findById(eventId);
  if (!event) throw new AppError("not_found", "No such event");
  const role = await ctx.repos.events.roleOf(eventId, userId);
  if (!role) {
    // Deleted between the two reads: it is gone, not forbidden.
    if (!(await ctx.repos.events.findById(eventId))) throw new AppError("not_found", "No such event");
    throw new AppError("not_a_member", "You are not a member of this event");
  }
  if (needs && !eventAbilities(role)[needs]) throw new AppError("forbidden", EVENT_REFUSALS[needs]);
  return { event, role };
}

export async function channelAccess(
  ctx: AccessDeps,
  channelId: string,
  userId: string,
  needs?: keyof ChannelAbilities,
): Promise<{ channel: ChannelRow; access: ChannelGrant }> {
  const found = await ctx.repos.channels.findWithAccess(channelId, userId);
  if (!found) throw new AppError("not_found", "No such channel");
  const { channel, access } = found;
  if (!access) throw new AppError("not_a_member", "You are not a member of this channel");
  if (needs && !channelAbilities(access)[needs]) throw new AppError("forbidden", CHANNEL_REFUSALS[needs]);
  return { channel, access };
}

/**
 * A recording is for the members of any channel whose history holds it: its own channel, or one
 * that heard the same transmission (all-call, patch). The refusal is its own channel's.
 */
export async function recordingAccess(
  ctx: AccessDeps,
  recording: { id: string; channel_id: string },
  userId: string,
): Promise<void> {
  try {
    await channelAccess(ctx, recording.channel_id, userId);
  } catch (err) {
    const others = (await ctx.repos.recordings.channelsReferencing(recording.id)).filter(
      (id) => id !== recording.channel_id,
    );
    for (const id of others) if ((await ctx.repos.channels.findWithAccess(id, userId))?.access) return;
    throw err;
  }
}
