/**
 * Where an alert is, seen from the viewer: great-circle distance (haversine, on a sphere of the
 * Earth's mean radius — metres of error over a venue, which is far below a phone's fix accuracy),
 * the initial bearing as a compass point, and links that open the spot in a maps app.
 */

export interface LatLon {
  lat: number;
  lon: number;
}

/** IUGG mean Earth radius, metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine formula). */
export function distanceM(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Initial bearing from `a` to `b`, degrees clockwise from true north in [0, 360). */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const y = Math.sin(rad(b.lon - a.lon)) * Math.cos(rad(b.lat));
  const x =
    Math.cos(rad(a.lat)) * Math.sin(rad(b.lat)) -
    Math.sin(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.cos(rad(b.lon - a.lon));
  const deg = (Math.atan2(y, x) * 180) / Math.PI;
  return (deg + 360) % 360;
}

const POINTS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"] as const;

/** The nearest of the eight compass points. */
export function compassPoint(deg: number): (typeof POINTS)[number] {
  return POINTS[Math.round((((deg % 360) + 360) % 360) / 45) % 8]!;
}

/** "40 m", "1.2 km": metres under a kilometre (rounded to 5 m, a fix is no better), then km. */
export function formatDistance(m: number): string {
  if (m < 1_000) return `${Math.max(5, Math.round(m / 5) * 5)} m`;
  return `${(m / 1_000).toFixed(m < 10_000 ? 1 : 0)} km`;
}

/** "120 m NE", or null when either side has no position. */
export function describeOffset(from: LatLon | null, to: LatLon | null): string | null {
  if (!from || !to) return null;
  return `${formatDistance(distanceM(from, to))} ${compassPoint(bearingDeg(from, to))}`;
}

/**
 * Links to the spot. The OpenStreetMap page opens anywhere (and Android offers its maps apps for
 * it); a `geo:` URI (RFC 5870) opens the installed maps app directly, but only Android handles it
 * reliably, so it is offered there alone.
 */
export function mapLinks(p: LatLon, userAgent: string) {
  const lat = p.lat.toFixed(6);
  const lon = p.lon.toFixed(6);
  return {
    web: `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`,
    geo: /Android/i.test(userAgent) ? `geo:${lat},${lon}?q=${lat},${lon}` : null,
  };
}
