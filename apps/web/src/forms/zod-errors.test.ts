import { RegisterBody } from "@won/protocol";
import { describe, expect, it } from "vitest";
import { zodFieldErrors } from "./zod-errors";

describe("zodFieldErrors", () => {
  it("gives one readable message per field from the protocol schema", () => {
    const r = RegisterBody.safeParse({ username: "a", email: "nope", password: "short" });
    expect(r.success).toBe(false);
    const errors = zodFieldErrors(r.error!);
    expect(errors.username).toBe("Must be at least 3 characters");
    expect(errors.email).toBe("Enter a valid email address");
    expect(errors.password).toBe("Must be at least 8 characters");
  });
});
