/** Channel members for its admins/moderators: who may talk (listen-only stewards) — PATCH canSpeak. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Member } from "@won/protocol";
import { api } from "../api/endpoints";
import { describeError } from "../api/problem";
import { qk, useChannelMembers } from "../api/queries";
import { useSessionStore } from "../auth/session";
import { Avatar, Spinner } from "./ui";

export function ChannelMembers({ channelId }: { channelId: string }) {
  const members = useChannelMembers(channelId);
  const me = useSessionStore((s) => s.session?.user.id);
  const qc = useQueryClient();
  const setSpeak = useMutation({
    mutationFn: ({ userId, canSpeak }: { userId: string; canSpeak: boolean }) =>
      api.setChannelMember(channelId, userId, { canSpeak }),
    // Optimistic: the box flips at once; a failure refetches the truth.
    onMutate: ({ userId, canSpeak }) =>
      qc.setQueryData(qk.channelMembers(channelId), (old: Member[] | undefined) =>
        old?.map((m) => (m.user.id === userId ? { ...m, canSpeak } : m)),
      ),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.channelMembers(channelId) }),
  });
  if (members.isPending) return <Spinner label="Loading members" />;
  if (members.isError) return <p className="form-error">{describeError(members.error)}</p>;
  return (
    <div style={{ marginTop: ".75rem" }}>
      <h3>Who may talk</h3>
      {setSpeak.isError && <p className="form-error">{describeError(setSpeak.error)}</p>}
      <ul className="list" data-testid="channel-members">
        {members.data.map((m) => (
          <li key={m.user.id} className="list-item">
            <Avatar user={m.user} />
            <div style={{ flex: 1, minWidth: 0 }}>
              <div className="title">{m.user.displayName}</div>
              <div className="sub">{m.role}</div>
            </div>
            <label className="row small" style={{ gap: ".35rem" }}>
              <input
                type="checkbox"
                style={{ width: 18, height: 18, minHeight: 0 }}
                checked={m.canSpeak ?? true}
                disabled={m.user.id === me}
                onChange={(e) => setSpeak.mutate({ userId: m.user.id, canSpeak: e.target.checked })}
              />
              Can talk
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
