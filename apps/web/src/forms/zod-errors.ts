/** Client-side validation with the protocol's own schemas: zod issues → one message per field. */
import type { z } from "zod";

export function zodFieldErrors(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = String(issue.path[0] ?? "_");
    if (!(key in out)) out[key] = humanize(issue);
  }
  return out;
}

function humanize(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_small" && "minimum" in issue) {
    return issue.minimum === 1 ? "Required" : `Must be at least ${issue.minimum} characters`;
  }
  if (issue.code === "too_big" && "maximum" in issue) return `Must be at most ${issue.maximum} characters`;
  if (issue.code === "invalid_format" && "format" in issue && issue.format === "email")
    return "Enter a valid email address";
  const m = issue.message;
  return m.charAt(0).toUpperCase() + m.slice(1);
}
