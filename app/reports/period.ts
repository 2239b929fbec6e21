/**
 * Report periods: inclusive ranges of the shop's local calendar days, validated
 * once here for every door (pages, exports, snapshots, the narrative).
 */
import { z } from "zod";

export const MAX_PERIOD_DAYS = 5 * 366;
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
export const daysIn = (p: Period) => Math.round((toUtc(p.to) - toUtc(p.from)) / dayMs) + 1;
export const addDays = (day: string, n: number) => fromUtc(toUtc(day) + n * dayMs);

const Day = z
  .string({ error: "must be a date like 2026-01-31" })
  // abort: zod would otherwise run the refine on text that is no date at all.
  .regex(ISO_DAY, { message: "must be a date like 2026-01-31", abort: true })
  // "2026-13-01" passes the regex but is NaN, and toISOString throws on NaN:
  // it must be a 400, never a RangeError (500).
  .refine((d) => Number.isFinite(toUtc(d)) && fromUtc(toUtc(d)) === d, "is not a real calendar date");

export const RangeSchema = z
  .object({
    from: Day,
    to: Day,
    compare: z.enum(["previous_period", "previous_year", "none"]).default("previous_period"),
  })
  .refine((r) => r.from <= r.to, { path: ["to"], message: "must be on or after the start date" })
  .refine((r) => daysIn(r) <= MAX_PERIOD_DAYS, { path: ["to"], message: "ranges are limited to 5 years" });

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

export const PRESETS = {
  last7: { label: "Last 7 days", days: 7 },
  last30: { label: "Last 30 days", days: 30 },
  last90: { label: "Last 90 days", days: 90 },
  last365: { label: "Last 365 days", days: 365 },
} as const;
export type PresetKey = keyof typeof PRESETS;

export function presetRange(key: PresetKey, timeZone: string, now = new Date()): Period {
  const to = todayIn(timeZone, now);
  return { from: addDays(to, -(PRESETS[key].days - 1)), to };
}

export class PeriodError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join("; "));
    this.name = "PeriodError";
  }
}

/** Parses URL search params into a range; the default is the last 30 days. */
export function parseRange(params: URLSearchParams, timeZone: string, now = new Date()): ReportRange {
  const raw = Object.fromEntries(params);
  const preset = raw.preset && raw.preset in PRESETS ? (raw.preset as PresetKey) : undefined;
  if (raw.preset && !preset) throw new PeriodError([`preset: unknown preset "${raw.preset.slice(0, 40)}"`]);
  const base = preset || (!raw.from && !raw.to) ? presetRange(preset ?? "last30", timeZone, now) : { from: raw.from, to: raw.to };
  const parsed = RangeSchema.safeParse({ ...base, compare: raw.compare || undefined });
  if (!parsed.success) {
    throw new PeriodError(parsed.error.issues.map((i) => `${i.path.join(".") || "range"}: ${i.message}`));
  }
  const period = { from: parsed.data.from, to: parsed.data.to };
  return { period, compare: compareRange(period, parsed.data.compare), compareMode: parsed.data.compare };
}
