/**
 * What explains a report's change against its comparison period: the "drivers" the
 * narrative leads with (issue 13, issue 14). Pure, from a saved report's aggregates
 * only (never an order or a customer); exact to the cent (Big.js on decimal strings).
 *
 *  - Net sales' change = orders + order size + discounts + returns, exactly:
 *    net sales = gross sales + discounts + returns, and gross sales' change is split
 *    by a symmetric price-volume split, gross sales = orders × gross sales per order:
 *      orders effect     = Δorders × (per order before + per order now) / 2
 *      order size effect = Δgross sales − orders effect   (the rest, so it sums exactly)
 *    Gross sales per order (not the AOV card, which is after discounts and at order
 *    creation) so that discounts stay a driver of their own.
 *  - Gross profit's change = sales with a cost + margin, exactly:
 *      sales effect  = Δnet sales with cost × margin before
 *      margin effect = Δgross profit − sales effect
 *  - Net profit's change = gross profit − payment fees − shipping − custom costs
 *    (narrative.ts' netProfitDrivers, each expense's effect signed as its effect).
 *  - Each figure's parts are ranked by size (largest first): the first explains most.
 *  - Products that moved most: from the snapshot's `productMoves` (current and
 *    comparison figures of the top products of both periods), by the size of their
 *    net sales change; "the rest" makes the listed changes sum to net sales' change.
 *    A product is named only when each period's units are 0 or at least k (the input's
 *    small-cell rule): otherwise it stays in the rest.
 *  - Cost gaps (`costGaps`, with or without a comparison): the products with the most
 *    net sales without a recorded cost (listed products only: the k rule).
 *  - Noise, see `noiseBand`.
 */
import Big from "big.js";
import { z } from "zod";

import type { ReportData } from "./build.server";
import type { Metrics } from "./metrics";

const Money = z.string().regex(/^-?\d{1,15}\.\d{2}$/, "must be a decimal amount like 1234.50");
const Title = z.string().min(1).max(120);

export const NET_SALES_PARTS = ["orders", "orderSize", "discounts", "returns"] as const;
export const GROSS_PROFIT_PARTS = ["salesWithCost", "margin"] as const;
export const NET_PROFIT_PART_KEYS = ["grossProfit", "paymentFees", "shippingCosts", "customCosts"] as const;
export const DRIVER_KEYS = [...NET_SALES_PARTS, ...GROSS_PROFIT_PARTS, ...NET_PROFIT_PART_KEYS] as const;
export type DriverKey = (typeof DRIVER_KEYS)[number];

/** The smallest number of days from which day-to-day variation is judged. */
export const NOISE_MIN_DAYS = 7;

const FigureSchema = z
  .object({
    change: Money,
    /** ± this much is what day-to-day variation alone would produce; null with too few days to say. */
    noiseBand: Money.nullable(),
    withinNoise: z.boolean().nullable(),
    /** Ranked, largest effect first; the effects add up to `change` exactly. */
    parts: z.array(z.object({ driver: z.enum(DRIVER_KEYS), effect: Money }).strict()).max(4),
  })
  .strict();

export const DriversSchema = z
  .object({
    netSales: FigureSchema,
    grossProfit: FigureSchema,
    netProfit: FigureSchema.nullable(),
    /** null when the snapshot holds no comparison figures per product (saved before they were kept). */
    products: z
      .object({
        moved: z.array(z.object({ title: Title, netSales: Money, previousNetSales: Money, change: Money }).strict()).max(5),
        /** Net sales' change not in the listed products: the listed changes plus this equal net sales' change. */
        restChange: Money,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type Drivers = z.infer<typeof DriversSchema>;

/** Net sales without a recorded cost and the products carrying most of it (with or without a comparison). */
export const CostGapsSchema = z
  .object({
    netSalesWithoutCost: Money,
    products: z.array(z.object({ title: Title, netSalesWithoutCost: Money }).strict()).max(5),
  })
  .strict()
  .nullable();
export type CostGaps = z.infer<typeof CostGapsSchema>;
export type FigureDrivers = z.infer<typeof FigureSchema>;

/** A product's net sales in both periods (ReportData.productMoves). */
export interface ProductMove {
  productId: string;
  title: string;
  netSales: string;
  units: number;
  previousNetSales: string;
  previousUnits: number;
}

const cents = (value: Big) => {
  const fixed = value.round(2, Big.roundHalfUp).toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
};
const big = (value: string | number | null | undefined) => new Big(value ?? 0);

/** Parts ranked by the size of their effect, largest first (ties keep their order); zero effects dropped. */
function ranked(parts: Array<{ driver: DriverKey; effect: Big }>) {
  return parts
    .filter((p) => !p.effect.eq(0))
    .sort((a, b) => b.effect.abs().cmp(a.effect.abs()))
    .map((p) => ({ driver: p.driver, effect: cents(p.effect) }));
}

/**
 * The change a figure would show from day-to-day variation alone, from the report
 * period's own days. If each day's figure varied independently with the standard
 * deviation s of the period's daily figures, a total over n days would vary by s·√n,
 * and the difference of two totals (n days now, m days in the comparison) by
 * s·√(n + m). A change smaller than twice that (about 95% of such differences) is
 * "within normal noise". Weekday patterns make s larger, so the rule errs towards
 * calling a change noise rather than a story. Fewer than NOISE_MIN_DAYS days: null
 * (a standard deviation of a handful of days says nothing).
 */
export function noiseBand(daily: string[], comparisonDays: number): Big | null {
  const n = daily.length;
  if (n < NOISE_MIN_DAYS || comparisonDays < 1) return null;
  const values = daily.map((v) => new Big(v));
  const mean = values.reduce((a, v) => a.plus(v), new Big(0)).div(n);
  const variance = values.reduce((a, v) => a.plus(v.minus(mean).pow(2)), new Big(0)).div(n - 1);
  return variance.sqrt().times(new Big(n + comparisonDays).sqrt()).times(2);
}

function figure(change: Big, parts: Array<{ driver: DriverKey; effect: Big }>, daily: string[] | null, comparisonDays: number): FigureDrivers {
  const band = daily ? noiseBand(daily, comparisonDays) : null;
  return {
    change: cents(change),
    noiseBand: band ? cents(band) : null,
    withinNoise: band ? change.abs().lt(band) : null,
    parts: ranked(parts),
  };
}

/** Net sales' change split exactly into orders, order size, discounts and returns. */
export function netSalesParts(now: Metrics, before: Metrics): Array<{ driver: DriverKey; effect: Big }> {
  const grossChange = big(now.grossSales).minus(before.grossSales);
  let ordersEffect = grossChange;
  if (now.orders > 0 && before.orders > 0) {
    const perOrder = big(now.grossSales).div(now.orders).plus(big(before.grossSales).div(before.orders)).div(2);
    ordersEffect = new Big(cents(perOrder.times(now.orders - before.orders)));
  }
  // Without orders on one side there is no order size to compare: it is all volume.
  return [
    { driver: "orders", effect: ordersEffect },
    { driver: "orderSize", effect: grossChange.minus(ordersEffect) },
    { driver: "discounts", effect: big(now.discounts).minus(before.discounts) },
    { driver: "returns", effect: big(now.returns).minus(before.returns) },
  ];
}

/** Gross profit's change split exactly into sales with a cost (at the old margin) and margin. */
export function grossProfitParts(now: Metrics, before: Metrics): Array<{ driver: DriverKey; effect: Big }> {
  const change = big(now.grossProfit).minus(before.grossProfit);
  const withCostBefore = big(before.netSalesWithCost ?? null);
  const withCostNow = big(now.netSalesWithCost ?? null);
  const salesEffect = withCostBefore.eq(0)
    ? change
    : new Big(cents(withCostNow.minus(withCostBefore).times(big(before.grossProfit).div(withCostBefore))));
  return [{ driver: "salesWithCost", effect: salesEffect }, { driver: "margin", effect: change.minus(salesEffect) }];
}

/** Named only when neither period is a small cell (0 units, or at least k). */
const nameable = (units: number, k: number) => units === 0 || units >= k;

export function productDrivers(moves: ProductMove[] | undefined, netSalesChange: Big, k: number, clean: (t: string) => string): Drivers["products"] {
  if (!moves) return null;
  const moved = moves
    .filter((p) => nameable(p.units, k) && nameable(p.previousUnits, k))
    .map((p) => ({ p, change: big(p.netSales).minus(p.previousNetSales) }))
    .filter((m) => !m.change.eq(0))
    .sort((a, b) => b.change.abs().cmp(a.change.abs()) || a.p.title.localeCompare(b.p.title))
    .slice(0, 5);
  const listed = moved.reduce((a, m) => a.plus(m.change), new Big(0));
  return {
    moved: moved.map((m) => ({ title: clean(m.p.title), netSales: m.p.netSales, previousNetSales: m.p.previousNetSales, change: cents(m.change) })),
    restChange: cents(netSalesChange.minus(listed)),
  };
}

export function costGaps(data: Pick<ReportData, "current" | "topProducts">, k: number, clean: (t: string) => string): CostGaps {
  const without = data.current.netSalesWithoutCost;
  if (without === undefined || new Big(without).lte(0)) return null;
  const products = data.topProducts
    .filter((p) => p.units >= k && p.netSalesWithoutCost !== undefined && new Big(p.netSalesWithoutCost).gt(0))
    .sort((a, b) => new Big(b.netSalesWithoutCost!).cmp(a.netSalesWithoutCost!) || a.title.localeCompare(b.title))
    .slice(0, 3)
    .map((p) => ({ title: clean(p.title), netSalesWithoutCost: p.netSalesWithoutCost! }));
  return { netSalesWithoutCost: without, products };
}

/**
 * The drivers of a report with comparison data (the caller checks that). `netProfit`
 * is the split narrative.ts computes for net profit, null for a snapshot without it.
 */
export function computeDrivers(
  data: ReportData,
  previous: Metrics,
  comparisonDays: number,
  netProfit: { netProfitChange: string; effects: Record<(typeof NET_PROFIT_PART_KEYS)[number], string> } | null,
  k: number,
  clean: (t: string) => string,
): Drivers {
  const now = data.current;
  const series = data.series;
  const netSalesChange = big(now.netSales).minus(previous.netSales);
  const dailyNetProfit = series.length > 0 && series.every((p) => p.netProfit !== undefined) ? series.map((p) => p.netProfit!) : null;
  return DriversSchema.parse({
    netSales: figure(netSalesChange, netSalesParts(now, previous), series.map((p) => p.netSales), comparisonDays),
    grossProfit: figure(big(now.grossProfit).minus(previous.grossProfit), grossProfitParts(now, previous), series.map((p) => p.grossProfit), comparisonDays),
    netProfit: netProfit
      ? figure(big(netProfit.netProfitChange), NET_PROFIT_PART_KEYS.map((key) => ({ driver: key, effect: big(netProfit.effects[key]) })), dailyNetProfit, comparisonDays)
      : null,
    products: productDrivers(data.productMoves, netSalesChange, k, clean),
  });
}
