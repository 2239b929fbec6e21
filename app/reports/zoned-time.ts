/**
 * Wall-clock time in a shop's IANA zone ↔ instants, without a date library.
 * DST-correct: the offset is looked up at the instant itself (two passes). A wall
 * time skipped by a spring-forward gap lands just after the gap.
 */
import { addDays, todayIn } from "./period";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at `instant`, in ms (New York in winter: -5 h). */
export function zoneOffsetMs(timeZone: string, instant: number): number {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the shop's wall clock shows `day` at `hour`:00. */
export function zonedTimeToUtc(day: string, hour: number, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, hour);
  const first = wall - zoneOffsetMs(timeZone, wall);
  return new Date(wall - zoneOffsetMs(timeZone, first));
}

/** 0 = Sunday … 6 = Saturday, of a calendar day. */
export const weekdayOf = (day: string): number => new Date(`${day}T00:00:00Z`).getUTCDay();

/** The first time strictly after `after` when the shop's clock shows `weekday` at `hour`:00. */
export function nextWeeklyOccurrence(after: Date, timeZone: string, weekday: number, hour: number): { at: Date; localDay: string } {
  const today = todayIn(timeZone, after);
  for (let i = -1; i <= 8; i++) {
    const day = addDays(today, i);
    if (weekdayOf(day) !== weekday) continue;
    const at = zonedTimeToUtc(day, hour, timeZone);
    if (at.getTime() > after.getTime()) return { at, localDay: day };
  }
  throw new Error("no weekly occurrence within 8 days");
}
