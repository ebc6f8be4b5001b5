import { describe, expect, it } from "vitest";
import { aUser } from "../test/fixtures";
import { auditText, deviceLabel } from "./audit-text";

const olga = aUser("olga", "Olga Organiser");
const at = "2026-12-01T10:00:00.000Z";

describe("an alert's audit trail in words", () => {
  it("names who, on which device, and what they said", () => {
    expect(auditText({ at, actor: null, action: "delivered", detail: { recipients: 3 } })).toBe(
      "Sent to 3 people",
    );
    expect(
      auditText({ at, actor: olga, action: "received", detail: { device: "Android phone · Chrome" } }),
    ).toBe("On screen for Olga Organiser (Android phone · Chrome)");
    expect(
      auditText({ at, actor: olga, action: "resolved", detail: { outcome: "resolved", note: "Treated" } }),
    ).toBe("Resolved by Olga Organiser: Treated");
    expect(auditText({ at, actor: null, action: "location", detail: { accuracyM: 12.4 } })).toBe(
      "Location reported (±12 m)",
    );
    expect(auditText({ at, actor: null, action: "escalated", detail: null })).toBe(
      "Re-sent: nobody had claimed it",
    );
  });

  it("labels a device by platform and browser only", () => {
    const android =
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36";
    expect(deviceLabel(android)).toBe("Android phone · Chrome");
    expect(deviceLabel("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
      "Linux computer · Firefox",
    );
    expect(
      deviceLabel(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("iOS phone · Safari");
  });
});
