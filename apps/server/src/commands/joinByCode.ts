import type { InvitePreview, JoinResult } from "@won/protocol";
import type { Core } from "../core.js";
import { isForeignKeyViolation } from "../db/errors.js";
import { AppError } from "../domain/errors.js";
import { type PresentContext, presentChannel } from "../presenters/index.js";
import { presentEventFor } from "./events.js";
import { enforceRate } from "./rate-limit.js";

/** Memberships, and the per-user join limit (rate limiter and its rule). */
export type JoinDeps = Pick<Core, "repos" | "engines" | "config"> & PresentContext;

/**
 * Joins an event (as participant) or a channel (as member) by invite code. Idempotent: joining
 * again returns the same body and changes nothing. Rate limited per user, since codes are the
 * only secret between a stranger and a channel (31^8 codes; the limit makes guessing hopeless).
 */
export async function joinByCode(ctx: JoinDeps, userId: string, code: string): Promise<JoinResult> {
  await enforceRate(ctx, `join:user:${userId}`, ctx.config.rates.joinPerUser, "join attempts");
  const gone = () => new AppError("invalid_code", "No event or channel has this invite code");
  const event = await ctx.repos.events.findByInviteCode(code);
  if (event) {
    await ctx.repos.events.addMember(event.id, userId, "participant").catch(deletedMeanwhile(gone));
    const role = await ctx.repos.events.roleOf(event.id, userId);
    if (!role) throw gone();
    return { kind: "event", event: await presentEventFor(ctx, event, role, userId) };
  }
  const channel = await ctx.repos.channels.findByInviteCode(code);
  // A direct channel's code is never shown and never opens it: it has its two users only.
  if (channel && channel.kind === "group") {
    if (!(await ctx.repos.channels.access(channel, userId)))
      await ctx.repos.channels.addMember(channel.id, userId, "member").catch(deletedMeanwhile(gone));
    const access = await ctx.repos.channels.access(channel, userId);
    if (!access) throw gone();
    return { kind: "channel", channel: presentChannel(channel, access, ctx) };
  }
  throw gone();
}

/**
 * What a code leads to, by name only, for someone not signed in yet ("You're invited to …").
 * Limited per client address like the other unauthenticated routes, so codes cannot be guessed
 * through it either.
 */
export async function previewInvite(
  ctx: Pick<Core, "repos" | "engines" | "config">,
  code: string,
  clientAddress: string,
): Promise<InvitePreview> {
  await enforceRate(
    ctx,
    `invite-preview:ip:${clientAddress}`,
    ctx.config.rates.invitePreviewPerIp,
    "invite look-ups",
  );
  const event = await ctx.repos.events.findByInviteCode(code);
  if (event) return { kind: "event", name: event.name, eventName: null };
  const channel = await ctx.repos.channels.findByInviteCode(code);
  if (!channel) throw new AppError("invalid_code", "No event or channel has this invite code");
  const parent = channel.event_id ? await ctx.repos.events.findById(channel.event_id) : undefined;
  return { kind: "channel", name: channel.name, eventName: parent?.name ?? null };
}

/** The event or channel was deleted between finding its code and adding the member. */
function deletedMeanwhile(gone: () => AppError) {
  return (err: unknown): never => {
    throw isForeignKeyViolation(err) ? gone() : err;
  };
}
