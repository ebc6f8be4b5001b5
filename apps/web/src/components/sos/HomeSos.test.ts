/** The home SOS rendered to HTML: an accessible hold-to-raise control, and which event it raises in. */
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { queryKeys } from "../../state/queries/keys";
import { anEvent } from "../../test/fixtures";
import { renderHtml, textOf } from "../../test/render";
import { HomeSos } from "./HomeSos";

afterEach(() => vi.useRealTimers());

const render = (events: ReturnType<typeof anEvent>[]) =>
  renderHtml(createElement(HomeSos), { seed: (qc) => qc.setQueryData(queryKeys.events, events) });

describe("HomeSos", () => {
  it("no events: no SOS (there is nobody to alert)", () => {
    expect(render([])).toBe("");
  });

  it("one event: the control says how to use it and where the alert goes", () => {
    const html = render([anEvent({ name: "Summer Festival" })]);
    expect(html).toContain('aria-label="SOS emergency alert: press and hold for 2 seconds"');
    expect(html).toContain('data-state="idle"');
    expect(textOf(html)).toContain("Hold 2 s for help");
    expect(textOf(html)).toContain("Alert goes to Summer Festival");
  });

  it("several events: the one running now is preselected in the picker", () => {
    vi.useFakeTimers({ now: Date.parse("2026-07-10T14:00:00.000Z") });
    const running = anEvent({
      name: "Running",
      startsAt: "2026-07-10T09:00:00.000Z",
      endsAt: "2026-07-10T23:00:00.000Z",
    });
    const later = anEvent({ name: "Later", startsAt: "2026-08-01T09:00:00.000Z" });
    const html = render([later, running]);
    expect(html).toMatch(new RegExp(`<option value="${running.id}" selected="">Running</option>`));
    expect(textOf(html)).toContain("Alert goes to");
  });
});
