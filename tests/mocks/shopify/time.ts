/**
 * Shop-local days, DST-correct, from the IANA zone via Intl (no offset tables).
 * A "day key" is the shop-local calendar date "YYYY-MM-DD".
 */

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
const partFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    // en-CA prints ISO-style dates: 2026-03-08.
    f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormatters.set(timeZone, f);
  }
  return f;
}

/** Every UTC offset in use is a multiple of 15 minutes, so a local day never changes inside an aligned quarter hour. */
const QUARTER_HOUR = 15 * 60 * 1000;
const dayCache = new Map<string, Map<number, string>>();

/** The shop-local calendar day of an instant. */
export function localDayKey(at: number | Date | string, timeZone: string): string {
  const ms = typeof at === "number" ? at : new Date(at).getTime();
  let cache = dayCache.get(timeZone);
  if (!cache) dayCache.set(timeZone, (cache = new Map()));
  const bucket = Math.floor(ms / QUARTER_HOUR);
  let key = cache.get(bucket);
  if (key === undefined) {
    key = dayFormatter(timeZone).format(ms);
    if (cache.size > 200_000) cache.clear();
    cache.set(bucket, key);
  }
  return key;
}

/** Local wall-clock minus UTC, in ms, at an instant. */
export function utcOffsetMs(ms: number, timeZone: string): number {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    partFormatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (ms - (ms % 1000 + 1000) % 1000);
}

/** Adds whole calendar days to a day key. */
export function addDays(dayKey: string, days: number): string {
  const [y, m, d] = dayKey.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The first instant (ms) of a shop-local day: local midnight, or the first existing instant if midnight was skipped. */
export function localDayStart(dayKey: string, timeZone: string): number {
  const [y, m, d] = dayKey.split("-").map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(y, m - 1, d);
  let t = wallMidnight - utcOffsetMs(wallMidnight, timeZone);
  t = wallMidnight - utcOffsetMs(t, timeZone);
  // Walk to the exact first instant of the day (zones that skip midnight for DST).
  while (localDayKey(t, timeZone) < dayKey) t += QUARTER_HOUR;
  while (localDayKey(t - QUARTER_HOUR, timeZone) === dayKey) t -= QUARTER_HOUR;
  return t;
}

/** Day keys from `from` to `to`, inclusive. */
export function dayKeysBetween(from: string, to: string): string[] {
  const keys: string[] = [];
  for (let k = from; k <= to; k = addDays(k, 1)) keys.push(k);
  return keys;
}

/** Shopify's DateTime format: ISO 8601 in UTC, whole seconds ("2026-03-08T07:12:45Z"). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
