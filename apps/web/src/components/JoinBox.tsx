/** "Join with a code": one box for event and channel invite codes. */
import { InviteCode } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { formErrorsOf } from "../api/problem";
import { useJoinWithCode } from "../state/queries/events";
import { Field } from "./ui";

export function JoinBox() {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | undefined>();
  const navigate = useNavigate();
  const join = useJoinWithCode();

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = InviteCode.safeParse(code);
    if (!parsed.success) {
      setError("Invite codes are 8 letters and digits, like K7QM-2XPA");
      return;
    }
    setError(undefined);
    join.mutate(parsed.data, {
      onSuccess: (to) => navigate(to),
      onError: (err) => {
        const { fields, form } = formErrorsOf(err);
        setError(fields.code ?? form ?? "Could not join");
      },
    });
  }

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="join-title">
      <h2 id="join-title">Join with a code</h2>
      <p className="muted small">Got an invite code for an event or a channel? Enter it here.</p>
      <div className="row top">
        <div className="field-col narrow">
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
        <button className="btn primary join-submit" type="submit" disabled={join.isPending}>
          {join.isPending ? "Joining…" : "Join"}
        </button>
      </div>
    </form>
  );
}
