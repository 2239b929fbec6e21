/**
 * The figures behind the two admin blocks (extensions/product-margin,
 * extensions/order-margin): one call each, one tenant transaction under the request
 * limits, exact money from metrics.ts, display text from app/lib/format.ts (the same
 * text the app's own pages print, so a block and the dashboard never disagree).
 *
 *  - Product: this product's net sales, units, gross profit, margin and cost coverage
 *    over the last 30 local days (the dashboard's "Last 30 days": today included, in
 *    the shop's time zone) and the 30 before, from daily_rollups (the rows the sync
 *    keeps per shop × day × product).
 *  - Order: this order's net sales, COGS and gross profit from the ledger's sales of
 *    that order (every agreement: the order, its edits and its returns), with the
 *    product lines that have no cost counted; its payment fees as the sync recorded
 *    them from Shopify's OrderTransaction.fees (app/profit/payment-fees.server.ts:
 *    signed, a fee given back on a refund negative) and profit after them. A sale or
 *    capture without fee data (a gateway other than Shopify Payments) is estimated
 *    with the merchant's rate for its gateway in force on its local day, as net profit
 *    does (app/profit/net-profit.ts, decision 0013), and labelled an estimate; without
 *    a rate it is named, with its amount, and its fee left out: never guessed.
 *
 * Both answer null for an id this shop does not hold: row level security hides every
 * other shop's rows, so another shop's product or order reads exactly as an unknown
 * one (the route turns null into a 404 either way).
 */
import Big from "big.js";
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import { describeChange, formatCount, formatMoney, formatPercent, pointChange, type ChangeView } from "~/lib/format";
import { applicableExpenses, readExpenses } from "~/profit/expenses.server";
import { rateOn } from "~/profit/net-profit";
import { loadOrderTransactions } from "~/profit/payment-fees.server";
import { readShop } from "~/shops.server";

import { changePercent } from "./change";
import { completeFromDay, formatDay, reachesBeforeHistory } from "./history";
import { computeMetrics, sumComponents, type Components } from "./metrics";
import { compareRange, presetRange, todayIn, type Period } from "./period";

/** One period's figures: exact decimal strings, and the text a block prints. */
export interface BlockFigures {
  netSales: string;
  units: number;
  cogs: string;
  grossProfit: string;
  /** Percent, two decimals; null without costed sales. */
  grossMarginPercent: string | null;
  /** Percent of net sales with a recorded cost; null without net sales. */
  costCoveragePercent: string | null;
  netSalesWithoutCost: string;
  display: { netSales: string; units: string; cogs: string; grossProfit: string; grossMargin: string; costCoverage: string; netSalesWithoutCost: string };
}

export interface ProductBlock {
  productId: string;
  title: string;
  currencyCode: string;
  period: Period;
  previousPeriod: Period;
  current: BlockFigures;
  previous: BlockFigures;
  /**
   * Against the previous 30 days, as the dashboard shows changes (change.ts's rule,
   * format.ts's describeChange; margin in percentage points); null: nothing to compare with.
   */
  changes: { netSales: ChangeView | null; units: ChangeView | null; grossProfit: ChangeView | null; grossMargin: ChangeView | null };
  /** The product's variants we hold, and how many have no cost recorded today. */
  variants: { total: number; withoutCost: number };
  /**
   * The first local day the app's figures are complete when either period reaches
   * before it (no read_all_orders: history.ts); changes are then withheld rather
   * than compared with days the app could not read. Null: both periods are complete.
   */
  completeFrom: { day: string; display: string } | null;
}

export interface OrderPaymentFees {
  /** How many payment transactions (sales, captures, refunds) the app holds for the order. */
  transactions: number;
  /** Shopify's fees of the transactions with fee data, to the cent (signed: fees given back reduce it). */
  actual: string;
  /** The merchant's rates applied to sales/captures without fee data, to the cent. */
  estimated: string;
  /** actual + estimated: the fees profit after fees deducts. */
  amount: string;
  /** Gross profit − amount, from the rounded parts. */
  profitAfterFees: string;
  /** Gateways whose fees were estimated from a rate. */
  estimatedGateways: string[];
  /** Sales/captures without fee data and without a rate: their gateways and what they took in (fees unknown, left out). */
  withoutFeeData: { gateways: string[]; transactions: number; amount: string };
  display: { actual: string; estimated: string; amount: string; profitAfterFees: string; amountWithoutFeeData: string };
}

export interface OrderBlock {
  orderId: string;
  currencyCode: string;
  test: boolean;
  cancelled: boolean;
  figures: BlockFigures;
  /** Null: no payment transaction is recorded for the order (not synced yet, or no payment). */
  paymentFees: OrderPaymentFees | null;
  /** Product lines (line items) with net sales and no recorded cost: their sales count in neither COGS nor profit. */
  uncostedLines: number;
  productLines: number;
}

const cents = (value: Big) => {
  const fixed = value.round(2, Big.roundHalfUp).toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
};

async function readOrderFees(tx: Tx, shop: string, orderId: string, grossProfit: string, currency: string, timeZone: string): Promise<OrderPaymentFees | null> {
  const transactions = await loadOrderTransactions(tx, shop, orderId);
  if (transactions.length === 0) return null;
  const uncovered = transactions.filter((t) => t.fee === null);
  const rates = uncovered.length > 0 ? applicableExpenses(await readExpenses(tx, shop), currency).rates : [];
  let actual = new Big(0);
  let estimated = new Big(0);
  const estimatedGateways = new Set<string>();
  const unrated: typeof transactions = [];
  for (const t of transactions) {
    if (t.fee !== null) {
      actual = actual.plus(t.fee);
      continue;
    }
    // The rate in force on the transaction's local day, as net profit books it.
    const rate = rateOn(rates, t.gateway, todayIn(timeZone, new Date(t.processedAt)));
    if (!rate) {
      unrated.push(t);
      continue;
    }
    estimated = estimated.plus(new Big(t.amount).times(rate.percent).div(100)).plus(rate.fixedAmount);
    estimatedGateways.add(t.gateway);
  }
  const [actualCents, estimatedCents] = [cents(actual), cents(estimated)];
  const amount = cents(new Big(actualCents).plus(estimatedCents));
  const profitAfterFees = cents(new Big(grossProfit).minus(amount));
  const withoutAmount = cents(unrated.reduce((sum, t) => sum.plus(t.amount), new Big(0)));
  return {
    transactions: transactions.length,
    actual: actualCents,
    estimated: estimatedCents,
    amount,
    profitAfterFees,
    estimatedGateways: [...estimatedGateways].sort(),
    withoutFeeData: { gateways: [...new Set(unrated.map((t) => t.gateway))].sort(), transactions: unrated.length, amount: withoutAmount },
    display: {
      actual: formatMoney(actualCents, currency),
      estimated: formatMoney(estimatedCents, currency),
      amount: formatMoney(amount, currency),
      profitAfterFees: formatMoney(profitAfterFees, currency),
      amountWithoutFeeData: formatMoney(withoutAmount, currency),
    },
  };
}

const toFigures = (c: Components, currency: string): BlockFigures => {
  const m = computeMetrics(c);
  const netSalesWithoutCost = m.netSalesWithoutCost ?? "0.00";
  return {
    netSales: m.netSales,
    units: m.units,
    cogs: m.cogs,
    grossProfit: m.grossProfit,
    grossMarginPercent: m.grossMarginPercent,
    costCoveragePercent: m.costCoveragePercent,
    netSalesWithoutCost,
    display: {
      netSales: formatMoney(m.netSales, currency),
      units: formatCount(m.units),
      cogs: formatMoney(m.cogs, currency),
      grossProfit: formatMoney(m.grossProfit, currency),
      grossMargin: formatPercent(m.grossMarginPercent),
      costCoverage: formatPercent(m.costCoveragePercent),
      netSalesWithoutCost: formatMoney(netSalesWithoutCost, currency),
    },
  };
};

type SumRow = Pick<Components, "grossSales" | "discounts" | "returns" | "cogs" | "netSalesWithCost" | "costedFromBackfill" | "units">;

const SUMS = sql.raw(`coalesce(sum(gross_sales), 0)::text as "grossSales", coalesce(sum(discounts), 0)::text as "discounts",
  coalesce(sum(returns), 0)::text as "returns", coalesce(sum(cogs), 0)::text as "cogs",
  coalesce(sum(net_sales_with_cost), 0)::text as "netSalesWithCost",
  coalesce(sum(costed_from_backfill), 0)::text as "costedFromBackfill", coalesce(sum(units), 0)::int as "units"`);

async function productPeriod(tx: Tx, shop: string, productId: string, p: Period): Promise<Components> {
  const [row] = await queryRows<SumRow>(tx, sql`select ${SUMS} from daily_rollups
    where shop_id = ${shop} and product_id = ${productId}::bigint and day between ${p.from}::date and ${p.to}::date`);
  return sumComponents([row ?? {}]);
}

async function readProductBlock(tx: Tx, shop: string, productId: string, now: Date): Promise<ProductBlock | null> {
  const shopRow = await readShop(tx, shop);
  if (!shopRow || shopRow.uninstalledAt) return null;
  const [known] = await queryRows<{ title: string | null; sold: boolean }>(tx, sql`
    select (select title from products where shop_id = ${shop} and product_id = ${productId}::bigint) as title,
      exists (select 1 from daily_rollups where shop_id = ${shop} and product_id = ${productId}::bigint) as sold`);
  if (!known || (known.title === null && !known.sold)) return null;
  const period = presetRange("last30", shopRow.ianaTimezone, now);
  const previousPeriod = compareRange(period, "previous_period")!;
  const currency = shopRow.currencyCode;
  const current = toFigures(await productPeriod(tx, shop, productId, period), currency);
  const previous = toFigures(await productPeriod(tx, shop, productId, previousPeriod), currency);
  const completeFrom = completeFromDay(shopRow.historyFrom, shopRow.ianaTimezone);
  const partial = reachesBeforeHistory(completeFrom, period, previousPeriod);
  const change = (key: string, now: string | number, before: string | number) => (partial ? null : describeChange(changePercent(key, now, before)));
  // A variant's cost today: its inventory item's latest cost row (null or none: no cost).
  const [variants] = await queryRows<{ total: number; withoutCost: number }>(tx, sql`
    select count(*)::int as total, count(*) filter (where c.unit_cost is null)::int as "withoutCost"
    from variants v
    left join lateral (select ch.unit_cost from cost_history ch
      where ch.shop_id = v.shop_id and ch.inventory_item_id = v.inventory_item_id
      order by ch.effective_at desc limit 1) c on true
    where v.shop_id = ${shop} and v.product_id = ${productId}::bigint`);
  return {
    productId,
    title: known.title ?? `Product ${productId}`,
    currencyCode: currency,
    period,
    previousPeriod,
    current,
    previous,
    changes: {
      netSales: change("netSales", current.netSales, previous.netSales),
      units: change("units", current.units, previous.units),
      grossProfit: change("grossProfit", current.grossProfit, previous.grossProfit),
      grossMargin: partial ? null : describeChange(pointChange(current.grossMarginPercent, previous.grossMarginPercent), { unit: "points" }),
    },
    variants: variants ?? { total: 0, withoutCost: 0 },
    completeFrom: partial && completeFrom ? { day: completeFrom, display: formatDay(completeFrom) } : null,
  };
}

/** The product block's figures; null when this shop holds no such product. */
export async function loadProductBlock(shop: string, productId: string, now = new Date()): Promise<ProductBlock | null> {
  return withShop(shop, (tx) => readProductBlock(tx, shop, productId, now), { limits: REQUEST_LIMITS });
}

async function readOrderBlock(tx: Tx, shop: string, orderId: string): Promise<OrderBlock | null> {
  const shopRow = await readShop(tx, shop);
  if (!shopRow || shopRow.uninstalledAt) return null;
  const [order] = await queryRows<{ test: boolean; cancelled: boolean }>(tx, sql`
    select test, cancelled_at is not null as cancelled from orders where shop_id = ${shop} and order_id = ${orderId}::bigint`);
  if (!order) return null;
  // The same sums the rollups take of these sales (app/sync/rollups.server.ts
  // productDaySums): net sales with cost are the sales whose cogs is recorded.
  const [row] = await queryRows<SumRow & { uncostedLines: number; productLines: number }>(tx, sql`
    select coalesce(sum(gross_sales), 0)::text as "grossSales", coalesce(sum(discounts), 0)::text as "discounts",
      coalesce(sum(returns), 0)::text as "returns", coalesce(sum(cogs), 0)::text as "cogs",
      coalesce(sum(gross_sales + discounts + returns) filter (where cogs is not null), 0)::text as "netSalesWithCost",
      coalesce(sum(gross_sales + discounts + returns) filter (where cost_source = 'backfill_current'), 0)::text as "costedFromBackfill",
      coalesce(sum(units), 0)::int as "units",
      count(distinct line_item_id) filter (where line_type = 'PRODUCT' and cogs is null and gross_sales + discounts + returns <> 0)::int as "uncostedLines",
      count(distinct line_item_id) filter (where line_type = 'PRODUCT')::int as "productLines"
    from sales where shop_id = ${shop} and order_id = ${orderId}::bigint`);
  const { uncostedLines = 0, productLines = 0, ...sums } = row ?? {};
  const figures = toFigures(sumComponents([sums]), shopRow.currencyCode);
  return {
    orderId,
    currencyCode: shopRow.currencyCode,
    test: order.test,
    cancelled: order.cancelled,
    figures,
    paymentFees: await readOrderFees(tx, shop, orderId, figures.grossProfit, shopRow.currencyCode, shopRow.ianaTimezone),
    uncostedLines,
    productLines,
  };
}

/** The order block's figures; null when this shop holds no such order. */
export async function loadOrderBlock(shop: string, orderId: string): Promise<OrderBlock | null> {
  return withShop(shop, (tx) => readOrderBlock(tx, shop, orderId), { limits: REQUEST_LIMITS });
}
