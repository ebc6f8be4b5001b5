/** The card both auth forms share: title, form-level error, their fields, and the submit button. */
import type { ReactNode } from "react";
import { FormError } from "../ui";
import type { AuthForm } from "./useAuthForm";

export function AuthFormCard({
  form,
  title,
  submitLabel,
  children,
}: {
  form: AuthForm;
  title: string;
  submitLabel: string;
  children: ReactNode;
}) {
  return (
    <form className="card" onSubmit={form.submit} noValidate aria-labelledby="auth-title">
      <h2 id="auth-title">{title}</h2>
      <FormError>{form.formError}</FormError>
      {children}
      <button className="btn primary block" type="submit" disabled={form.busy}>
        {form.busy ? "Please wait…" : submitLabel}
      </button>
    </form>
  );
}
