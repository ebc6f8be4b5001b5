/** The sign-in and register forms given a form state: values, field and form errors, and busy. */
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { renderHtml, textOf } from "../../test/render";
import { RegisterForm } from "./RegisterForm";
import { SignInForm } from "./SignInForm";
import { type AuthForm, carryOver } from "./useAuthForm";

function aForm(over: Partial<AuthForm> = {}): AuthForm {
  return {
    values: { login: "", username: "", email: "", password: "", displayName: "" },
    errors: {},
    formError: null,
    busy: false,
    set: () => () => {},
    submit: async () => {},
    ...over,
  };
}

describe("SignInForm", () => {
  it("shows what was typed, the server's form error and a field error on its field", () => {
    const html = renderHtml(
      createElement(SignInForm, {
        form: aForm({
          values: { login: "pat", username: "", email: "", password: "secret", displayName: "" },
          errors: { login: "Required" },
          formError: "Wrong username or password",
        }),
      }),
    );
    expect(html).toMatch(/<div class="form-error" role="alert">Wrong username or password<\/div>/);
    expect(html).toMatch(/name="login" value="pat"/);
    expect(html).toMatch(/<input[^>]*aria-invalid="true"[^>]*name="login"/);
    expect(html).toMatch(/<span [^>]*class="error" role="alert">Required<\/span>/);
    expect(html).toMatch(/autoComplete="current-password"/);
  });

  it("while busy: the button is disabled and says so", () => {
    const html = renderHtml(createElement(SignInForm, { form: aForm({ busy: true }) }));
    expect(html).toMatch(
      /<button class="btn primary block" type="submit" disabled="">Please wait…<\/button>/,
    );
  });
});

describe("RegisterForm", () => {
  it("asks for a new password, and shows no form error when there is none", () => {
    const html = renderHtml(createElement(RegisterForm, { form: aForm() }));
    expect(html).toMatch(/autoComplete="new-password"/);
    expect(html).not.toContain("form-error");
    expect(textOf(html)).toMatch(/Create your account .* Create account$/);
  });

  it("puts each server field error under its own field", () => {
    const html = renderHtml(
      createElement(RegisterForm, {
        form: aForm({ errors: { username: "Already taken", email: "Not an email" } }),
      }),
    );
    expect(html).toMatch(
      /name="username"[^>]*\/>(<span[^>]*class="hint"[^>]*>[^<]*<\/span>)?<span[^>]*>Already taken</,
    );
    expect(html).toMatch(/name="email"[^>]*\/><span[^>]*>Not an email</);
  });
});

describe("switching between sign in and create account", () => {
  it("keeps the names typed in and drops the password", () => {
    const typed = {
      login: "olivia",
      username: "olivia",
      email: "o@x.org",
      password: "hunter22!",
      displayName: "O",
    };
    expect(carryOver(typed)).toEqual({ ...typed, password: "" });
  });
});
