/**
 * "Forgot password?": there is no email, so an organiser of the member's event issues a one-time
 * reset code and reads it out. With it the member chooses a new password and is signed in here;
 * every other session of the account ends.
 */
import { LIMITS, RedeemPasswordResetBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { formErrorsOf } from "../api/problem";
import { useSessionStore } from "../auth/session";
import { Field, FormError } from "../components/ui";
import { zodFieldErrors } from "../forms/zod-errors";
import { useRedeemPasswordReset } from "../state/queries/password-reset";

export function ResetPasswordScreen() {
  const signedIn = useSessionStore((s) => !!s.session);
  const navigate = useNavigate();
  const redeem = useRedeemPasswordReset();
  const [values, setValues] = useState<ResetValues>({ login: "", code: "", password: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (field: keyof typeof values) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  if (signedIn && !redeem.isSuccess) return <Navigate to="/" replace />;

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed = RedeemPasswordResetBody.safeParse({
      login: values.login.trim(),
      code: values.code.trim(),
      password: values.password,
    });
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setErrors({});
    redeem.mutate(parsed.data, {
      onSuccess: () => navigate("/", { replace: true }),
      onError: (err) => {
        const { fields, form } = formErrorsOf(err);
        setErrors(fields);
        setFormError(form);
      },
    });
  }

  return (
    <main id="main" className="main narrow">
      <div className="auth-hero">
        <img src="/icons/icon.svg" alt="" />
        <h1>Operation Won</h1>
      </div>
      <form className="card" onSubmit={submit} noValidate aria-labelledby="reset-title">
        <h2 id="reset-title">Reset your password</h2>
        <p className="muted" id="reset-intro">
          Ask an organiser of your event for a reset code. It works once, for {LIMITS.resetCodeTtlMs / 60_000}{" "}
          minutes.
        </p>
        <FormError>{formError}</FormError>
        <ResetFields values={values} errors={errors} set={set} />
        <button className="btn primary block" type="submit" disabled={redeem.isPending}>
          {redeem.isPending ? "Please wait…" : "Set password and sign in"}
        </button>
        <p className="auth-links">
          <Link to="/signin">Back to sign in</Link>
        </p>
      </form>
    </main>
  );
}

type ResetValues = { login: string; code: string; password: string };

/** The form's three fields: who, the code read out by the organiser, the new password. */
function ResetFields({
  values,
  errors,
  set,
}: {
  values: ResetValues;
  errors: Record<string, string>;
  set: (field: keyof ResetValues) => (e: { target: { value: string } }) => void;
}) {
  return (
    <>
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
      <Field
        label="Reset code"
        name="code"
        autoComplete="one-time-code"
        autoCapitalize="characters"
        spellCheck={false}
        placeholder="K7QX-M4PD-9R"
        value={values.code}
        onChange={set("code")}
        error={errors.code}
        required
      />
      <Field
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${LIMITS.passwordMin} characters`}
        value={values.password}
        onChange={set("password")}
        error={errors.password}
        required
      />
    </>
  );
}
