/**
 * A person's name with their volume behind it: a click opens a slider (dB) that applies wherever
 * that person is heard, on the console and off it (the one loud steward). Shown on the name of
 * whoever is talking, on voice messages and in the console.
 */
import type { User } from "@won/protocol";
import { useState } from "react";
import { consoleSettings, useConsoleSettings } from "../console/console-settings";
import { MAX_DB, MIN_DB } from "../console/mix-math";
import { shownName } from "../users/user-name";
import { UserName } from "./UserName";

export function UserVolume({
  user,
  testId,
}: {
  user: Pick<User, "id" | "displayName" | "username">;
  /** Marks the display name (as on UserName). */
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const db = useConsoleSettings((s) => s.userGains[user.id] ?? 0);
  return (
    <span className="user-volume">
      <button
        type="button"
        className="link-btn"
        aria-expanded={open}
        aria-label={`Volume of ${shownName(user)}`}
        data-testid="user-volume"
        onClick={() => setOpen((o) => !o)}
      >
        <UserName user={user} testId={testId} />
        {db !== 0 && <span className="badge">{db > 0 ? `+${db}` : db} dB</span>}
      </button>
      {open && (
        <input
          type="range"
          min={MIN_DB}
          max={MAX_DB}
          step={1}
          value={db}
          aria-label={`${shownName(user)} volume, dB`}
          data-testid="user-volume-slider"
          onChange={(e) => consoleSettings.setUserGain(user.id, Number(e.target.value))}
        />
      )}
    </span>
  );
}
