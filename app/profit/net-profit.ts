/**
 * Net profit from gross profit and the merchant's expenses, per local day and in
 * total. Pure and exact (big.js and integer ten-thousandths; never binary floats).
 * docs/decisions/0013-net-profit-and-expenses.md states every rule below and why.
 *
 *   payment fees = actual fees (Shopify's, on the transaction's day)
 *                + estimated fees (a merchant's rate, only on transactions without fee data)
 *   net profit   = gross profit − payment fees − shipping costs − custom costs
 *
 * Days are the shop's local calendar days ("2026-03-08"), as the rollups book sales:
 * a day is one share whatever its length (a 23- or 25-hour DST day is still one day of
 * a month's spread), and expense dates are calendar dates, so a time-zone change moves
 * sales between days (the rollups are rebuilt) but never moves an expense.
 *
 * Rounding (decision 0009): sums stay exact; each shown figure is rounded once, half
 * away from zero at the cent, and net profit is computed from the rounded parts a
 * merchant sees, so "gross profit − fees − shipping − custom = net profit" adds up
 * to the cent on every row.
 */
import Big from "big.js";

/** A gateway's fee rate as the merchant entered it, in force from `effectiveFrom` until the next one. */
export interface FeeRate {
  gateway: string;
  /** Percent of the transaction amount, e.g. "2.9". */
  percent: string;
  /** Per transaction, shop currency. */
  fixedAmount: string;
  effectiveFrom: string;
}

export type ShippingRuleKind = "per_order" | "per_item" | "per_method_order";
export interface ShippingRule {
  kind: ShippingRuleKind;
  /** The shipping line's method, for per_method_order. */
  method: string | null;
  amount: string;
  effectiveFrom: string;
  /** Inclusive; null: open-ended. */
  effectiveTo: string | null;
}

export type CustomCostKind = "monthly" | "one_off";
export interface CustomCost {
  kind: CustomCostKind;
  amount: string;
  startsOn: string;
  /** Inclusive. monthly: last day charged (null: no end); one_off: end of its spread (null: on startsOn alone). */
  endsOn: string | null;
}

/** profit-data's per-day fee rows (app/profit/payment-fees.server.ts), as this module reads them. */
export interface FeeDay {
  day: string;
  gateway: string;
  fees: string;
  feeTransactions: number;
  uncoveredAmount: string;
  uncoveredTransactions: number;
}

/** profit-data's per-day shipping rows (app/profit/shipping-volume.server.ts). */
export interface ShippingVolumeDay {
  day: string;
  method: string;
  orders: number;
  units: number;
}

/** One day's (or a period's) expenses, exact (not rounded). */
export interface Expenses {
  actualFees: string;
  estimatedFees: string;
  /** Transactions with no fee data from Shopify and no rate for their gateway: their fees are unknown (counted as 0). */
  unratedTransactions: number;
  shippingCosts: string;
  customCosts: string;
}

/** What a report shows beside gross profit (all money rounded to the cent). */
export interface NetProfitFigures {
  /** paymentFeesActual + paymentFeesEstimated. */
  paymentFees: string;
  paymentFeesActual: string;
  /** From the merchant's rates, on transactions Shopify gave no fee for. An estimate. */
  paymentFeesEstimated: string;
  unratedTransactions: number;
  /** From the merchant's shipping rules. */
  shippingCosts: string;
  customCosts: string;
  netProfit: string;
}

export const emptyExpenses = (): Expenses => ({ actualFees: "0", estimatedFees: "0", unratedTransactions: 0, shippingCosts: "0", customCosts: "0" });

const DAY_MS = 86_400_000;
const toUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((toUtc(to) - toUtc(from)) / DAY_MS) + 1;
const daysInMonth = (day: string) => {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
};
/** Names as merchants type them and as Shopify records them differ in case and spacing only. */
export const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * An amount spread evenly over `n` days, exactly: day `i` (0-based) gets
 * floor((i+1)·A/n) − floor(i·A/n) ten-thousandths, so the n shares add up to A to
 * the ten-thousandth and differ by at most one ten-thousandth ($100 over 3 days:
 * 33.3333, 33.3333, 33.3334).
 */
export function shareOfSpread(amount: string, n: number, i: number): string {
  if (n < 1 || i < 0 || i >= n) throw new RangeError(`day ${i} of a ${n}-day spread`);
  const units = BigInt(new Big(amount).times(10_000).round(0, Big.roundHalfUp).toFixed(0));
  const N = BigInt(n);
  const floorDiv = (a: bigint) => (a >= 0n ? a / N : -((-a + N - 1n) / N));
  const share = floorDiv(BigInt(i + 1) * units) - floorDiv(BigInt(i) * units);
  return new Big(share.toString()).div(10_000).toFixed(4);
}

/** What a custom cost charges on `day` (exact, 4 decimals). */
export function customCostOn(cost: CustomCost, day: string): string {
  if (day < cost.startsOn) return "0.0000";
  if (cost.kind === "monthly") {
    if (cost.endsOn !== null && day > cost.endsOn) return "0.0000";
    // The month's amount over the month's calendar days; days before the start or
    // after the end of the cost are simply not charged (a cost starting mid-month
    // charges that month's remaining days' shares only).
    const n = daysInMonth(day);
    return shareOfSpread(cost.amount, n, Number(day.slice(8, 10)) - 1);
  }
  const end = cost.endsOn ?? cost.startsOn;
  if (day > end) return "0.0000";
  return shareOfSpread(cost.amount, daysBetween(cost.startsOn, end), daysBetween(cost.startsOn, day) - 1);
}

/** The rate in force for a gateway on a day: the latest whose effectiveFrom is on or before it. */
export function rateOn(rates: readonly FeeRate[], gateway: string, day: string): FeeRate | null {
  let best: FeeRate | null = null;
  for (const r of rates) {
    if (!sameName(r.gateway, gateway) || r.effectiveFrom > day) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
  }
  return best;
}

const inForce = (rule: ShippingRule, day: string) => rule.effectiveFrom <= day && (rule.effectiveTo === null || day <= rule.effectiveTo);

/** What the shipping rules charge on a day, from that day's orders and units per method. */
export function shippingCostOn(rules: readonly ShippingRule[], volume: readonly ShippingVolumeDay[], day: string): Big {
  let total = new Big(0);
  const today = volume.filter((v) => v.day === day);
  if (today.length === 0) return total;
  const orders = today.reduce((n, v) => n + v.orders, 0);
  const units = today.reduce((n, v) => n + v.units, 0);
  for (const rule of rules) {
    if (!inForce(rule, day)) continue;
    if (rule.kind === "per_order") total = total.plus(new Big(rule.amount).times(orders));
    else if (rule.kind === "per_item") total = total.plus(new Big(rule.amount).times(units));
    else {
      const byMethod = today.filter((v) => rule.method !== null && sameName(v.method, rule.method)).reduce((n, v) => n + v.orders, 0);
      total = total.plus(new Big(rule.amount).times(byMethod));
    }
  }
  return total;
}

export interface ExpenseSources {
  feeDays: readonly FeeDay[];
  shippingDays: readonly ShippingVolumeDay[];
  rates: readonly FeeRate[];
  rules: readonly ShippingRule[];
  costs: readonly CustomCost[];
}

/** Every listed day's expenses (days without any expense get zeros). */
export function expensesByDay(days: readonly string[], sources: ExpenseSources): Map<string, Expenses> {
  const out = new Map<string, Expenses>();
  const feesByDay = groupBy(sources.feeDays, (f) => f.day);
  const shippingByDay = groupBy(sources.shippingDays, (s) => s.day);
  for (const day of days) {
    let actual = new Big(0);
    let estimated = new Big(0);
    let unrated = 0;
    for (const f of feesByDay.get(day) ?? []) {
      actual = actual.plus(f.fees);
      if (f.uncoveredTransactions === 0 && new Big(f.uncoveredAmount).eq(0)) continue;
      const rate = rateOn(sources.rates, f.gateway, day);
      if (!rate) {
        unrated += f.uncoveredTransactions;
        continue;
      }
      // percent of the (signed) amount + the fixed part per transaction.
      estimated = estimated.plus(new Big(f.uncoveredAmount).times(rate.percent).div(100)).plus(new Big(rate.fixedAmount).times(f.uncoveredTransactions));
    }
    let custom = new Big(0);
    for (const c of sources.costs) custom = custom.plus(customCostOn(c, day));
    out.set(day, {
      actualFees: actual.toFixed(),
      estimatedFees: estimated.toFixed(),
      unratedTransactions: unrated,
      shippingCosts: shippingCostOn(sources.rules, shippingByDay.get(day) ?? [], day).toFixed(),
      customCosts: custom.toFixed(),
    });
  }
  return out;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

/** Adds days' expenses exactly. */
export function sumExpenses(rows: Iterable<Expenses>): Expenses {
  let actual = new Big(0), estimated = new Big(0), shipping = new Big(0), custom = new Big(0);
  let unrated = 0;
  for (const r of rows) {
    actual = actual.plus(r.actualFees);
    estimated = estimated.plus(r.estimatedFees);
    shipping = shipping.plus(r.shippingCosts);
    custom = custom.plus(r.customCosts);
    unrated += r.unratedTransactions;
  }
  return { actualFees: actual.toFixed(), estimatedFees: estimated.toFixed(), unratedTransactions: unrated, shippingCosts: shipping.toFixed(), customCosts: custom.toFixed() };
}

/** Half away from zero at the cent, never "-0.00" (decision 0009). */
export const toCents = (value: Big.BigSource): string => {
  const fixed = new Big(value).round(2, Big.roundHalfUp).toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
};

/** The figures shown beside a gross profit (already rounded to the cent, as metrics.ts shows it). */
export function netProfitFigures(grossProfit: string, e: Expenses): NetProfitFigures {
  const actual = toCents(e.actualFees);
  const estimated = toCents(e.estimatedFees);
  const paymentFees = toCents(new Big(actual).plus(estimated));
  const shippingCosts = toCents(e.shippingCosts);
  const customCosts = toCents(e.customCosts);
  return {
    paymentFees,
    paymentFeesActual: actual,
    paymentFeesEstimated: estimated,
    unratedTransactions: e.unratedTransactions,
    shippingCosts,
    customCosts,
    netProfit: toCents(new Big(grossProfit).minus(paymentFees).minus(shippingCosts).minus(customCosts)),
  };
}

/** Whether a merchant's estimate went into the figure (the cards' "estimate" marker). */
export const includesEstimate = (f: Partial<Pick<NetProfitFigures, "paymentFeesEstimated">>): boolean =>
  f.paymentFeesEstimated !== undefined && !new Big(f.paymentFeesEstimated).eq(0);

/** Every day from `from` to `to`, inclusive. */
export function eachDayOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = toUtc(from); t <= toUtc(to); t += DAY_MS) out.push(fromUtc(t));
  return out;
}
