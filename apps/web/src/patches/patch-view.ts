/**
 * What the screens say about patches and all-calls, as pure functions: which channels one is
 * patched with, the line shown for it, what may be patched, and the all-call's question.
 */
import type { Patch } from "@won/protocol";

interface Named {
  id: string;
  name: string;
}

/** The patch `channelId` belongs to, if any. */
export function patchOf(channelId: string, patches: readonly Patch[]): Patch | null {
  return patches.find((p) => p.channelIds.includes(channelId)) ?? null;
}

/** The names of the channels `channelId` is patched with (known channels only, in list order). */
export function patchedWith(
  channelId: string,
  patches: readonly Patch[],
  channels: readonly Named[],
): string[] {
  const patch = patchOf(channelId, patches);
  if (!patch) return [];
  return channels.filter((c) => c.id !== channelId && patch.channelIds.includes(c.id)).map((c) => c.name);
}

/** "⛓ patched with Medical, Gate", or null when the channel is not patched. */
export function patchNote(names: readonly string[]): string | null {
  return names.length ? `⛓ patched with ${names.join(", ")}` : null;
}

/** A patch as a line: its channels' names joined by the link sign. */
export function patchTitle(patch: Pick<Patch, "channelIds">, channels: readonly Named[]): string {
  const names = patch.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? "(deleted)");
  return names.join(" ⛓ ");
}

/** Channels that may go into a new patch: those in none yet (a channel joins one patch at most). */
export function patchable<T extends Named>(channels: readonly T[], patches: readonly Patch[]): T[] {
  return channels.filter((c) => !patchOf(c.id, patches));
}

/** How many people besides me hear an all-call: every member of the event. */
export function allCallListeners(memberCount: number): number {
  return Math.max(0, memberCount - 1);
}

/** The all-call's confirmation question. */
export function allCallQuestion(eventName: string, memberCount: number): string {
  const n = allCallListeners(memberCount);
  return `Talk to everyone in ${eventName}? ${n} ${n === 1 ? "person" : "people"} will hear you, on every channel.`;
}
