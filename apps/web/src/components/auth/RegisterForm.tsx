/** Creating an account: username, optional display name, email and a new password, with their rules. */
import { LIMITS } from "@won/protocol";
import { Field } from "../ui";
import { AuthFormCard } from "./AuthFormCard";
import type { AuthForm } from "./useAuthForm";

export function RegisterForm({ form }: { form: AuthForm }) {
  const { values, errors, set } = form;
  return (
    <AuthFormCard form={form} title="Create your account" submitLabel="Create account">
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
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set("password")}
        error={errors.password}
        hint={`At least ${LIMITS.passwordMin} characters`}
        required
      />
    </AuthFormCard>
  );
}
