/**
 * State and submission of the sign-in and register forms: values are checked against the
 * protocol schema before sending, and the server's problem+json `errors[]` land on the same
 * fields. On success the session is stored and the visitor goes on to `next`.
 */
import { LoginBody, RegisterBody } from "@won/protocol";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../../api/endpoints";
import { formErrorsOf } from "../../api/problem";
import { setAuthResult } from "../../auth/session";
import { zodFieldErrors } from "../../forms/zod-errors";

export type AuthMode = "signin" | "register";

/** What is typed in, for both forms (the screen keeps one set across its two tabs). */
export interface AuthValues {
  login: string;
  username: string;
  email: string;
  password: string;
  displayName: string;
}

/** The form state a sign-in or register form renders, and its change and submit handlers. */
export interface AuthForm {
  values: AuthValues;
  /** Field errors by field name, from the schema or from the server. */
  errors: Record<string, string>;
  /** An error about the whole form (e.g. wrong credentials), or null. */
  formError: string | null;
  /** True while the request is in flight. */
  busy: boolean;
  set: (field: keyof AuthValues) => (e: { target: { value: string } }) => void;
  submit: (e: FormEvent) => Promise<void>;
}

const EMPTY: AuthValues = { login: "", username: "", email: "", password: "", displayName: "" };

/**
 * What survives switching between the tabs: names typed in, never the password (a password
 * typed to sign in must not become a new account's password unseen), and no errors.
 */
export function carryOver(values: AuthValues): AuthValues {
  return { ...values, password: "" };
}

export function useAuthForm(mode: AuthMode, next: string): AuthForm {
  const navigate = useNavigate();
  const [values, setValues] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shownMode, setShownMode] = useState(mode);
  if (shownMode !== mode) {
    // Adjusting state to the new tab during render: React re-renders at once, nothing stale shows.
    setShownMode(mode);
    setValues(carryOver);
    setErrors({});
    setFormError(null);
  }

  const set = (field: keyof AuthValues) => (e: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const request = authRequest(mode, values);
    if (!request.ok) {
      setErrors(request.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      setAuthResult(await request.send());
      navigate(next, { replace: true });
    } catch (err) {
      const { fields, form } = formErrorsOf(err);
      setErrors(fields);
      setFormError(form);
    } finally {
      setBusy(false);
    }
  }

  return { values, errors, formError, busy, set, submit };
}

type AuthRequest =
  | { ok: true; send: () => ReturnType<typeof api.login> }
  | { ok: false; errors: Record<string, string> };

/** The request a mode sends for these values, or the field errors that stop it being sent. */
function authRequest(mode: AuthMode, values: AuthValues): AuthRequest {
  if (mode === "signin") {
    const parsed = LoginBody.safeParse({ login: values.login.trim(), password: values.password });
    return parsed.success
      ? { ok: true, send: () => api.login(parsed.data) }
      : { ok: false, errors: zodFieldErrors(parsed.error) };
  }
  const displayName = values.displayName.trim();
  const parsed = RegisterBody.safeParse({
    username: values.username.trim(),
    email: values.email.trim(),
    password: values.password,
    ...(displayName ? { displayName } : {}),
  });
  return parsed.success
    ? { ok: true, send: () => api.register(parsed.data) }
    : { ok: false, errors: zodFieldErrors(parsed.error) };
}
