import type { Patch } from "@won/protocol";
import { describe, expect, it } from "vitest";
import {
  allCallListeners,
  allCallQuestion,
  patchable,
  patchedWith,
  patchNote,
  patchOf,
  patchTitle,
} from "./patch-view";

const channels = [
  { id: "g", name: "Gate" },
  { id: "m", name: "Medical" },
  { id: "o", name: "Ops" },
  { id: "b", name: "Bar" },
];
const patch = (id: string, channelIds: string[]): Patch => ({
  id,
  eventId: "e",
  channelIds,
  createdBy: "u",
  createdAt: new Date(0).toISOString(),
});
const patches = [patch("p1", ["g", "m"]), patch("p2", ["o", "b", "gone"])];

describe("patch view", () => {
  it("names the channels a channel is patched with, and nothing for an unpatched one", () => {
    expect(patchOf("m", patches)?.id).toBe("p1");
    expect(patchedWith("g", patches, channels)).toEqual(["Medical"]);
    expect(patchedWith("b", patches, channels)).toEqual(["Ops"]);
    expect(patchedWith("x", patches, channels)).toEqual([]);
    expect(patchNote(["Medical"])).toBe("⛓ patched with Medical");
    expect(patchNote(["Ops", "Bar"])).toBe("⛓ patched with Ops, Bar");
    expect(patchNote([])).toBeNull();
  });

  it("titles a patch by its channels, and offers only unpatched channels for a new one", () => {
    expect(patchTitle(patches[0]!, channels)).toBe("Gate ⛓ Medical");
    expect(patchTitle(patches[1]!, channels)).toBe("Ops ⛓ Bar ⛓ (deleted)");
    expect(patchable([...channels, { id: "n", name: "New" }], patches).map((c) => c.name)).toEqual(["New"]);
    expect(patchable(channels, []).length).toBe(4);
  });

  it("asks before an all-call, counting everyone but me", () => {
    expect(allCallListeners(3)).toBe(2);
    expect(allCallListeners(0)).toBe(0);
    expect(allCallQuestion("Festival", 3)).toBe(
      "Talk to everyone in Festival? 2 people will hear you, on every channel.",
    );
    expect(allCallQuestion("Festival", 2)).toBe(
      "Talk to everyone in Festival? 1 person will hear you, on every channel.",
    );
  });
});
