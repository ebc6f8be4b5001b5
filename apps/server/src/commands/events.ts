/**
 * Event use cases. Each exported function is one command: authorise, change, then tell the
 * real-time layer after the commit.
 */
import { randomUUID } from "node:crypto";
import type {
  Channel,
  CreateEventBody,
  Event,
  EventWithChannels,
  Member,
  PatchEventBody,
} from "@won/protocol";
import type { Core } from "../core.js";
import { retryOnCollision } from "../db/errors.js";
import type { EventRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import { type EventRole, mayRemoveEventMember } from "../domain/policy.js";
import { newInviteCode } from "../lib/invite-code.js";
import {
  type PresentContext,
  presentChannel,
  presentEvent,
  presentEventMember,
  presentEventWithChannels,
} from "../presenters/index.js";
import { eventAccess } from "./access.js";
import { assertCanCreate } from "./storage-quota.js";

/** Everything an event command may touch: events, memberships, channels, the creation quota
 *  and live events for the event's channels. Each command below takes only its part. */
export type EventDeps = Pick<Core, "repos" | "config" | "live">;
type RepoDeps = Pick<EventDeps, "repos">;
/** Commands that return events also need where phones reach this server (invite links). */
type PresentingDeps = RepoDeps & PresentContext;
/** Changes that the event's channels' subscribers must hear of. */
type NotifyingDeps = Pick<EventDeps, "repos" | "live">;

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** An invite code unused by any event or channel (codes of both kinds share one namespace). */
export async function freshInviteCode(ctx: RepoDeps): Promise<string> {
  for (let i = 0; i < 10; i++) {
    const code = newInviteCode();
    const [e, c] = await Promise.all([
      ctx.repos.events.findByInviteCode(code),
      ctx.repos.channels.findByInviteCode(code),
    ]);
    if (!e && !c) return code;
  }
  throw new Error("could not find a free invite code in 10 draws");
}

export async function presentEventFor(
  ctx: PresentingDeps,
  event: EventRow,
  role: EventRole,
  userId: string,
): Promise<EventWithChannels> {
  const [count, channels] = await Promise.all([
    ctx.repos.events.memberCount(event.id),
    ctx.repos.channels.listForEvent(event.id),
  ]);
  const presented: Channel[] = [];
  for (const c of channels) {
    const access = await ctx.repos.channels.access(c, userId);
    if (access) presented.push(presentChannel(c, access, ctx));
  }
  return presentEventWithChannels(presentEvent(event, role, count, ctx), presented);
}

export async function listEvents(ctx: PresentingDeps, userId: string): Promise<Event[]> {
  const rows = await ctx.repos.events.listForUser(userId);
  return rows.map(({ my_role, member_count, ...e }) => presentEvent(e, my_role, member_count, ctx));
}

/** A user creates an event and becomes its organiser; refused past `MAX_EVENTS_PER_USER`. */
export async function createEvent(
  ctx: Pick<EventDeps, "repos" | "config"> & PresentContext,
  userId: string,
  body: CreateEventBody,
): Promise<Event> {
  await assertCanCreate(ctx, userId, "event");
  return createEventForOwner(ctx, userId, body);
}

/**
 * Creates an event organised by `ownerId` without the creation quota: the operator's path (the
 * admin CLI), and the second half of {@link createEvent}.
 */
export async function createEventForOwner(
  ctx: PresentingDeps,
  ownerId: string,
  body: CreateEventBody,
): Promise<Event> {
  return retryOnCollision("invite_code", 5, async () => {
    const row: EventRow = {
      id: randomUUID(),
      name: body.name,
      description: body.description ?? "",
      starts_at: ms(body.startsAt),
      ends_at: ms(body.endsAt),
      invite_code: await freshInviteCode(ctx),
      created_by: ownerId,
      created_at: Date.now(),
    };
    await ctx.repos.events.create(row);
    return presentEvent(row, "organiser", 1, ctx);
  });
}

export async function getEvent(
  ctx: PresentingDeps,
  userId: string,
  eventId: string,
): Promise<EventWithChannels> {
  const { event, role } = await eventAccess(ctx, eventId, userId);
  return presentEventFor(ctx, event, role, userId);
}

export async function updateEvent(
  ctx: PresentingDeps,
  userId: string,
  eventId: string,
  body: PatchEventBody,
): Promise<EventWithChannels> {
  const { event } = await eventAccess(ctx, eventId, userId, "edit");
  const next = {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.startsAt !== undefined ? { starts_at: ms(body.startsAt) } : {}),
    ...(body.endsAt !== undefined ? { ends_at: ms(body.endsAt) } : {}),
  };
  const merged = { ...event, ...next };
  if (merged.starts_at !== null && merged.ends_at !== null && merged.ends_at < merged.starts_at) {
    throw new AppError("invalid_body", "The end must not be before the start", {
      fieldErrors: [{ path: "endsAt", message: "must not be before the start" }],
    });
  }
  await ctx.repos.events.update(eventId, next);
  return presentEventFor(ctx, merged, "organiser", userId);
}

export async function deleteEvent(ctx: NotifyingDeps, userId: string, eventId: string): Promise<void> {
  await eventAccess(ctx, eventId, userId, "delete");
  const channels = await ctx.repos.channels.listForEvent(eventId);
  await ctx.repos.events.delete(eventId);
  await Promise.all(channels.map((c) => ctx.live.channelDeleted(c.id)));
}

export async function regenerateEventCode(
  ctx: PresentingDeps,
  userId: string,
  eventId: string,
): Promise<EventWithChannels> {
  const { event, role } = await eventAccess(ctx, eventId, userId, "rotateInvite");
  const invite_code = await retryOnCollision("invite_code", 5, async () => {
    const code = await freshInviteCode(ctx);
    await ctx.repos.events.update(eventId, { invite_code: code });
    return code;
  });
  return presentEventFor(ctx, { ...event, invite_code }, role, userId);
}

export async function listEventMembers(ctx: RepoDeps, userId: string, eventId: string): Promise<Member[]> {
  const { role } = await eventAccess(ctx, eventId, userId);
  const members = await ctx.repos.events.members(eventId);
  const users = new Map(
    (await ctx.repos.users.findMany(members.map((m) => m.user_id))).map((u) => [u.id, u]),
  );
  const actor = { userId, role };
  const reset = await resetStandings(
    ctx,
    actor,
    members.map((m) => m.user_id),
  );
  return members.flatMap((m) => {
    const u = users.get(m.user_id);
    return u ? [presentEventMember(m, u, actor, reset(m.user_id))] : [];
  });
}

/**
 * What the `resetPassword` member ability is decided from, per member: the whole account's
 * standing and the events the actor organises. Read only for an organiser, the one role the rule
 * can answer yes for.
 */
async function resetStandings(ctx: RepoDeps, actor: { userId: string; role: EventRole }, userIds: string[]) {
  if (actor.role !== "organiser") return () => undefined;
  const [organises, accounts] = await Promise.all([
    ctx.repos.passwordResets.organisedBy(actor.userId),
    ctx.repos.passwordResets.accountStandings(userIds),
  ]);
  return (userId: string) => {
    const account = accounts.get(userId);
    return account ? { organises, account } : undefined;
  };
}

export async function setEventRole(
  ctx: NotifyingDeps,
  userId: string,
  eventId: string,
  targetId: string,
  role: EventRole,
): Promise<Member> {
  const { role: actorRole } = await eventAccess(ctx, eventId, userId, "changeRoles");
  const outcome = await ctx.repos.events.setRole(eventId, targetId, role);
  if (outcome === "not_member") throw new AppError("not_found", "That user is not a member of this event");
  if (outcome === "last_organiser") throw new AppError("last_organiser", "Promote another organiser first");
  await notifyEventChannels(ctx, eventId, (channelId) => ctx.live.accessChanged(channelId, targetId));
  const member = (await ctx.repos.events.members(eventId)).find((m) => m.user_id === targetId)!;
  const user = (await ctx.repos.users.findById(targetId))!;
  const actor = { userId, role: actorRole };
  return presentEventMember(member, user, actor, (await resetStandings(ctx, actor, [targetId]))(targetId));
}

/** Removes a member: organisers remove anyone, moderators remove participants, anyone leaves. */
export async function removeEventMember(
  ctx: NotifyingDeps,
  userId: string,
  eventId: string,
  targetId: string,
): Promise<void> {
  const { role } = await eventAccess(ctx, eventId, userId);
  const targetRole = await ctx.repos.events.roleOf(eventId, targetId);
  if (!targetRole) throw new AppError("not_found", "That user is not a member of this event");
  const decision = mayRemoveEventMember({ userId, role }, { userId: targetId, role: targetRole });
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  const outcome = await ctx.repos.events.removeMember(eventId, targetId);
  if (outcome === "not_member") throw new AppError("not_found", "That user is not a member of this event");
  if (outcome === "last_organiser")
    throw new AppError(
      "last_organiser",
      "An event must keep at least one organiser; delete the event instead",
    );
  await notifyEventChannels(ctx, eventId, (channelId) => ctx.live.accessRevoked(channelId, [targetId]));
}

async function notifyEventChannels(
  ctx: RepoDeps,
  eventId: string,
  fn: (channelId: string) => Promise<void>,
): Promise<void> {
  const channels = await ctx.repos.channels.listForEvent(eventId);
  await Promise.all(channels.map((c) => fn(c.id)));
}
