/**
 * A channel's tools for those the server lets manage it: its own invite code (with QR) and a new
 * one, who may talk and channel roles, and deleting the channel. Each part follows the channel's
 * abilities; with none of them the tools are not shown.
 */
import type { Channel, ChannelAbilities } from "@won/protocol";
import { useState } from "react";
import { useNavigate } from "react-router";
import { describeError } from "../api/problem";
import { useDeleteChannel, useRegenerateChannelCode } from "../state/queries/channels";
import { ChannelMembers } from "./ChannelMembers";
import { InviteCodeCard } from "./InviteCodeCard";

/** Whether a channel's tools have anything to offer me. */
export function hasChannelTools(a: ChannelAbilities): boolean {
  return a.invite || a.rotateInvite || a.moderate || a.manageMembers || a.delete;
}

export function ChannelTools({ channel }: { channel: Channel }) {
  const navigate = useNavigate();
  const regenerate = useRegenerateChannelCode(channel.id);
  const remove = useDeleteChannel(channel);
  const [open, setOpen] = useState(false);
  const may = channel.abilities;
  if (!hasChannelTools(may)) return null;
  const error = regenerate.error ?? remove.error;
  return (
    <details className="card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="tools-summary">Channel tools</summary>
      {error && <p className="form-error">{describeError(error)}</p>}
      {may.invite && channel.inviteCode && (
        <div className="stack-top">
          <p className="muted small">Invite someone to this channel only:</p>
          <InviteCodeCard
            code={channel.inviteCode}
            url={channel.inviteUrl}
            onRegenerate={may.rotateInvite ? () => regenerate.mutate() : undefined}
            busy={regenerate.isPending}
          />
        </div>
      )}
      {open && (may.moderate || may.manageMembers) && <ChannelMembers channelId={channel.id} />}
      {may.delete && (
        <div className="row stack-top">
          <button
            type="button"
            className="btn danger small"
            disabled={remove.isPending}
            onClick={() => {
              if (!confirm(`Delete # ${channel.name} and its history?`)) return;
              remove.mutate(undefined, {
                onSuccess: () =>
                  navigate(channel.eventId ? `/events/${channel.eventId}` : "/", { replace: true }),
              });
            }}
          >
            Delete channel
          </button>
        </div>
      )}
    </details>
  );
}
