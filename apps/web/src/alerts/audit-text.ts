/** One step of an alert's audit trail in words ("Received on Android · Chrome by Olga"). */
import type { AlertAuditEntry } from "@won/protocol";
import { shownName } from "../users/user-name";

const str = (v: unknown) => (typeof v === "string" ? v : null);
const num = (v: unknown) => (typeof v === "number" ? v : null);

export function auditText(e: AlertAuditEntry): string {
  const who = e.actor ? shownName(e.actor) : "the server";
  const d = e.detail ?? {};
  switch (e.action) {
    case "raised":
      return `Raised by ${who}`;
    case "delivered": {
      const n = num(d.recipients);
      return n === null ? "Sent to staff" : `Sent to ${n} ${n === 1 ? "person" : "people"}`;
    }
    case "received":
      return `On screen for ${who}${str(d.device) ? ` (${str(d.device)})` : ""}`;
    case "claimed":
      return `Claimed by ${who}`;
    case "taken_over":
      return `Taken over by ${who}`;
    case "location": {
      const acc = num(d.accuracyM);
      return `Location reported${acc === null ? "" : ` (±${Math.round(acc)} m)`}`;
    }
    case "escalated":
      return "Re-sent: nobody had claimed it";
    case "resolved":
      return `Resolved by ${who}${str(d.note) ? `: ${str(d.note)}` : ""}`;
    case "false_alarm":
      return `Closed as a false alarm by ${who}${str(d.note) ? `: ${str(d.note)}` : ""}`;
    case "recording":
      return "Hot-mic recording added";
  }
}

/** A short name for this device, for "received on …" (no fingerprinting: platform and browser). */
export function deviceLabel(ua: string, platform?: string): string {
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Mac OS X/.test(ua)
        ? "Mac"
        : /Windows/.test(ua)
          ? "Windows"
          : /Linux/.test(ua)
            ? "Linux"
            : (platform ?? "Unknown");
  const browser = /Firefox\//.test(ua)
    ? "Firefox"
    : /Edg\//.test(ua)
      ? "Edge"
      : /Chrome\/|Chromium\//.test(ua)
        ? "Chrome"
        : /Safari\//.test(ua)
          ? "Safari"
          : "browser";
  const kind = /Mobi|iPhone|Android/.test(ua) ? "phone" : "computer";
  return `${os} ${kind} · ${browser}`;
}
