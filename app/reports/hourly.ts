/**
 * A single-day period drawn by the hour, on the shop's clock. The hours of a local
 * day are counted from its first instant: 24 of them, 23 on the day the clocks go
 * forward and 25 on the day they go back (the repeated hour says so).
 *
 * The hours add up to the day's totals exactly. Each hour's exact sums (the ledger's
 * four decimals) are rounded cumulatively: an hour's cents are the rounded running
 * total after it minus the rounded running total before it, so the last running total
 * is the day's own rounded figure (what daily_totals gives the KPI cards), and no
 * hour is off by more than a cent. Gross profit follows metrics.ts's rule from the
 * rounded parts: net sales with cost (cents) − COGS (cents), hour by hour.
 */
import Big from "big.js";

import { formatDay } from "~/lib/format";
import type { HourPoint } from "~/lib/series";

import { addDays } from "./period";
import { zonedTimeToUtc, zoneOffsetMs } from "./zoned-time";

const HOUR_MS = 3_600_000;

/** One hour's exact sums from the ledger, by its position in the day (0 = the first hour). */
export interface HourSums {
  slot: number;
  netSales: string;
  netSalesWithCost: string;
  cogs: string;
  orders: number;
}

export interface HourSlot {
  /** Its first instant, ms since the epoch. */
  start: number;
  /** On the shop's clock, 0–23. */
  hour: number;
  /** The second time the clock shows this hour (the day the clocks go back). */
  repeated: boolean;
}

/** The local day's first and last-plus-one instants. */
export function dayBounds(day: string, timeZone: string): { start: Date; end: Date } {
  return { start: zonedTimeToUtc(day, 0, timeZone), end: zonedTimeToUtc(addDays(day, 1), 0, timeZone) };
}

/** The hours of a local day in the shop's zone, in order. */
export function hourSlots(day: string, timeZone: string): HourSlot[] {
  const { start, end } = dayBounds(day, timeZone);
  const seen = new Set<number>();
  const slots: HourSlot[] = [];
  for (let t = start.getTime(); t < end.getTime(); t += HOUR_MS) {
    const hour = new Date(t + zoneOffsetMs(timeZone, t)).getUTCHours();
    slots.push({ start: t, hour, repeated: seen.has(hour) });
    seen.add(hour);
  }
  return slots;
}

/** "12 AM", "3 PM": fixed text (no Intl), so server and browser print the same. */
export const hourLabel = (hour: number): string => `${hour % 12 === 0 ? 12 : hour % 12} ${hour < 12 ? "AM" : "PM"}`;

/** Running totals rounded to the cent (half away from zero, as money is), turned back into per-hour cents. */
function cumulativeCents(values: readonly Big[]): Big[] {
  let running = new Big(0);
  let before = new Big(0);
  return values.map((v) => {
    running = running.plus(v);
    const rounded = running.round(2, Big.roundHalfUp);
    const cents = rounded.minus(before);
    before = rounded;
    return cents;
  });
}

const money = (v: Big) => {
  const fixed = v.toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
};

/**
 * The day's hours with their figures. `sums` are the ledger's by hour position (a
 * position past the day's last hour, which a zone with a half-hour shift could give,
 * joins the last hour, so nothing is dropped); `now` marks the hour in progress and
 * the hours not reached yet.
 */
export function buildHourPoints(day: string, timeZone: string, sums: readonly HourSums[], now: Date): HourPoint[] {
  const slots = hourSlots(day, timeZone);
  const zero = () => ({ net: new Big(0), withCost: new Big(0), cogs: new Big(0), orders: 0 });
  const bySlot = slots.map(zero);
  for (const s of sums) {
    const target = bySlot[Math.min(Math.max(s.slot, 0), slots.length - 1)]!;
    target.net = target.net.plus(s.netSales);
    target.withCost = target.withCost.plus(s.netSalesWithCost);
    target.cogs = target.cogs.plus(s.cogs);
    target.orders += s.orders;
  }
  const net = cumulativeCents(bySlot.map((b) => b.net));
  const withCost = cumulativeCents(bySlot.map((b) => b.withCost));
  const cogs = cumulativeCents(bySlot.map((b) => b.cogs));
  const at = now.getTime();
  return slots.map((slot, i) => {
    const label = hourLabel(slot.hour);
    return {
      start: new Date(slot.start).toISOString(),
      label: slot.repeated ? `${label} (2nd)` : label,
      longLabel: `${formatDay(day)}, ${label}${slot.repeated ? ", the second time (clocks went back)" : ""}`,
      netSales: money(net[i]!),
      grossProfit: money(withCost[i]!.minus(cogs[i]!)),
      orders: bySlot[i]!.orders,
      inProgress: slot.start <= at && at < slot.start + HOUR_MS,
      future: slot.start > at,
    };
  });
}
