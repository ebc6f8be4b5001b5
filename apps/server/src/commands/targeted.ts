/**
 * Targeted talk over REST: direct channels between two users, and patches joining channels of
 * an event. Authorise (policy module), change, then tell the real-time layer after the commit.
 */
import { randomUUID } from "node:crypto";
import type { Channel, Patch } from "@won/protocol";
import type { Core } from "../core.js";
import { retryOnCollision } from "../db/errors.js";
import { AppError } from "../domain/errors.js";
import { mayManagePatches, mayOpenDirect } from "../domain/policy.js";
import { type PresentContext, presentChannel } from "../presenters/index.js";
import type { PatchRecord } from "../repositories/patches.js";
import { eventAccess } from "./access.js";
import { freshInviteCode } from "./events.js";

type RepoDeps = Pick<Core, "repos">;
type NotifyingDeps = Pick<Core, "repos" | "live">;

/**
 * Opens the direct channel of the caller and `peerId`, or returns the one they already have
 * (`created: false`). Allowed when the two share an event or a group channel. Race-safe: of two
 * concurrent opens of one pair, one inserts and the other reads it back.
 */
export async function openDirect(
  ctx: RepoDeps & PresentContext,
  userId: string,
  peerId: string,
): Promise<{ channel: Channel; created: boolean }> {
  const [share, peer] = await Promise.all([
    userId === peerId ? false : ctx.repos.direct.shareAnything(userId, peerId),
    ctx.repos.users.findById(peerId),
  ]);
  const decision = mayOpenDirect(userId, peerId, share && peer !== undefined);
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  let created = false;
  let row = await ctx.repos.direct.find(userId, peerId);
  if (!row) {
    // Its invite code is never shown and never accepted; it only fills the unique column.
    created = await retryOnCollision("invite_code", 5, async () =>
      ctx.repos.direct.create(
        {
          id: randomUUID(),
          name: "",
          description: "",
          invite_code: await freshInviteCode(ctx),
          created_by: userId,
          created_at: Date.now(),
        },
        userId,
        peerId,
      ),
    );
    row = await ctx.repos.direct.find(userId, peerId);
  }
  const access = row && (await ctx.repos.channels.access(row, userId));
  if (!row || !access) throw new AppError("not_found", "The direct channel was deleted meanwhile");
  return { channel: presentChannel(row, access, ctx, peer), created };
}

export function presentPatch(p: PatchRecord): Patch {
  return {
    id: p.id,
    eventId: p.event_id,
    channelIds: p.channel_ids,
    createdBy: p.created_by,
    createdAt: new Date(p.created_at).toISOString(),
  };
}

/** Patches two or more channels of an event (its organisers and moderators). */
export async function createPatch(
  ctx: NotifyingDeps,
  userId: string,
  eventId: string,
  channelIds: readonly string[],
): Promise<Patch> {
  const { role } = await eventAccess(ctx, eventId, userId);
  const decision = mayManagePatches(role);
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  const result = await ctx.repos.patches.create(eventId, channelIds, userId);
  if (result === "event_gone") throw new AppError("not_found", "No such event");
  if (result === "foreign_channel")
    throw new AppError("invalid_body", "Every channel of a patch must be a group channel of this event", {
      fieldErrors: [{ path: "channelIds", message: "not all group channels of this event" }],
    });
  if (result === "already_patched") throw new AppError("conflict", "A channel of these is already patched");
  const patch = presentPatch(result);
  await ctx.live.patchChanged("created", patch, patch.channelIds);
  return patch;
}

export async function listPatches(ctx: RepoDeps, userId: string, eventId: string): Promise<Patch[]> {
  await eventAccess(ctx, eventId, userId);
  return (await ctx.repos.patches.listForEvent(eventId)).map(presentPatch);
}

/** Removes a patch. Someone outside its event gets 404, so its existence does not leak. */
export async function deletePatch(ctx: NotifyingDeps, userId: string, patchId: string): Promise<void> {
  const found = await ctx.repos.patches.findById(patchId);
  const role = found ? await ctx.repos.events.roleOf(found.event_id, userId) : null;
  if (!found || !role) throw new AppError("not_found", "No such patch");
  const decision = mayManagePatches(role);
  if (!decision.ok) throw new AppError(decision.code, decision.message);
  if (!(await ctx.repos.patches.delete(patchId))) throw new AppError("not_found", "No such patch");
  const patch = presentPatch(found);
  await ctx.live.patchChanged("deleted", patch, patch.channelIds);
}

/**
 * After a channel was deleted: its patch keeps the other channels while two or more are left
 * (`patch.updated`), and is deleted otherwise (`patch.deleted`).
 */
export async function channelLeftPatch(
  ctx: NotifyingDeps,
  before: PatchRecord,
  channelId: string,
): Promise<void> {
  const rest = before.channel_ids.filter((id) => id !== channelId);
  if (rest.length >= 2) {
    await ctx.live.patchChanged("updated", presentPatch({ ...before, channel_ids: rest }), rest);
    return;
  }
  await ctx.repos.patches.delete(before.id);
  await ctx.live.patchChanged("deleted", presentPatch(before), rest);
}
