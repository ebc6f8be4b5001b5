import { MutationObserver, QueryClient } from "@tanstack/react-query";
import type { Member } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { aMember, anId, aUser } from "../../test/fixtures";
import { queryKeys as qk } from "./keys";
import { channelMemberChange, pendingCanSpeak } from "./members";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("unticking “Can talk” while the member list refetches", () => {
  it("shows what was asked until the answer, then the answer, whatever order the fetches land in", async () => {
    const channelId = anId();
    const walt = aUser("walt", "Walt Listener");
    const before = aMember(walt, "member", {}, { canSpeak: true });
    const after = aMember(walt, "member", {}, { canSpeak: false });
    let server: Member = before;
    // The member list as the server answers it: now, or held back (a slow answer).
    let held: Promise<Member[]> | null = null;
    const qc = new QueryClient();
    const key = qk.channelMembers(channelId);
    qc.setQueryDefaults(key, { queryFn: () => held ?? [server] });
    qc.setQueryData(key, [before]);
    const shown = () => {
      const row = qc.getQueryData<Member[]>(key)?.[0];
      return pendingCanSpeak(qc, channelId).get(walt.id) ?? row?.canSpeak;
    };

    // A refetch (say, after someone came online) leaves before the change and answers late.
    const stale = deferred<Member[]>();
    held = stale.promise;
    const refetch = qc.refetchQueries({ queryKey: key });
    held = null;
    const answer = deferred<Member>();
    const change = new MutationObserver(
      qc,
      channelMemberChange(qc, channelId, () => answer.promise),
    );
    const done = change.mutate({ userId: walt.id, canSpeak: false });
    expect(shown()).toBe(false);

    stale.resolve([before]);
    await refetch;
    expect(shown()).toBe(false);
    // A second refetch, started after the change was sent, also answers before it commits.
    await qc.refetchQueries({ queryKey: key });
    expect(shown()).toBe(false);

    server = after;
    answer.resolve(after);
    await done;
    expect(shown()).toBe(false);
    await qc.refetchQueries({ queryKey: key });
    expect(shown()).toBe(false);
    expect(pendingCanSpeak(qc, channelId).size).toBe(0);
  });
});
