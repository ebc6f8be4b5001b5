/**
 * A channel's members for those who moderate it: who may talk (listen-only stewards), channel
 * roles, and removing direct members. Each row offers only what its abilities allow: moderators
 * mute and remove plain members, admins anyone; a membership that comes from the event is
 * removed on the event, so such rows offer no Remove.
 */
import { ChannelRole as ChannelRoleSchema } from "@won/protocol";
import { describeError } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { useCallUser } from "../state/queries/direct";
import {
  useChannelMembers,
  usePendingCanSpeak,
  useRemoveChannelMember,
  useSetChannelMember,
} from "../state/queries/members";
import { MemberRow } from "./MemberRow";
import { Spinner } from "./ui";

export function ChannelMembers({ channelId }: { channelId: string }) {
  const members = useChannelMembers(channelId);
  const me = useSessionStore((s) => s.session?.user.id);
  const caller = useCallUser();
  const setMember = useSetChannelMember(channelId);
  const remove = useRemoveChannelMember(channelId);
  const pendingCanSpeak = usePendingCanSpeak(channelId);
  if (members.isPending) return <Spinner label="Loading members" />;
  if (members.isError) return <p className="form-error">{describeError(members.error)}</p>;
  const error = setMember.error ?? remove.error ?? caller.error;
  return (
    <div className="stack-top">
      <h3>Who may talk</h3>
      {error && <p className="form-error">{describeError(error)}</p>}
      <ul className="list" data-testid="channel-members">
        {members.data.map((m) => (
          <MemberRow
            key={m.user.id}
            member={pendingCanSpeak.has(m.user.id) ? { ...m, canSpeak: pendingCanSpeak.get(m.user.id) } : m}
            selfId={me}
            roles={ChannelRoleSchema.options}
            place="this channel"
            onRoleChange={(role) =>
              setMember.mutate({ userId: m.user.id, role: ChannelRoleSchema.parse(role) })
            }
            onRemove={() => remove.mutate(m.user.id)}
            onCall={() => caller.call(m.user)}
            onCanSpeakChange={(canSpeak) => setMember.mutate({ userId: m.user.id, canSpeak })}
          />
        ))}
      </ul>
    </div>
  );
}
