/**
 * Authorisation checks shared by commands: load the resource, then the caller's role in it.
 * A resource that does not exist is 404; one that exists but the caller is not in is 403
 * `not_a_member`; a member without the needed role gets 403 `forbidden`.
 */
import type { AppContext } from "../context.js";
import type { ChannelRow, EventRow } from "../db/schema.js";
import { AppError } from "../http/problem.js";
import type { ChannelAccess, ChannelRole } from "../repositories/channels.js";
import type { EventRole } from "../repositories/events.js";

export async function eventAccess(
  ctx: AppContext,
  eventId: string,
  userId: string,
  allowed?: readonly EventRole[],
): Promise<{ event: EventRow; role: EventRole }> {
  const event = await ctx.repos.events.findById(eventId);
  if (!event) throw new AppError("not_found", "No such event");
  const role = await ctx.repos.events.roleOf(eventId, userId);
  if (!role) {
    // Deleted between the two reads: it is gone, not forbidden.
    if (!(await ctx.repos.events.findById(eventId))) throw new AppError("not_found", "No such event");
    throw new AppError("not_a_member", "You are not a member of this event");
  }
  if (allowed && !allowed.includes(role))
    throw new AppError("forbidden", `Only ${allowed.join(" or ")} may do this`);
  return { event, role };
}

export async function channelAccess(
  ctx: AppContext,
  channelId: string,
  userId: string,
  allowed?: readonly ChannelRole[],
): Promise<{ channel: ChannelRow; access: ChannelAccess }> {
  const found = await ctx.repos.channels.findWithAccess(channelId, userId);
  if (!found) throw new AppError("not_found", "No such channel");
  const { channel, access } = found;
  if (!access) throw new AppError("not_a_member", "You are not a member of this channel");
  if (allowed && !allowed.includes(access.role))
    throw new AppError("forbidden", `Only channel ${allowed.join(" or ")} may do this`);
  return { channel, access };
}
