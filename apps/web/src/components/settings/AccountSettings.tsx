/** The "Account" settings: who is signed in, and signing out (which ends on the sign-in screen). */
import type { User } from "@won/protocol";
import { useState } from "react";
import { useNavigate } from "react-router";
import { useSignOut } from "../../state/queries/me";

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
