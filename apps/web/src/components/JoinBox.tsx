/** "Join with a code": one box for event and channel invite codes. */

import { useQueryClient } from "@tanstack/react-query";
import { InviteCode } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../api/endpoints";
import { formErrorsOf } from "../api/problem";
import { qk } from "../api/queries";
import { Field } from "./ui";

/** Joins with a code and returns where to go next. */
export async function joinWithCode(code: string): Promise<string> {
  const r = await api.join(code);
  if (r.kind === "channel" && r.channel) return `/channels/${r.channel.id}`;
  if (r.event) return `/events/${r.event.id}`;
  return "/";
}

export function JoinBox() {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const navigate = useNavigate();
  const qc = useQueryClient();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = InviteCode.safeParse(code);
    if (!parsed.success) {
      setError("Invite codes are 8 letters and digits, like K7QM-2XPA");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const to = await joinWithCode(parsed.data);
      await Promise.all([
        qc.invalidateQueries({ queryKey: qk.events }),
        qc.invalidateQueries({ queryKey: qk.channels }),
      ]);
      navigate(to);
    } catch (err) {
      const { fields, form } = formErrorsOf(err);
      setError(fields.code ?? form ?? "Could not join");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="join-title">
      <h2 id="join-title">Join with a code</h2>
      <p className="muted small">Got an invite code for an event or a channel? Enter it here.</p>
      <div className="row" style={{ alignItems: "flex-start" }}>
        <div style={{ flex: 1, minWidth: 180 }}>
          <Field
            label="Invite code"
            name="code"
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            placeholder="K7QM2XPA"
            error={error}
          />
        </div>
        <button className="btn primary" type="submit" disabled={busy} style={{ marginTop: "1.75rem" }}>
          {busy ? "Joining…" : "Join"}
        </button>
      </div>
    </form>
  );
}
