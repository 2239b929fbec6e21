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
 *
 * The comparison period is drawn beside the period, aligned by position: the i-th
 * day of the period faces the i-th day of the comparison, and a bucket faces the
 * comparison days at its own positions (`withComparison`), so a week that starts on
 * a Wednesday faces the seven comparison days at the same offsets, whatever their
 * weekdays. A single day is drawn by the hour (`hourChartPoints`; the hours are made
 * on the server, in the shop's zone: app/reports/hourly.ts).
 */
import Big from "big.js";

import { formatDay, formatMonth, formatPeriod, formatShortDay } from "./format";

export interface DayPoint {
  day: string;
  netSales: string;
  totalSales: string;
  grossProfit: string;
  orders: number;
  /** Absent in snapshots saved before net profit existed. */
  netProfit?: string;
}

/**
 * One hour of a single-day period on the shop's clock (app/reports/hourly.ts). Its
 * figures are cents whose hours add up exactly to the day's totals.
 */
export interface HourPoint {
  /** The hour's first instant (ISO, UTC). */
  start: string;
  /** "3 PM"; the repeated hour of a day the clocks go back says so. */
  label: string;
  longLabel: string;
  netSales: string;
  grossProfit: string;
  orders: number;
  /** Holds the current instant. */
  inProgress: boolean;
  /** Not reached yet (later today): no figure to draw. */
  future: boolean;
}

export type Grain = "day" | "week" | "month";
/** What one point of the chart is: a single day is drawn by the hour. */
export type ChartGrain = Grain | "hour";

/** The comparison period's figures facing one point of the chart. */
export interface ComparePoint {
  /** Its dates ("Nov 3, 2026", "Oct 6 – 12, 2026") or hour. */
  longLabel: string;
  netSales: string;
  grossProfit: string;
  netProfit: string | null;
  orders: number;
}

/** The lines a merchant can pick; net profit only where the series carries it. */
export type ChartMetric = "netSales" | "grossProfit" | "netProfit";

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
  /** Null when a day of the bucket has none (an older snapshot; hours). */
  netProfit: string | null;
  orders: number;
  /** The comparison at the same position; null without one, or past its end. */
  compare: ComparePoint | null;
  /** An hour not reached yet: not drawn. */
  future: boolean;
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
  const buckets: Array<{ key: string; start: string; end: string; net: Big; profit: Big; netProfit: Big | null; orders: number }> = [];
  for (const point of series) {
    const key = bucketKey(point.day, grain);
    let bucket = buckets[buckets.length - 1];
    if (!bucket || bucket.key !== key) {
      bucket = { key, start: point.day, end: point.day, net: new Big(0), profit: new Big(0), netProfit: new Big(0), orders: 0 };
      buckets.push(bucket);
    }
    bucket.end = point.day;
    bucket.net = bucket.net.plus(point.netSales);
    bucket.profit = bucket.profit.plus(point.grossProfit);
    bucket.netProfit = bucket.netProfit && point.netProfit !== undefined ? bucket.netProfit.plus(point.netProfit) : null;
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
      netProfit: b.netProfit?.toFixed(2) ?? null,
      orders: b.orders,
      compare: null,
      future: false,
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

const sumOf = (values: Array<string | undefined>): string | null =>
  values.some((v) => v === undefined) ? null : values.reduce((sum, v) => sum.plus(v!), new Big(0)).toFixed(2);

/**
 * Each bucket with the comparison days at the same positions in their period (the
 * k-th day of the period faces the k-th of the comparison). A bucket past the
 * comparison's last day has none. `series` is the period's days, first to last.
 */
export function withComparison(points: readonly ChartPoint[], series: readonly DayPoint[], compare: readonly DayPoint[]): ChartPoint[] {
  const first = series[0]?.day;
  if (!first) return [...points];
  return points.map((p) => {
    const from = daysBetween(first, p.start) - 1;
    const facing = compare.slice(from, from + daysBetween(p.start, p.end));
    if (!facing.length) return { ...p, compare: null };
    const start = facing[0]!.day;
    const end = facing[facing.length - 1]!.day;
    return {
      ...p,
      compare: {
        longLabel: start === end ? formatDay(start) : formatPeriod({ from: start, to: end }),
        netSales: sumOf(facing.map((d) => d.netSales))!,
        grossProfit: sumOf(facing.map((d) => d.grossProfit))!,
        netProfit: sumOf(facing.map((d) => d.netProfit)),
        orders: facing.reduce((n, d) => n + d.orders, 0),
      },
    };
  });
}

/**
 * A single day's hours as chart points, each facing the comparison day's hour at the
 * same position (a 23- or 25-hour day faces by position too). Net profit is figured
 * per day (fees, shipping and custom costs are booked by the day), so hours have none.
 */
export function hourChartPoints(day: string, hours: readonly HourPoint[], compare: readonly HourPoint[] | null): ChartPoint[] {
  return hours.map((h, i) => {
    const c = compare?.[i];
    return {
      start: day, end: day, label: h.label, longLabel: h.longLabel,
      netSales: h.netSales, grossProfit: h.grossProfit, netProfit: null, orders: h.orders,
      compare: c ? { longLabel: c.longLabel, netSales: c.netSales, grossProfit: c.grossProfit, netProfit: null, orders: c.orders } : null,
      future: h.future,
      days: 1, fullDays: 1, inProgress: h.inProgress, partial: h.inProgress,
    };
  });
}

/** Whether the comparison has a figure to draw at all (otherwise the chart says so instead). */
export const comparisonDrawn = (points: readonly ChartPoint[]): boolean => points.some((p) => p.compare !== null);
