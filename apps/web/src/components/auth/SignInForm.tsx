/** Signing in with a username or email and the password. */
import { Field } from "../ui";
import { AuthFormCard } from "./AuthFormCard";
import type { AuthForm } from "./useAuthForm";

export function SignInForm({ form }: { form: AuthForm }) {
  const { values, errors, set } = form;
  return (
    <AuthFormCard form={form} title="Sign in" submitLabel="Sign in">
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
      {/* No rules shown for a password being typed in, only for one being chosen. */}
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={values.password}
        onChange={set("password")}
        error={errors.password}
        required
      />
    </AuthFormCard>
  );
}
