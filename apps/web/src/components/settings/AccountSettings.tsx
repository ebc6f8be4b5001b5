/** The "Account" settings: who is signed in, their display name, and signing out (which ends on
 *  the sign-in screen). */
import { DisplayName, type User } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { describeError } from "../../api/problem";
import { useSetDisplayName, useSignOut } from "../../state/queries/me";

export function AccountSettings({ user }: { user: Pick<User, "displayName" | "username"> }) {
  const [signingOut, setSigningOut] = useState(false);
  const signOut = useSignOut();
  const navigate = useNavigate();

  async function doSignOut() {
    setSigningOut(true);
    await signOut();
    navigate("/signin", { replace: true });
  }

  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <p>
        Signed in as <strong>{user.displayName}</strong> <span className="muted">@{user.username}</span>
      </p>
      <DisplayNameForm current={user.displayName} />
      <button
        type="button"
        className="btn danger block"
        onClick={doSignOut}
        disabled={signingOut}
        data-testid="sign-out"
      >
        {signingOut ? "Signing out…" : "Sign out"}
      </button>
    </section>
  );
}

/** Changes the name others see beside @username; checked by the same schema as the server's. */
function DisplayNameForm({ current }: { current: string }) {
  const [name, setName] = useState(current);
  const [error, setError] = useState<string | null>(null);
  const save = useSetDisplayName();

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = DisplayName.safeParse(name);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "This name cannot be used");
      return;
    }
    setError(null);
    save.mutate(parsed.data, { onError: (err) => setError(describeError(err)) });
  }

  return (
    <form className="field" onSubmit={submit}>
      <label htmlFor="display-name">Display name</label>
      <div className="row">
        <input
          id="display-name"
          value={name}
          maxLength={64}
          autoComplete="nickname"
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "display-name-error" : undefined}
        />
        <button type="submit" className="btn small" disabled={save.isPending || name === current}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
      {error && (
        <p id="display-name-error" className="form-error small">
          {error}
        </p>
      )}
    </form>
  );
}
