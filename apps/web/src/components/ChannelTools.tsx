/**
 * A channel's tools for those the server lets manage it: its own invite code (with QR) and a new
 * one, who may talk and channel roles, and deleting the channel. Each part follows the channel's
 * abilities; with none of them the tools are not shown.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Channel, ChannelAbilities } from "@won/protocol";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../api/endpoints";
import { describeError } from "../api/problem";
import { qk } from "../api/queries";
import { ChannelMembers } from "./ChannelMembers";
import { InviteCodeCard } from "./InviteCodeCard";

/** Whether a channel's tools have anything to offer me. */
export function hasChannelTools(a: ChannelAbilities): boolean {
  return a.invite || a.rotateInvite || a.moderate || a.manageMembers || a.delete;
}

export function ChannelTools({ channel }: { channel: Channel }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const regenerate = useMutation({
    mutationFn: () => api.regenerateChannelCode(channel.id),
    onSuccess: (r) =>
      qc.setQueryData(qk.channel(channel.id), (old: Channel | undefined) =>
        old && r.inviteCode ? { ...old, inviteCode: r.inviteCode } : old,
      ),
  });
  const remove = useMutation({
    mutationFn: () => api.deleteChannel(channel.id),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: qk.channels });
      if (channel.eventId) await qc.invalidateQueries({ queryKey: qk.event(channel.eventId) });
      navigate(channel.eventId ? `/events/${channel.eventId}` : "/", { replace: true });
    },
  });
  const [open, setOpen] = useState(false);
  const may = channel.abilities;
  if (!hasChannelTools(may)) return null;
  const error = regenerate.error ?? remove.error;
  return (
    <details className="card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary style={{ fontWeight: 700, cursor: "pointer" }}>Channel tools</summary>
      {error && <p className="form-error">{describeError(error)}</p>}
      {may.invite && channel.inviteCode && (
        <div style={{ marginTop: ".75rem" }}>
          <p className="muted small">Invite someone to this channel only:</p>
          <InviteCodeCard
            code={channel.inviteCode}
            onRegenerate={may.rotateInvite ? () => regenerate.mutate() : undefined}
            busy={regenerate.isPending}
          />
        </div>
      )}
      {open && (may.moderate || may.manageMembers) && <ChannelMembers channelId={channel.id} />}
      {may.delete && (
        <div className="row" style={{ marginTop: ".75rem" }}>
          <button
            type="button"
            className="btn danger small"
            disabled={remove.isPending}
            onClick={() => {
              if (confirm(`Delete # ${channel.name} and its history?`)) remove.mutate();
            }}
          >
            Delete channel
          </button>
        </div>
      )}
    </details>
  );
}
