/** "⛓ patched with Medical" under a channel that shares its floor with others, or nothing. */
import type { Patch } from "@won/protocol";
import { patchedWith, patchNote } from "../patches/patch-view";

export function PatchNote({
  channelId,
  patches,
  channels,
}: {
  channelId: string;
  patches: readonly Patch[];
  channels: readonly { id: string; name: string }[];
}) {
  const note = patchNote(patchedWith(channelId, patches, channels));
  return note ? (
    <span className="patch-note small" data-testid="patch-note">
      {note}
    </span>
  ) : null;
}
