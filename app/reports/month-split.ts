/**
 * Ranking products over a long period reads monthly_rollups for the calendar
 * months the period covers whole, and daily_rollups only for the partial months
 * at its edges: a 5-year range is 60 month rows per product plus at most 60 days.
 * Months and days are the shop's local calendar (both rollups are keyed by it).
 */
import { addDays, type Period } from "./period";

export interface MonthSplit {
  /** First days of the first and last whole months inside the period; null when it covers none. */
  months: Period | null;
  /** The days outside those months (0, 1 or 2 ranges). */
  days: Period[];
}

const firstOfMonth = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (first: string) => {
  const [y, m] = first.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
};
const previousMonth = (first: string) => firstOfMonth(addDays(first, -1));

export function splitByMonths(period: Period): MonthSplit {
  // The first whole month starts on or after `from`; the last ends on or before `to`.
  const start = period.from === firstOfMonth(period.from) ? period.from : nextMonth(firstOfMonth(period.from));
  const afterTo = addDays(period.to, 1);
  const endExclusive = afterTo === firstOfMonth(afterTo) ? afterTo : firstOfMonth(period.to);
  if (start >= endExclusive) return { months: null, days: [period] };
  const days: Period[] = [];
  if (period.from < start) days.push({ from: period.from, to: addDays(start, -1) });
  if (endExclusive <= period.to) days.push({ from: endExclusive, to: period.to });
  return { months: { from: start, to: previousMonth(endExclusive) }, days };
}
