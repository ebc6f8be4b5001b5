/**
 * Which controls a row of a member list shows. They follow the row's own `abilities` — what the
 * caller may do to that member, as the server's policy decided — so a moderator is not offered
 * to remove another moderator only to be refused. One's own row offers nothing: leaving is a
 * separate action (Leave event, Leave channel), and nobody changes their own role or mutes
 * themselves from a list.
 */
import type { Member, MemberAbilities } from "@won/protocol";

export function memberControls(member: Member, selfId: string | undefined): MemberAbilities {
  if (member.user.id === selfId)
    return { remove: false, changeRole: false, setCanSpeak: false, resetPassword: false };
  const a = member.abilities;
  return {
    remove: a.remove,
    changeRole: a.changeRole,
    setCanSpeak: a.setCanSpeak,
    resetPassword: a.resetPassword,
  };
}
