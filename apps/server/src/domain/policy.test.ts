import { describe, expect, it } from "vitest";
import {
  allCallDecision,
  type ChannelGrant,
  type ChannelRole,
  channelAbilities,
  channelGrant,
  channelMemberAbilities,
  type EventRole,
  eventAbilities,
  eventMemberAbilities,
  mayAckMessage,
  mayAuditAlert,
  mayChangeChannelRole,
  mayClaimAlert,
  mayContinueTransmission,
  mayIssuePasswordReset,
  mayManagePatches,
  mayOpenDirect,
  mayOpenHotMic,
  mayReadAcks,
  mayRemoveChannelMember,
  mayRequireAck,
  mayResolveAlert,
  mayUpdateAlertLocation,
  mayViewAlert,
  storedChannelRole,
  transmitDecision,
} from "./policy.js";

const EVENT_ROLES: EventRole[] = ["organiser", "moderator", "participant"];

describe("channel standing → grant", () => {
  it.each([
    // eventRole, ownRole, restricted → role, canSpeak, direct
    [null, null, false, null],
    ["organiser", null, false, { role: "admin", canSpeak: true, direct: false }],
    ["moderator", null, false, { role: "moderator", canSpeak: true, direct: false }],
    ["participant", null, false, { role: "member", canSpeak: true, direct: false }],
    ["participant", "moderator", true, { role: "moderator", canSpeak: false, direct: true }],
    // A row never lowers what the event gives.
    ["organiser", "member", false, { role: "admin", canSpeak: true, direct: true }],
    [null, "member", false, { role: "member", canSpeak: true, direct: true }],
    [null, "admin", true, { role: "admin", canSpeak: false, direct: true }],
  ] as const)("event %s, row %s, restricted %s", (eventRole, ownRole, restricted, expected) => {
    const g = channelGrant({ eventRole, ownRole, restricted });
    expect(g === null ? null : { role: g.role, canSpeak: g.canSpeak, direct: g.direct }).toEqual(expected);
  });

  it.each([
    // A row stores only a raise above the event role: never a copy a demotion would leave behind.
    ["organiser", "admin", "member"],
    ["organiser", "moderator", "member"],
    ["moderator", "moderator", "member"],
    ["moderator", "admin", "admin"],
    ["participant", "moderator", "moderator"],
    ["participant", "member", "member"],
    [null, "admin", "admin"],
    [null, "member", "member"],
  ] as const)("event %s asking %s stores %s", (eventRole, requested, stored) => {
    expect(storedChannelRole(eventRole, requested)).toBe(stored);
  });
});

describe("event abilities", () => {
  const table: Record<EventRole, string[]> = {
    organiser: [
      "edit",
      "delete",
      "invite",
      "rotateInvite",
      "manageMembers",
      "changeRoles",
      "createChannel",
      "handleAlerts",
      "patch",
      "allCall",
    ],
    moderator: ["invite", "manageMembers", "createChannel", "handleAlerts", "patch"],
    participant: [],
  };
  it.each(EVENT_ROLES)("%s", (role) => {
    const granted = Object.entries(eventAbilities(role))
      .filter(([, v]) => v)
      .map(([k]) => k);
    expect(granted.sort()).toEqual([...table[role]].sort());
  });

  it.each([
    // actor, target, remove
    ["organiser", "organiser", true],
    ["organiser", "moderator", true],
    ["moderator", "participant", true],
    ["moderator", "moderator", false],
    ["moderator", "organiser", false],
    ["participant", "participant", false],
  ] as const)("%s removing a %s: %s", (actor, target, remove) => {
    const a = eventMemberAbilities({ userId: "a", role: actor }, { userId: "b", role: target });
    expect(a.remove).toBe(remove);
    expect(a.changeRole).toBe(actor === "organiser");
    expect(a.setCanSpeak).toBe(false);
  });

  it("anyone may leave", () => {
    for (const role of EVENT_ROLES)
      expect(eventMemberAbilities({ userId: "a", role }, { userId: "a", role }).remove).toBe(true);
  });
});

describe("password reset codes", () => {
  type Ev = { eventId: string; role: EventRole };
  type Ch = { eventId: string | null; role: ChannelRole };
  // The actor "a" organises events E1 and E2; X is someone else's event.
  const organises = new Set(["E1", "E2"]);
  const p = (eventId: string): Ev => ({ eventId, role: "participant" });
  it.each([
    // target, events, own channel rows → allowed
    ["b", [p("E1")], [], true],
    ["b", [p("E1"), p("E2")], [{ eventId: "E1", role: "member" }], true],
    ["a", [p("E1")], [], false], // self
    ["b", [], [], false], // belongs to nothing
    ["b", [p("E1"), p("X")], [], false], // also in an event the actor does not organise
    ["b", [p("E1"), { eventId: "X", role: "moderator" }], [], false], // staff elsewhere
    ["b", [{ eventId: "E1", role: "moderator" }], [], false], // staff here
    ["b", [{ eventId: "E1", role: "organiser" }], [], false],
    ["b", [p("E1")], [{ eventId: "E1", role: "moderator" }], false], // raised in a channel
    ["b", [p("E1")], [{ eventId: null, role: "admin" }], false], // admin of a standalone channel
    ["b", [p("E1")], [{ eventId: null, role: "member" }], false], // in a standalone channel
    ["b", [p("E1")], [{ eventId: "X", role: "member" }], false], // in a channel of another event
  ] as [string, Ev[], Ch[], boolean][])(
    "target %s in %j, channels %j: %s",
    (userId, events, channels, ok) => {
      expect(mayIssuePasswordReset("a", organises, { userId, events, channels }).ok).toBe(ok);
    },
  );

  it("shows as a member ability only with the account's standing", () => {
    const actor = { userId: "a", role: "organiser" as const };
    const target = { userId: "b", role: "participant" as const };
    expect(eventMemberAbilities(actor, target).resetPassword).toBe(false);
    const account = { userId: "b", events: [p("E1")], channels: [] };
    expect(eventMemberAbilities(actor, target, { organises, account }).resetPassword).toBe(true);
    expect(eventMemberAbilities(actor, target, { organises: new Set(["E2"]), account }).resetPassword).toBe(
      false,
    );
  });
});

const grant = (role: ChannelRole, over: Partial<ChannelGrant> = {}): ChannelGrant => ({
  role,
  canSpeak: true,
  eventRole: null,
  direct: true,
  ...over,
});

describe("channel abilities", () => {
  it.each([
    [
      grant("admin"),
      [
        "talk",
        "interrupt",
        "moderate",
        "edit",
        "delete",
        "invite",
        "rotateInvite",
        "manageMembers",
        "leave",
        "requireAck",
      ],
    ],
    [
      grant("moderator"),
      ["talk", "interrupt", "moderate", "edit", "invite", "rotateInvite", "leave", "requireAck"],
    ],
    [grant("member"), ["talk", "leave"]],
    [grant("member", { canSpeak: false }), ["leave"]],
    [
      grant("moderator", { canSpeak: false }),
      ["moderate", "edit", "invite", "rotateInvite", "leave", "requireAck"],
    ],
    // Through the event: no leaving the channel on its own.
    [
      grant("admin", { eventRole: "organiser", direct: false }),
      [
        "talk",
        "interrupt",
        "moderate",
        "edit",
        "delete",
        "invite",
        "rotateInvite",
        "manageMembers",
        "requireAck",
      ],
    ],
    [grant("member", { eventRole: "participant", direct: true }), ["talk"]],
  ])("%o", (g, expected) => {
    const granted = Object.entries(channelAbilities(g))
      .filter(([, v]) => v)
      .map(([k]) => k);
    expect(granted.sort()).toEqual([...expected].sort());
  });

  it.each([
    // actor role, target role, target via event, remove, setCanSpeak
    ["admin", "admin", false, true, true],
    ["admin", "member", true, false, true],
    ["moderator", "member", false, true, true],
    // A moderator cannot act on another moderator (the mismatch the UI used to show).
    ["moderator", "moderator", false, false, false],
    ["moderator", "admin", false, false, false],
    ["member", "member", false, false, false],
  ] as const)(
    "%s on a %s (event member %s): remove %s, setCanSpeak %s",
    (actor, target, viaEvent, remove, setCanSpeak) => {
      const a = channelMemberAbilities(
        { userId: "a", grant: grant(actor) },
        { userId: "b", grant: grant(target, viaEvent ? { eventRole: "participant", direct: false } : {}) },
      );
      expect(a).toEqual({ remove, changeRole: actor === "admin", setCanSpeak, resetPassword: false });
    },
  );

  it("leaving one's own direct membership is allowed; through the event it is a conflict", () => {
    const me = { userId: "a", grant: grant("member") };
    expect(mayRemoveChannelMember(me, me)).toEqual({ ok: true });
    const viaEvent = { userId: "a", grant: grant("member", { eventRole: "participant", direct: false }) };
    expect(mayRemoveChannelMember(viaEvent, viaEvent)).toMatchObject({ ok: false, code: "conflict" });
  });

  it("the event role is a floor for channel roles", () => {
    const admin = { userId: "a", grant: grant("admin") };
    const organiser = { userId: "b", grant: grant("admin", { eventRole: "organiser", direct: false }) };
    expect(mayChangeChannelRole(admin, organiser, "member")).toMatchObject({ ok: false, code: "conflict" });
    expect(mayChangeChannelRole(admin, organiser, "admin")).toEqual({ ok: true });
    expect(
      mayChangeChannelRole({ userId: "c", grant: grant("moderator") }, organiser, "admin"),
    ).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });
});

describe("transmissions", () => {
  it.each([
    [grant("member"), false, { allowed: true, priority: false }],
    [grant("member"), true, { allowed: true, priority: false }],
    [grant("moderator"), true, { allowed: true, priority: true }],
    [grant("admin", { canSpeak: false }), true, { allowed: false, priority: false }],
  ])("%o wanting priority %s", (g, wants, expected) => {
    expect(transmitDecision(g, wants)).toEqual(expected);
  });

  it("a transmission ends when the speaker is muted, removed, or demoted below its priority", () => {
    expect(mayContinueTransmission(grant("member"), false)).toBe(true);
    expect(mayContinueTransmission(grant("member", { canSpeak: false }), false)).toBe(false);
    expect(mayContinueTransmission(null, false)).toBe(false);
    expect(mayContinueTransmission(grant("moderator"), true)).toBe(true);
    expect(mayContinueTransmission(grant("member"), true)).toBe(false);
  });
});

describe("emergency alerts", () => {
  const RAISER = "raiser";
  const OTHER = "other";
  const open = { raisedBy: RAISER, state: "open" } as const;
  const closed = { raisedBy: RAISER, state: "closed" } as const;

  it.each([
    // role, who, may view
    ["organiser", OTHER, true],
    ["moderator", OTHER, true],
    ["participant", OTHER, false],
    ["participant", RAISER, true],
    [null, OTHER, false],
    // No longer in the event: not even the raiser.
    [null, RAISER, false],
  ] as const)("view: %s %s → %s", (role, userId, expected) => {
    expect(mayViewAlert({ userId, role }, open)).toBe(expected);
  });

  it.each([
    ["organiser", true],
    ["moderator", true],
    ["participant", false],
    [null, false],
  ] as const)("claim: %s → %s", (role, expected) => {
    expect(mayClaimAlert({ userId: OTHER, role }).ok).toBe(expected);
  });

  it.each([
    ["organiser", true],
    ["moderator", true],
    ["participant", false],
    [null, false],
  ] as const)("audit trail and receipts: %s → %s", (role, expected) => {
    expect(mayAuditAlert({ userId: OTHER, role }).ok).toBe(expected);
  });

  it.each([
    // role, who, outcome, may resolve
    ["organiser", OTHER, "resolved", true],
    ["moderator", OTHER, "false_alarm", true],
    ["participant", RAISER, "false_alarm", true],
    ["participant", RAISER, "resolved", false],
    ["participant", OTHER, "false_alarm", false],
    ["moderator", RAISER, "resolved", true],
  ] as const)("resolve: %s %s %s → %s", (role, userId, outcome, expected) => {
    expect(mayResolveAlert({ userId, role }, open, outcome).ok).toBe(expected);
  });

  it.each([
    // who, alert, decision
    [RAISER, open, "ok"],
    [RAISER, closed, "conflict"],
    [OTHER, open, "forbidden"],
  ] as const)("location: %s on %o → %s", (userId, alert, expected) => {
    const d = mayUpdateAlertLocation({ userId, role: "participant" }, alert);
    expect(d.ok ? "ok" : d.code).toBe(expected);
  });

  it.each([
    [RAISER, open, true],
    [RAISER, closed, false],
    [OTHER, open, false],
  ] as const)("hot mic: %s on %o → %s", (userId, alert, expected) => {
    expect(mayOpenHotMic(userId, alert)).toBe(expected);
  });
});

describe("direct calls, all-calls and patches", () => {
  const direct = channelGrant({
    eventRole: null,
    ownRole: "member",
    restricted: false,
    directChannel: true,
  })!;

  it("the two users of a direct channel talk there and do nothing else", () => {
    const a = channelAbilities(direct);
    expect(
      Object.entries(a)
        .filter(([, v]) => v)
        .map(([k]) => k),
    ).toEqual(["talk"]);
    // Nobody is removed from a direct channel, and nobody leaves it.
    const peer = { userId: "b", grant: direct };
    expect(mayRemoveChannelMember({ userId: "a", grant: direct }, peer)).toMatchObject({ code: "conflict" });
    expect(mayRemoveChannelMember(peer, peer)).toMatchObject({ code: "conflict" });
  });

  it.each([
    ["a", "b", true, true],
    ["a", "b", false, false],
    ["a", "a", true, false],
  ] as const)("%s opens a direct channel with %s (sharing: %s) → %s", (caller, target, share, ok) => {
    const d = mayOpenDirect(caller, target, share);
    expect(d.ok).toBe(ok);
    if (!d.ok) expect(d.code).toBe("forbidden");
  });

  it.each([
    ["organiser", true, true],
    ["organiser", false, false],
    ["moderator", true, false],
    ["participant", true, false],
    [null, true, false],
  ] as const)("all-call by an event %s (may talk: %s) → %s", (role, talks, ok) => {
    const g = channelGrant({ eventRole: role ?? "participant", ownRole: null, restricted: !talks })!;
    expect(allCallDecision(role, g).ok).toBe(ok);
  });

  it.each([
    ["organiser", true],
    ["moderator", true],
    ["participant", false],
    [null, false],
  ] as const)("patches are managed by an event %s → %s", (role, ok) => {
    expect(mayManagePatches(role).ok).toBe(ok);
    if (role) expect(eventAbilities(role).patch).toBe(ok);
  });
});

describe("messages that must be acknowledged", () => {
  const grant = (eventRole: EventRole | null, ownRole: ChannelRole | null) =>
    channelGrant({ eventRole, ownRole, restricted: false })!;
  const directGrant = channelGrant({
    eventRole: null,
    ownRole: "member",
    restricted: false,
    directChannel: true,
  })!;

  it.each([
    ["an event organiser", grant("organiser", null), true],
    ["an event moderator", grant("moderator", null), true],
    ["a participant", grant("participant", null), false],
    ["a participant raised to channel moderator", grant("participant", "moderator"), true],
    ["a channel admin", grant(null, "admin"), true],
    ["a channel member", grant(null, "member"), false],
    ["a user of a direct channel", directGrant, false],
  ] as const)("%s may require acknowledgement → %s", (_who, g, ok) => {
    const d = mayRequireAck(g);
    expect(d.ok).toBe(ok);
    expect(channelAbilities(g).requireAck).toBe(ok);
    if (!d.ok) expect(d.code).toBe("forbidden");
  });

  it.each([
    // caller, sender, ackRequired → outcome
    ["u", "s", true, "ok"],
    ["s", "s", true, "conflict"],
    ["u", "s", false, "conflict"],
  ] as const)("%s acknowledges a message of %s (required: %s) → %s", (userId, senderId, ackRequired, out) => {
    const d = mayAckMessage(userId, { senderId, ackRequired });
    expect(d.ok ? "ok" : d.code).toBe(out);
  });

  it.each([
    // caller, their grant, sender, ackRequired → outcome
    ["s", grant("participant", null), "s", true, "ok"],
    ["u", grant("participant", null), "s", true, "forbidden"],
    ["u", grant(null, "member"), "s", true, "forbidden"],
    ["u", grant("moderator", null), "s", true, "ok"],
    ["u", grant("organiser", null), "s", true, "ok"],
    ["u", grant(null, "moderator"), "s", true, "ok"],
    ["u", grant("organiser", null), "s", false, "conflict"],
  ] as const)(
    "%s (%o) reads the acks of a message of %s (required: %s) → %s",
    (userId, g, senderId, ackRequired, out) => {
      const d = mayReadAcks(userId, g, { senderId, ackRequired });
      expect(d.ok ? "ok" : d.code).toBe(out);
    },
  );
});
