import { describe, expect, it } from "vitest";
import { ApiError, describeError, fieldErrorsOf, formErrorsOf, toApiError } from "./problem";

const problem = (code: string, errors?: { path: string; message: string }[]) => ({
  type: `https://operation-won.dev/problems/${code}`,
  title: "t",
  status: 400,
  code,
  detail: "detail text",
  ...(errors ? { errors } : {}),
});

describe("problem mapping", () => {
  it("maps errors[] paths of any common shape to top-level fields", () => {
    const e = toApiError(
      400,
      problem("invalid_body", [
        { path: "/password", message: "too short" },
        { path: "body.username", message: "bad chars" },
        { path: "email", message: "invalid" },
        { path: "email", message: "second message ignored" },
        { path: "", message: "whole body" },
      ]),
    );
    expect(e.code).toBe("invalid_body");
    expect(e.fieldErrors).toEqual({
      password: "too short",
      username: "bad chars",
      email: "invalid",
      _: "whole body",
    });
  });

  it("falls back to a generic error for a body that is not a problem", () => {
    const e = toApiError(502, "<html>bad gateway</html>");
    expect(e.code).toBe("internal");
    expect(e.status).toBe(502);
    expect(fieldErrorsOf(null)).toEqual({});
  });

  it("puts known conflict codes on their field", () => {
    const r = formErrorsOf(toApiError(409, { ...problem("username_taken"), status: 409 }));
    expect(r.fields.username).toMatch(/taken/);
    expect(r.form).toBeNull();
  });

  it("describes codes for people without field errors", () => {
    const r = formErrorsOf(new ApiError(401, "invalid_credentials", "x"));
    expect(r.form).toBe("Wrong username, email or password.");
    expect(describeError(new ApiError(0, "network", "x"))).toMatch(/reach the server/);
    expect(describeError(new Error("boom"))).toBe("boom");
  });
});
