/**
 * Session commands on a real core, SQLite and MySQL: logout and a password reset end sessions
 * through one path (`revokeSessionEverywhere`): in the database, in the revocation list, and —
 * with Redis engines — on every other instance, whose gateways close those sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCore, refusal, type TestCore } from "../test/core.js";
import { MODES } from "../test/harness.js";
import { waitFor } from "../test/wait.js";
import { issueSession } from "./issueSession.js";
import { login } from "./login.js";
import { logout } from "./logout.js";
import { refreshSession } from "./refreshSession.js";
import { createAccount } from "./registerUser.js";
import { resetPassword } from "./resetPassword.js";

const sidOf = (accessToken: string): string =>
  JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).sid;

describe.each(MODES)("session commands (%s)", (mode) => {
  let t: TestCore;
  /** Production: a second instance on the same MySQL and Redis. */
  let other: TestCore | undefined;
  beforeAll(async () => {
    t = await createTestCore(mode);
    if (mode === "production") other = await createTestCore(mode, { backing: t.backing });
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  let n = 0;
  const account = () => {
    const name = `s${process.pid}x${++n}${Date.now().toString(36)}`;
    return createAccount(t.core, {
      username: name,
      email: `${name}@example.test`,
      password: "first password",
    });
  };

  it("resetPassword ends every session of the account, as logout does, on every instance", async () => {
    const user = await account();
    const sessions = [await issueSession(t.core, user), await issueSession(t.core, user)];
    const sids = sessions.map((s) => sidOf(s.accessToken));
    const closedElsewhere: string[] = [];
    other?.core.engines.revocations.onRevoked((sid) => closedElsewhere.push(sid));

    expect(await resetPassword(t.core, user.id, "second password")).toBe(2);
    for (const sid of sids) {
      expect(await t.core.repos.sessions.isActive(sid)).toBe(false);
      expect(await t.core.engines.revocations.isRevoked(sid)).toBe(true);
    }
    for (const s of sessions)
      expect(await refusal(refreshSession(t.core, s.refreshToken))).toBe("invalid_token");
    if (other) {
      await waitFor("the other instance to hear of both revocations", () =>
        sids.every((sid) => closedElsewhere.includes(sid)),
      );
      for (const sid of sids) expect(await other.core.engines.revocations.isRevoked(sid)).toBe(true);
    }

    expect(await refusal(login(t.core, { login: user.username, password: "first password" }, "ip"))).toBe(
      "invalid_credentials",
    );
    const fresh = await login(t.core, { login: user.username, password: "second password" }, "ip");
    expect(await t.core.repos.sessions.isActive(sidOf(fresh.accessToken))).toBe(true);
    // Nothing left to end.
    await logout(t.core, { userId: user.id, sessionId: sidOf(fresh.accessToken) });
    expect(await resetPassword(t.core, user.id, "third password")).toBe(0);
  });

  it("logout ends the caller's session and another of theirs, never someone else's", async () => {
    const [me, them] = [await account(), await account()];
    const [mine, alsoMine, theirs] = [
      await issueSession(t.core, me),
      await issueSession(t.core, me),
      await issueSession(t.core, them),
    ];
    const caller = { userId: me.id, sessionId: sidOf(mine.accessToken) };
    await logout(t.core, caller, alsoMine.refreshToken);
    await logout(t.core, caller, theirs.refreshToken);
    expect(await t.core.repos.sessions.isActive(sidOf(mine.accessToken))).toBe(false);
    expect(await t.core.repos.sessions.isActive(sidOf(alsoMine.accessToken))).toBe(false);
    expect(await t.core.repos.sessions.isActive(sidOf(theirs.accessToken))).toBe(true);
  });
});
