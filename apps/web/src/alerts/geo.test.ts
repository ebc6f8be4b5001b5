import { describe, expect, it } from "vitest";
import { bearingDeg, compassPoint, describeOffset, distanceM, formatDistance, mapLinks } from "./geo";

describe("distance and bearing", () => {
  it("one degree of latitude is about 111.2 km, due north", () => {
    const a = { lat: 0, lon: 0 };
    const b = { lat: 1, lon: 0 };
    expect(distanceM(a, b)).toBeCloseTo(111_195, -1);
    expect(bearingDeg(a, b)).toBeCloseTo(0, 6);
    expect(bearingDeg(b, a)).toBeCloseTo(180, 6);
  });

  it("a known city pair: Paris to London is about 344 km, heading north-west", () => {
    const paris = { lat: 48.8566, lon: 2.3522 };
    const london = { lat: 51.5074, lon: -0.1278 };
    expect(distanceM(paris, london) / 1000).toBeCloseTo(343.5, 0);
    const b = bearingDeg(paris, london);
    expect(b).toBeGreaterThan(325);
    expect(b).toBeLessThan(335);
    expect(compassPoint(b)).toBe("NW");
  });

  it("short distances on a festival field: ~100 m east", () => {
    const gate = { lat: 51.0, lon: 0.0 };
    const stage = { lat: 51.0, lon: 0.001427 };
    expect(distanceM(gate, stage)).toBeCloseTo(100, 0);
    expect(compassPoint(bearingDeg(gate, stage))).toBe("E");
    expect(distanceM(gate, gate)).toBe(0);
  });

  it("compass points wrap around north", () => {
    expect(compassPoint(359)).toBe("N");
    expect(compassPoint(22)).toBe("N");
    expect(compassPoint(23)).toBe("NE");
    expect(compassPoint(-90)).toBe("W");
    expect(compassPoint(225)).toBe("SW");
  });

  it("formats metres in steps of 5 and kilometres with one decimal below 10 km", () => {
    expect(formatDistance(0)).toBe("5 m");
    expect(formatDistance(123)).toBe("125 m");
    expect(formatDistance(1_234)).toBe("1.2 km");
    expect(formatDistance(25_400)).toBe("25 km");
    expect(describeOffset({ lat: 0, lon: 0 }, null)).toBeNull();
    expect(describeOffset({ lat: 0, lon: 0 }, { lat: 0.001, lon: 0 })).toBe("110 m N");
  });

  it("offers geo: only on Android; the OpenStreetMap link everywhere", () => {
    const p = { lat: 51.5, lon: -0.12 };
    const android = mapLinks(p, "Mozilla/5.0 (Linux; Android 14; Pixel 8)");
    expect(android.geo).toBe("geo:51.500000,-0.120000?q=51.500000,-0.120000");
    expect(android.web).toBe(
      "https://www.openstreetmap.org/?mlat=51.500000&mlon=-0.120000#map=18/51.500000/-0.120000",
    );
    expect(mapLinks(p, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)").geo).toBeNull();
  });
});
