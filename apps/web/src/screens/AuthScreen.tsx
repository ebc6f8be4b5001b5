/** Sign in and register, with field errors mapped from problem+json `errors[]`. */
import { Link, Navigate, useSearchParams } from "react-router";
import { useSessionStore } from "../auth/session";
import { InviteWelcome, inviteCodeOf } from "../components/auth/InviteWelcome";
import { RegisterForm } from "../components/auth/RegisterForm";
import { SignInForm } from "../components/auth/SignInForm";
import { type AuthMode, useAuthForm } from "../components/auth/useAuthForm";

export function AuthScreen({ mode }: { mode: AuthMode }) {
  const signedIn = useSessionStore((s) => !!s.session);
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  // One form state for both tabs: names typed survive switching between them, the password not.
  const form = useAuthForm(mode, next);

  const invite = inviteCodeOf(next);

  if (signedIn) return <Navigate to={next} replace />;

  return (
    <main id="main" className="main narrow">
      <div className="auth-hero">
        <img src="/icons/icon.svg" alt="" />
        <h1>Operation Won</h1>
        <p className="muted">Push-to-talk for your event team.</p>
      </div>
      {invite && <InviteWelcome code={invite} />}
      <AuthTabs mode={mode} query={params.toString() ? `?${params}` : ""} />
      {mode === "signin" ? <SignInForm form={form} /> : <RegisterForm form={form} />}
      {mode === "signin" && (
        <p className="auth-links">
          <Link to="/reset-password">Forgot password?</Link>
        </p>
      )}
    </main>
  );
}

/** Links between the two modes; the query (e.g. `?next=`) goes along, so a /join link survives. */
function AuthTabs({ mode, query }: { mode: AuthMode; query: string }) {
  return (
    <nav className="tabs" aria-label="Sign in or register">
      <Link to={`/signin${query}`} aria-current={mode === "signin" ? "page" : undefined}>
        Sign in
      </Link>
      <Link to={`/register${query}`} aria-current={mode === "register" ? "page" : undefined}>
        Create account
      </Link>
    </nav>
  );
}

/** Only same-app paths are allowed as a post-login destination. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
