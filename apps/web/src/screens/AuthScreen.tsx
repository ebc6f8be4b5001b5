/** Sign in and register, with field errors mapped from problem+json `errors[]`. */
import { LIMITS, LoginBody, RegisterBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { api } from "../api/endpoints";
import { formErrorsOf } from "../api/problem";
import { setAuthResult, useSessionStore } from "../auth/session";
import { Field, FormError } from "../components/ui";
import { zodFieldErrors } from "../forms/zod-errors";

type Mode = "signin" | "register";

export function AuthScreen({ mode }: { mode: Mode }) {
  const signedIn = useSessionStore((s) => !!s.session);
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const navigate = useNavigate();
  const [values, setValues] = useState({ login: "", username: "", email: "", password: "", displayName: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (signedIn) return <Navigate to={next} replace />;

  const set = (k: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [k]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed =
      mode === "signin"
        ? LoginBody.safeParse({ login: values.login.trim(), password: values.password })
        : RegisterBody.safeParse({
            username: values.username.trim(),
            email: values.email.trim(),
            password: values.password,
            ...(values.displayName.trim() ? { displayName: values.displayName.trim() } : {}),
          });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const r =
        mode === "signin"
          ? await api.login(parsed.data as LoginBody)
          : await api.register(parsed.data as RegisterBody);
      setAuthResult(r);
      navigate(next, { replace: true });
    } catch (err) {
      const { fields, form } = formErrorsOf(err);
      setErrors(fields);
      setFormError(form);
    } finally {
      setBusy(false);
    }
  }

  const q = params.toString() ? `?${params}` : "";
  return (
    <main id="main" className="main narrow">
      <div className="auth-hero">
        <img src="/icons/icon.svg" alt="" />
        <h1>Operation Won</h1>
        <p className="muted">Push-to-talk for your event team.</p>
      </div>
      <nav className="tabs" aria-label="Sign in or register">
        <Link to={`/signin${q}`} aria-current={mode === "signin" ? "page" : undefined}>
          Sign in
        </Link>
        <Link to={`/register${q}`} aria-current={mode === "register" ? "page" : undefined}>
          Create account
        </Link>
      </nav>
      <form className="card" onSubmit={submit} noValidate aria-labelledby="auth-title">
        <h2 id="auth-title">{mode === "signin" ? "Sign in" : "Create your account"}</h2>
        <FormError>{formError}</FormError>
        {mode === "signin" ? (
          <Field
            label="Username or email"
            name="login"
            autoComplete="username"
            autoCapitalize="none"
            value={values.login}
            onChange={set("login")}
            error={errors.login}
            required
          />
        ) : (
          <>
            <Field
              label="Username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              value={values.username}
              onChange={set("username")}
              error={errors.username}
              hint={`${LIMITS.usernameMin}–${LIMITS.usernameMax} letters, digits, . _ -`}
              required
            />
            <Field
              label="Display name"
              name="displayName"
              autoComplete="nickname"
              value={values.displayName}
              onChange={set("displayName")}
              error={errors.displayName}
              hint="What others see when you talk (optional)"
            />
            <Field
              label="Email"
              name="email"
              type="email"
              autoComplete="email"
              value={values.email}
              onChange={set("email")}
              error={errors.email}
              required
            />
          </>
        )}
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={mode === "signin" ? "current-password" : "new-password"}
          value={values.password}
          onChange={set("password")}
          error={errors.password}
          hint={mode === "register" ? `At least ${LIMITS.passwordMin} characters` : undefined}
          required
        />
        <button className="btn primary block" type="submit" disabled={busy}>
          {busy ? "Please wait…" : mode === "signin" ? "Sign in" : "Create account"}
        </button>
      </form>
    </main>
  );
}

/** Only same-app paths are allowed as a post-login destination. */
function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") ? next : "/";
}
