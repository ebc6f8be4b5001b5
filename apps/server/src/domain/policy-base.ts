/**
 * What every part of the policy module (policy.ts and the files it re-exports) builds on: who
 * counts as staff, and the shape of a decision.
 */
import type { ChannelRole, EventRole } from "@won/protocol";

export const isEventStaff = (role: EventRole) => role === "organiser" || role === "moderator";
export const isChannelStaff = (role: ChannelRole) => role === "admin" || role === "moderator";

/** Why an action on a member is refused: `forbidden` (rank) or `conflict` (membership shape). */
export type Refusal = { code: "forbidden" | "conflict"; message: string };
export type Decision = { ok: true } | ({ ok: false } & Refusal);
export const OK: Decision = { ok: true };
export const no = (code: Refusal["code"], message: string): Decision => ({ ok: false, code, message });
