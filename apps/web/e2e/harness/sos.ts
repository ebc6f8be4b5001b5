/** SOS steps: holding the SOS control like a person would, and reading an event's alerts over REST. */
import type { Alert, AlertList } from "@won/protocol";
import type { Page } from "playwright-core";

/** Presses the SOS control with the mouse and keeps it held; returns the release. */
export async function pressSos(page: Page): Promise<() => Promise<void>> {
  const box = await page.getByTestId("sos-button").boundingBox();
  if (!box) throw new Error("SOS button not visible");
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  return () => page.mouse.up();
}

export async function apiAlerts(base: string, token: string, eventId: string): Promise<Alert[]> {
  const res = await fetch(`${base}/api/v1/events/${eventId}/alerts?state=all`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`alerts: ${res.status} ${await res.text()}`);
  return ((await res.json()) as AlertList).alerts;
}

/** Makes a member of the event a moderator (event staff: they get alerts too). */
export async function apiMakeModerator(base: string, token: string, eventId: string, userId: string) {
  const res = await fetch(`${base}/api/v1/events/${eventId}/members/${userId}`, {
    method: "PATCH",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ role: "moderator" }),
  });
  if (!res.ok) throw new Error(`role: ${res.status} ${await res.text()}`);
}
