/**
 * Report metrics from summed ledger components, exactly as Shopify's Analytics
 * define them (design.md §5). Pure, exact decimals (big.js; never binary floats),
 * shared by the dashboard, exports, saved snapshots and the AI narrative's input.
 *
 *   net sales   = gross sales + discounts + returns        (discounts, returns ≤ 0)
 *   total sales = net sales + shipping + duties + fees + taxes   (tips, gift cards out)
 *   AOV         = (gross − discounts) of orders at creation / orders
 *   net sales   = net sales with cost recorded + net sales without cost recorded
 *   gross profit= net sales with cost recorded − COGS
 *   margin      = gross profit / net sales with cost recorded
 *   coverage    = net sales with cost recorded / net sales
 *
 * The profit lines are Shopify's profit reports' definitions (Help Center, Shopify
 * reports → Profit reports: "Net sales without cost recorded", "Net sales with cost
 * recorded", "Gross profit = net sales with cost recorded − cost of goods sold",
 * "Gross margin = gross profit / net sales with cost recorded"): a sale whose
 * item has no cost counts in net sales but in neither profit nor margin, which is
 * why gross profit ≠ net sales − COGS whenever coverage is below 100%.
 *
 * Orders and AOV when an order is edited on a later day. Shopify's Help Center
 * (Editing orders → Considerations, Analytics): "If you edit an order after the day
 * the order was placed, then the edit displays as a separate order in your reports.
 * Reports display an edited order as a new order, even though a new order hasn't
 * been created." So Shopify's orders count for the edit's day is one higher than
 * the orders placed that day, and its AOV divides by that higher count: the edit
 * "order" brings only the products it added ((gross − discounts) of the edit's
 * ORDER product sales, zero for an edit that only removes or discounts), so AOV
 * falls on such days and over any range that contains them. Money metrics do not
 * move: the edit's sales are counted on its day either way. Rule as modelled
 * (tests/mocks/shopify/truth.ts `laterDayEdits`, truth.test.ts): once per order and
 * later local day with an ORDER_EDIT agreement; a same-day edit adds nothing.
 * daily_orders is built that way by app/sync/rollups.server.ts.
 */
import Big from "big.js";

export interface Components {
  grossSales: string;
  discounts: string;
  returns: string;
  shipping: string;
  duties: string;
  fees: string;
  taxes: string;
  tips: string;
  cogs: string;
  netSalesWithCost: string;
  /** Net sales whose cost is today's cost applied to history (before the first sync). */
  costedFromBackfill: string;
  units: number;
  orders: number;
  /**
   * Σ over orders placed of (gross − discounts) at creation: AOV's numerator
   * (Shopify's later-day edit "orders" would add their added products; see above).
   */
  originalNetProduct: string;
}

export interface Metrics {
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
  shipping: string;
  duties: string;
  fees: string;
  taxes: string;
  tips: string;
  totalSales: string;
  orders: number;
  units: number;
  averageOrderValue: string | null;
  cogs: string;
  /**
   * Net sales of lines with / without a recorded cost: they add up to netSales.
   * Optional only because snapshots saved before they existed lack them.
   */
  netSalesWithCost?: string;
  netSalesWithoutCost?: string;
  grossProfit: string;
  /** Percent with two decimals, e.g. "42.50"; null without costed sales. */
  grossMarginPercent: string | null;
  /** Percent of net sales with a recorded cost; null without net sales. */
  costCoveragePercent: string | null;
  /** Percent of costed net sales whose cost is a backfilled (current) cost. */
  backfilledCostPercent: string | null;
  /*
   * Net profit and the expenses it deducts (app/profit/net-profit.ts, decision 0011):
   * net profit = gross profit − payment fees − shipping costs − custom costs, from the
   * parts rounded to the cent. Costs are positive amounts (like COGS). Optional only
   * because snapshots saved before net profit existed lack them.
   */
  /** Shopify's fees (actual) + the merchant's rate on transactions without fee data (estimated). */
  paymentFees?: string;
  paymentFeesActual?: string;
  /** An estimate: the merchant's per-gateway rate applied to transactions Shopify gave no fee for. */
  paymentFeesEstimated?: string;
  /** Transactions with no fee data and no rate for their gateway: fees unknown, counted as 0. */
  unratedTransactions?: number;
  /** From the merchant's shipping cost rules (Shopify's API does not expose label costs). */
  shippingCosts?: string;
  /** The merchant's recurring and one-off costs, spread per day. */
  customCosts?: string;
  netProfit?: string;
}

const MONEY_DP = 2;
const money = (value: Big) => {
  // Half away from zero at the cent, as shop currencies are displayed.
  const fixed = value.round(MONEY_DP, Big.roundHalfUp).toFixed(MONEY_DP);
  return fixed === "-0.00" ? "0.00" : fixed;
};
const percent = (part: Big, whole: Big) => (whole.eq(0) ? null : money(part.div(whole).times(100)));

export const emptyComponents = (): Components => ({
  grossSales: "0", discounts: "0", returns: "0", shipping: "0", duties: "0", fees: "0", taxes: "0", tips: "0",
  cogs: "0", netSalesWithCost: "0", costedFromBackfill: "0", units: 0, orders: 0, originalNetProduct: "0",
});

const MONEY_KEYS = [
  "grossSales", "discounts", "returns", "shipping", "duties", "fees", "taxes", "tips", "cogs", "netSalesWithCost",
  "costedFromBackfill", "originalNetProduct",
] as const;

/*
 * A hot path in exact integers: the ledger's amounts are numeric(20,4), so a sum of
 * them is a whole number of ten-thousandths. BigInt adds those ~50× faster than
 * big.js, which matters for a 5-year series (1,826 days × 12 amounts). Anything
 * with more decimals falls back to big.js.
 */
const FIXED = /^(-?)(\d+)(?:\.(\d{1,4}))?$/;
const toUnits = (value: string | undefined): bigint | null => {
  const m = FIXED.exec(value ?? "0");
  if (!m) return null;
  const units = BigInt(m[2]! + (m[3] ?? "").padEnd(4, "0"));
  return m[1] ? -units : units;
};
const unitsToFixed = (units: bigint, dp: 2 | 4): string => {
  const abs = units < 0n ? -units : units;
  const scale = dp === 4 ? 10_000n : 100n;
  const frac = (abs % scale).toString().padStart(dp, "0");
  return `${units < 0n && abs !== 0n ? "-" : ""}${abs / scale}.${frac}`;
};
/** Ten-thousandths to cents, half away from zero: what money() does. */
const toCents = (units: bigint): bigint => {
  const cents = ((units < 0n ? -units : units) + 50n) / 100n;
  return units < 0n ? -cents : cents;
};
const unitsToMoney = (units: bigint): string => unitsToFixed(toCents(units), 2);

/** Adds component rows (e.g. days) exactly. */
export function sumComponents(rows: Iterable<Partial<Components>>): Components {
  const list = [...rows];
  const fast = sumInUnits(list);
  if (fast) return fast;
  const totals = Object.fromEntries(MONEY_KEYS.map((k) => [k, new Big(0)])) as Record<(typeof MONEY_KEYS)[number], Big>;
  let units = 0;
  let orders = 0;
  for (const row of list) {
    for (const key of MONEY_KEYS) totals[key] = totals[key].plus(row[key] ?? "0");
    units += row.units ?? 0;
    orders += row.orders ?? 0;
  }
  const out = emptyComponents();
  for (const key of MONEY_KEYS) out[key] = totals[key].toFixed(4);
  return { ...out, units, orders };
}

function sumInUnits(rows: readonly Partial<Components>[]): Components | null {
  const totals = MONEY_KEYS.map(() => 0n);
  let units = 0;
  let orders = 0;
  for (const row of rows) {
    for (let i = 0; i < MONEY_KEYS.length; i++) {
      const value = toUnits(row[MONEY_KEYS[i]!]);
      if (value === null) return null;
      totals[i]! += value;
    }
    units += row.units ?? 0;
    orders += row.orders ?? 0;
  }
  const out = emptyComponents();
  MONEY_KEYS.forEach((key, i) => (out[key] = unitsToFixed(totals[i]!, 4)));
  return { ...out, units, orders };
}

/** One point of the daily series: computeMetrics' netSales, totalSales and grossProfit, and orders. */
export function seriesPoint(c: Components): Pick<Metrics, "netSales" | "totalSales" | "grossProfit" | "orders"> {
  const [gross, discounts, returns, shipping, duties, fees, taxes, withCost, cogs] =
    [c.grossSales, c.discounts, c.returns, c.shipping, c.duties, c.fees, c.taxes, c.netSalesWithCost, c.cogs].map(toUnits);
  if ([gross, discounts, returns, shipping, duties, fees, taxes, withCost, cogs].some((v) => v === null)) {
    const m = computeMetrics(c);
    return { netSales: m.netSales, totalSales: m.totalSales, grossProfit: m.grossProfit, orders: m.orders };
  }
  const net = gross! + discounts! + returns!;
  return {
    netSales: unitsToMoney(net),
    totalSales: unitsToMoney(net + shipping! + duties! + fees! + taxes!),
    grossProfit: unitsToFixed(toCents(withCost!) - toCents(cogs!), 2),
    orders: c.orders,
  };
}

export function computeMetrics(c: Components): Metrics {
  const gross = new Big(c.grossSales);
  const net = gross.plus(c.discounts).plus(c.returns);
  const total = net.plus(c.shipping).plus(c.duties).plus(c.fees).plus(c.taxes);
  // Profit and margin from the rounded parts a merchant sees, so that the row reads
  // "with cost − COGS = gross profit" to the cent (exact 4-decimal sums can differ
  // from their rounded parts by a cent).
  const netWithCost = new Big(money(new Big(c.netSalesWithCost)));
  const profit = netWithCost.minus(money(new Big(c.cogs)));
  return {
    grossSales: money(gross),
    discounts: money(new Big(c.discounts)),
    returns: money(new Big(c.returns)),
    netSales: money(net),
    shipping: money(new Big(c.shipping)),
    duties: money(new Big(c.duties)),
    fees: money(new Big(c.fees)),
    taxes: money(new Big(c.taxes)),
    tips: money(new Big(c.tips)),
    totalSales: money(total),
    orders: c.orders,
    units: c.units,
    averageOrderValue: c.orders > 0 ? money(new Big(c.originalNetProduct).div(c.orders)) : null,
    cogs: money(new Big(c.cogs)),
    netSalesWithCost: money(netWithCost),
    // From the rounded parts, so the two always add up to the rounded net sales shown.
    netSalesWithoutCost: new Big(money(net)).minus(money(netWithCost)).toFixed(MONEY_DP).replace(/^-0\.00$/, "0.00"),
    grossProfit: money(profit),
    grossMarginPercent: percent(profit, netWithCost),
    costCoveragePercent: percent(netWithCost, net),
    backfilledCostPercent: percent(new Big(c.costedFromBackfill), netWithCost),
  };
}

/** Change from the previous period in percent (two decimals); null when it had nothing. */
export function percentChange(current: string | number | null, previous: string | number | null): string | null {
  if (current === null || previous === null) return null;
  const before = new Big(previous);
  if (before.eq(0)) return null;
  return money(new Big(current).minus(before).div(before.abs()).times(100));
}
