/**
 * A channel's members for those who moderate it: who may talk (listen-only stewards), channel
 * roles, and removing direct members. Each row offers only what its abilities allow: moderators
 * mute and remove plain members, admins anyone; a membership that comes from the event is
 * removed on the event, so such rows offer no Remove.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ChannelRole, ChannelRole as ChannelRoleSchema, type Member } from "@won/protocol";
import { api } from "../api/endpoints";
import { describeError } from "../api/problem";
import { qk, useChannelMembers } from "../api/queries";
import { useSessionStore } from "../auth/session";
import { MemberRow } from "./MemberRow";
import { Spinner } from "./ui";

export function ChannelMembers({ channelId }: { channelId: string }) {
  const members = useChannelMembers(channelId);
  const me = useSessionStore((s) => s.session?.user.id);
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: qk.channelMembers(channelId) });
  const setSpeak = useMutation({
    mutationFn: ({ userId, canSpeak }: { userId: string; canSpeak: boolean }) =>
      api.setChannelMember(channelId, userId, { canSpeak }),
    // Optimistic: the box flips at once; a failure refetches the truth.
    onMutate: ({ userId, canSpeak }) =>
      qc.setQueryData(qk.channelMembers(channelId), (old: Member[] | undefined) =>
        old?.map((m) => (m.user.id === userId ? { ...m, canSpeak } : m)),
      ),
    onSettled: refresh,
  });
  const setRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: ChannelRole }) =>
      api.setChannelMember(channelId, userId, { role }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.removeChannelMember(channelId, userId),
    onSettled: refresh,
  });
  if (members.isPending) return <Spinner label="Loading members" />;
  if (members.isError) return <p className="form-error">{describeError(members.error)}</p>;
  const error = setSpeak.error ?? setRole.error ?? remove.error;
  return (
    <div style={{ marginTop: ".75rem" }}>
      <h3>Who may talk</h3>
      {error && <p className="form-error">{describeError(error)}</p>}
      <ul className="list" data-testid="channel-members">
        {members.data.map((m) => (
          <MemberRow
            key={m.user.id}
            member={m}
            selfId={me}
            roles={ChannelRoleSchema.options}
            place="this channel"
            onRoleChange={(role) =>
              setRole.mutate({ userId: m.user.id, role: ChannelRoleSchema.parse(role) })
            }
            onRemove={() => remove.mutate(m.user.id)}
            onCanSpeakChange={(canSpeak) => setSpeak.mutate({ userId: m.user.id, canSpeak })}
          />
        ))}
      </ul>
    </div>
  );
}
