/**
 * The trend chart's points. A day per point reads well up to about three months;
 * beyond that the lines turn to noise and the SVG grows (a 5-year range is 1,827
 * days), so longer periods are summed into weeks, then months. Pure and exact:
 * sums use big.js on the decimal strings; only the chart's own coordinates are
 * numbers.
 *
 * A week or month cut by the period's edges (the current month of a 5-year view,
 * a range that starts mid-month) holds only some of its days: its total is not
 * comparable with whole buckets, so it is marked `partial` and the chart draws it
 * apart rather than as a collapse. So is the bucket holding today, whose sales are
 * still coming in (`inProgress`), a single day included.
 */
import Big from "big.js";

import { formatDay, formatMonth, formatPeriod, formatShortDay } from "./format";

export interface DayPoint {
  day: string;
  netSales: string;
  totalSales: string;
  grossProfit: string;
  orders: number;
}

export type Grain = "day" | "week" | "month";

export interface ChartPoint {
  /** First day of the bucket inside the period. */
  start: string;
  end: string;
  /** Short axis label ("Jan 5", "Jan 2026"). */
  label: string;
  /** Full label for tooltips and the data table ("Jan 5 – 11, 2026"). */
  longLabel: string;
  netSales: string;
  grossProfit: string;
  orders: number;
  /** Days of the bucket inside the period, and in the whole week or month. */
  days: number;
  fullDays: number;
  /** Holds today (the shop's), which has not ended. */
  inProgress: boolean;
  /** Fewer days than its whole week or month (cut by the period's start or end), or in progress. */
  partial: boolean;
}

export const DAILY_MAX_DAYS = 92;
export const WEEKLY_MAX_DAYS = 371;

export function grainFor(days: number): Grain {
  if (days <= DAILY_MAX_DAYS) return "day";
  if (days <= WEEKLY_MAX_DAYS) return "week";
  return "month";
}

/** The key of the bucket a day belongs to: itself, its ISO week's Monday, or its month. */
function bucketKey(day: string, grain: Grain): string {
  if (grain === "day") return day;
  if (grain === "month") return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

const daysInMonth = (day: string) => new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

/** `today`: the shop's local day, when the series may reach it (a live dashboard). */
export function bucketSeries(series: readonly DayPoint[], grain: Grain = grainFor(series.length), today?: string): ChartPoint[] {
  const buckets: Array<{ key: string; start: string; end: string; net: Big; profit: Big; orders: number }> = [];
  for (const point of series) {
    const key = bucketKey(point.day, grain);
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.key !== key) {
      bucket = { key, start: point.day, end: point.day, net: new Big(0), profit: new Big(0), orders: 0 };
      buckets.push(bucket);
    }
    bucket.end = point.day;
    bucket.net = bucket.net.plus(point.netSales);
    bucket.profit = bucket.profit.plus(point.grossProfit);
    bucket.orders += point.orders;
  }
  return buckets.map((b) => {
    const days = daysBetween(b.start, b.end);
    const fullDays = grain === "day" ? 1 : grain === "week" ? 7 : daysInMonth(b.start);
    const inProgress = today !== undefined && b.start <= today && today <= b.end;
    return {
      start: b.start,
      end: b.end,
      label: grain === "month" ? formatMonth(b.start) : formatShortDay(b.start),
      longLabel: grain === "day" ? formatDay(b.start) : formatPeriod({ from: b.start, to: b.end }),
      netSales: b.net.toFixed(2),
      grossProfit: b.profit.toFixed(2),
      orders: b.orders,
      days,
      fullDays,
      inProgress,
      partial: days < fullDays || inProgress,
    };
  });
}

/** "Dec 1 – 2, 2026 (2 of 31 days, in progress)": what the chart says of a partial bucket. */
export function describePartial(p: ChartPoint): string {
  const parts = [...(p.days < p.fullDays ? [`${p.days} of ${p.fullDays} days`] : []), ...(p.inProgress ? ["in progress"] : [])];
  return `${p.longLabel} (${parts.join(", ")})`;
}
