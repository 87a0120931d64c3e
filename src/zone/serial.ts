/**
 * SOA serials of hosted zones: YYYYMMDDnn from the clock, and always at least one more than the
 * last served value, so secondaries see every change (more than 100 changes a day simply run
 * ahead of the date; the value stays strictly increasing).
 *
 * Records with valid-from/valid-to change the served zone without a put. The stored serial is a
 * base; the served serial is the base plus the number of validity bounds already passed, so it
 * grows by one each time a record appears or disappears.
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** YYYYMMDD00 of `now` (UTC). */
export function dateSerial(now: number): number {
  const d = new Date(now);
  return Number(`${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}00`);
}

/** The serial after `previous` (0 for a new zone). */
export function nextSerial(previous: number, now: number): number {
  return Math.max(previous + 1, dateSerial(now));
}

/** How many of the sorted `bounds` (epoch ms) have been reached at `now`. */
export function passedBounds(bounds: readonly number[], now: number): number {
  let n = 0;
  for (const b of bounds) {
    if (b > now) break;
    n++;
  }
  return n;
}

/** The serial served at `now` for a stored base serial. */
export function servedSerial(base: number, bounds: readonly number[], now: number): number {
  return base + passedBounds(bounds, now);
}
