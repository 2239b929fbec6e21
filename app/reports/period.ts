/**
 * Report periods: inclusive ranges of the shop's local calendar days, validated
 * once here for every door (pages, exports, snapshots, the narrative).
 */
import { z } from "zod";

import { daysIn, MAX_PERIOD_MESSAGE, periodTooLong } from "./period-length";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export type CompareMode = "previous_period" | "previous_year" | "none";

export interface Period {
  from: string;
  to: string;
}

export interface ReportRange {
  period: Period;
  compare: Period | null;
  compareMode: CompareMode;
}

const dayMs = 86_400_000;
const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => fromUtc(toUtc(day) + n * dayMs);

// Messages are whole sentences in the date picker's words ("Start date", "End date"), shown to
// the merchant as they are: never a parameter name.
const day = (label: string) =>
  z
    .string({ error: `${label} must be a date like 2026-01-31` })
    // abort: zod would otherwise run the refine on text that is no date at all.
    .regex(ISO_DAY, { message: `${label} must be a date like 2026-01-31`, abort: true })
    // "2026-13-01" passes the regex but is NaN, and toISOString throws on NaN:
    // it must be a 400, never a RangeError (500).
    .refine((d) => Number.isFinite(toUtc(d)) && fromUtc(toUtc(d)) === d, `${label} is not a real calendar date`);

export const RangeSchema = z
  .object({
    from: day("Start date"),
    to: day("End date"),
    compare: z.enum(["previous_period", "previous_year", "none"], { error: "Compare to must be the previous period, the previous year or no comparison" }).default("previous_period"),
  })
  .refine((r) => r.from <= r.to, { path: ["to"], message: "End date must be on or after the start date" })
  .refine((r) => !periodTooLong(r), { path: ["to"], message: MAX_PERIOD_MESSAGE });

export function compareRange(period: Period, mode: CompareMode): Period | null {
  if (mode === "none") return null;
  if (mode === "previous_year") {
    const shift = (day: string) => {
      const [y, m, d] = day.split("-").map(Number) as [number, number, number];
      // 29 February falls back to the 28th of a common year.
      const date = new Date(Date.UTC(y - 1, m - 1, Math.min(d, new Date(Date.UTC(y - 1, m, 0)).getUTCDate())));
      return fromUtc(date.getTime());
    };
    return { from: shift(period.from), to: shift(period.to) };
  }
  const length = daysIn(period);
  return { from: addDays(period.from, -length), to: addDays(period.from, -1) };
}

/** The shop's today, in its own time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

const lastDays = (n: number) => (today: string): Period => ({ from: addDays(today, -(n - 1)), to: today });
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const quarterStart = (day: string) => `${day.slice(0, 5)}${String(Math.floor((Number(day.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, "0")}-01`;

/**
 * The presets a merchant expects (those of Shopify's own date picker, in its order), each from
 * the shop's today: "to date" ones end today, "Yesterday" and "Last month" are whole.
 */
export const PRESETS = {
  today: { label: "Today", range: (today: string): Period => ({ from: today, to: today }) },
  yesterday: { label: "Yesterday", range: (today: string): Period => ({ from: addDays(today, -1), to: addDays(today, -1) }) },
  last7: { label: "Last 7 days", range: lastDays(7) },
  last30: { label: "Last 30 days", range: lastDays(30) },
  last90: { label: "Last 90 days", range: lastDays(90) },
  last365: { label: "Last 365 days", range: lastDays(365) },
  monthToDate: { label: "Month to date", range: (today: string): Period => ({ from: monthStart(today), to: today }) },
  lastMonth: { label: "Last month", range: (today: string): Period => ({ from: monthStart(addDays(monthStart(today), -1)), to: addDays(monthStart(today), -1) }) },
  quarterToDate: { label: "Quarter to date", range: (today: string): Period => ({ from: quarterStart(today), to: today }) },
  yearToDate: { label: "Year to date", range: (today: string): Period => ({ from: `${today.slice(0, 4)}-01-01`, to: today }) },
} as const;
export type PresetKey = keyof typeof PRESETS;

export function presetRange(key: PresetKey, timeZone: string, now = new Date()): Period {
  return PRESETS[key].range(todayIn(timeZone, now));
}

export class PeriodError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join(". "));
    this.name = "PeriodError";
  }
}

/** Parses URL search params into a range; the default is the last 30 days. */
export function parseRange(params: URLSearchParams, timeZone: string, now = new Date()): ReportRange {
  const raw = Object.fromEntries(params);
  const preset = raw.preset && Object.hasOwn(PRESETS, raw.preset) ? (raw.preset as PresetKey) : undefined;
  if (raw.preset && !preset) throw new PeriodError(["This date range is not one the app offers"]);
  const base = preset || (!raw.from && !raw.to) ? presetRange(preset ?? "last30", timeZone, now) : { from: raw.from, to: raw.to };
  const parsed = RangeSchema.safeParse({ ...base, compare: raw.compare || undefined });
  if (!parsed.success) {
    throw new PeriodError(parsed.error.issues.map((i) => i.message));
  }
  const period = { from: parsed.data.from, to: parsed.data.to };
  return { period, compare: compareRange(period, parsed.data.compare), compareMode: parsed.data.compare };
}
