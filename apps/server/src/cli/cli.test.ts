import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { CLOSE } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { createBacking, MODES, startApp, WsClient } from "../test/harness.js";
import { withDeadline } from "../test/wait.js";

const dist = resolve(import.meta.dirname, "../../dist/cli");

describe.each(MODES)("admin CLI (%s)", (mode) => {
  it("creates an account and an event, and resets a password, ending old sessions", async () => {
    const backing = await createBacking(mode);
    const run = (args: string[], password?: string) =>
      spawnSync(process.execPath, [`${dist}/admin.js`, ...args], {
        env: { ...process.env, ...backing.env, ...(password ? { WON_PASSWORD: password } : {}) },
        encoding: "utf8",
      });
    const created = run(
      ["create-user", "--username", "Chief", "--email", "chief@example.test"],
      "first password",
    );
    expect(created.status, created.stderr).toBe(0);
    expect(
      run(["create-user", "--username", "chief", "--email", "other@example.test"], "first password").status,
    ).toBe(2);
    expect(run(["create-user", "--username", "x", "--email", "bad"], "short").status).toBe(2);

    const ev = run(["create-event", "--owner", "chief", "--name", "Harbour Festival"]);
    expect(ev.status, ev.stderr).toBe(0);
    const code = /invite code (\w{8})/.exec(ev.stdout)?.[1];
    expect(code).toBeDefined();

    const app = await startApp(backing);
    try {
      const login = await app.api.post("/auth/login", {
        login: "chief@example.test",
        password: "first password",
      });
      expect(login.status).toBe(200);
      const events = await app.api.get("/events", login.body.accessToken);
      expect(events.body.map((e: { name: string; myRole: string }) => [e.name, e.myRole])).toEqual([
        ["Harbour Festival", "organiser"],
      ]);

      const socket = await WsClient.connect(app.wsUrl, login.body.accessToken);
      const reset = run(["reset-password", "--login", "CHIEF"], "second password");
      expect(reset.status, reset.stderr).toBe(0);
      expect(reset.stdout).toBe("password reset for chief; existing sessions revoked\n");
      // With Redis engines the reset reaches the running server, which closes the session's socket.
      if (mode === "production")
        expect((await withDeadline("the socket to close", socket.closed, 5_000)).code).toBe(
          CLOSE.unauthenticated,
        );
      socket.close();
      expect((await app.api.post("/auth/login", { login: "chief", password: "first password" })).status).toBe(
        401,
      );
      expect(
        (await app.api.post("/auth/login", { login: "chief", password: "second password" })).status,
      ).toBe(200);
      expect((await app.api.post("/auth/refresh", { refreshToken: login.body.refreshToken })).status).toBe(
        401,
      );
      if (mode === "production") expect((await app.api.get("/me", login.body.accessToken)).status).toBe(401);
    } finally {
      await app.close();
    }
    const migrate = spawnSync(process.execPath, [`${dist}/migrate.js`], {
      env: { ...process.env, ...backing.env },
      encoding: "utf8",
    });
    expect(migrate.stdout).toContain("up to date");
  });
});
