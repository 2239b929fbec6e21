/**
 * The one sign convention for change values, on every surface: the dashboard's
 * cards, the saved report's list, the CSV export, the narrative's input (and the
 * prompt that explains it) and the weekly email. docs/decisions/0006.
 *
 *   change % = (size now − size before) / |size before| × 100, two decimals
 *
 *   - "size" is the figure as the merchant reads it. For most figures that is the
 *     signed value itself (net sales can go negative in a month of refunds).
 *   - Discounts and returns are deductions: Shopify's reports store and show them
 *     as negative amounts (net sales = gross sales + discounts + returns), and a
 *     merchant says "returns went up" when more was refunded. Their size is the
 *     amount deducted, |value|, so −$1,135 of returns after −$1,000 is +13.5%.
 *   - So a positive change always means "this figure got bigger", whatever it is.
 *     Whether bigger is good news is a separate fact (`lowerIsBetter`): more cost
 *     of goods, discounts or returns is bad; more of anything else is good.
 *   - null: no change can be computed — the comparison period had nothing for
 *     this figure (before = 0), or had no data at all (`hasComparisonData`).
 *
 * Stored snapshots made before this rule kept the signed change of discounts and
 * returns; every surface therefore recomputes changes from the snapshot's own
 * current and previous figures (`changesOf`) instead of reading stored ones.
 */
import Big from "big.js";

import type { Metrics } from "./metrics";

export const CHANGE_KEYS = [
  "grossSales", "discounts", "returns", "netSales", "totalSales", "grossProfit", "averageOrderValue", "cogs", "units", "orders",
  "paymentFees", "shippingCosts", "customCosts", "netProfit",
] as const satisfies ReadonlyArray<keyof Metrics>;
export type ChangeKey = (typeof CHANGE_KEYS)[number];
export type Changes = Partial<Record<ChangeKey, string | null>>;

/** Stored negative, read as an amount taken off: their size is |value|. */
const DEDUCTIONS: ReadonlySet<string> = new Set<ChangeKey>(["discounts", "returns"]);
/**
 * A rise is bad news for the merchant. The expenses net profit deducts (payment fees,
 * shipping and custom costs) are stored as positive amounts, like COGS: their size is
 * their value, and a rise is bad.
 */
const LOWER_IS_BETTER: ReadonlySet<string> = new Set<ChangeKey>(["cogs", "discounts", "returns", "paymentFees", "shippingCosts", "customCosts"]);

export const isLowerBetter = (key: string): boolean => LOWER_IS_BETTER.has(key);

/** The rule in one sentence, for the CSV header and the narrative prompt. */
export const CHANGE_RULE =
  "A positive change means the figure got bigger than in the comparison period, a negative one that it got smaller; " +
  "discounts and returns are deductions (negative amounts), so for them a positive change means more was discounted or returned. " +
  "Payment fees, shipping costs and custom costs are positive amounts deducted from gross profit to give net profit. " +
  "Bigger cost of goods sold, payment fees, shipping costs, custom costs, discounts or returns is bad news; bigger of anything else is good news. " +
  "An empty change means it cannot be computed (the comparison period had none of it).";

const round2 = (value: Big) => {
  const fixed = value.round(2, Big.roundHalfUp).toFixed(2);
  return fixed === "-0.00" ? "0.00" : fixed;
};

/** One figure's change under the rule above; null when there is nothing to compare with. */
export function changePercent(key: string, current: string | number | null | undefined, previous: string | number | null | undefined): string | null {
  if (current === null || current === undefined || previous === null || previous === undefined) return null;
  const size = (v: string | number) => (DEDUCTIONS.has(key) ? new Big(v).abs() : new Big(v));
  const before = size(previous);
  if (before.eq(0)) return null;
  return round2(size(current).minus(before).div(before.abs()).times(100));
}

/**
 * Whether the comparison period holds any figure at all. A period before the
 * store's first sale, or before the history the app holds, reads as zeros: that is
 * "no data for the comparison period", not a comparison with $0.00.
 */
export function hasComparisonData(previous: Pick<Metrics, "orders" | "units" | "grossSales" | "discounts" | "returns" | "totalSales" | "cogs"> | null | undefined): boolean {
  if (!previous) return false;
  if (previous.orders !== 0 || previous.units !== 0) return true;
  return [previous.grossSales, previous.discounts, previous.returns, previous.totalSales, previous.cogs].some((v) => v !== null && !new Big(v).eq(0));
}

/** Every change of a report under the rule; empty without a comparison, all null when it holds no data. */
export function computeChanges(current: Metrics, previous: Metrics | null | undefined): Changes {
  if (!previous) return {};
  const withData = hasComparisonData(previous);
  return Object.fromEntries(CHANGE_KEYS.map((key) => [key, withData ? changePercent(key, current[key], previous[key]) : null])) as Changes;
}

/** A report's changes, recomputed from its own figures (see the header: old snapshots). */
export const changesOf = (data: { current: Metrics; previous: Metrics | null }): Changes => computeChanges(data.current, data.previous);

/**
 * A change in words for plain-text surfaces (the weekly email): "up 13.5%", "down 2.7%",
 * "unchanged"; null when there is none to tell. Same rule, so "returns up" means more
 * was returned on every surface.
 */
export function changeInWords(change: string | null | undefined): string | null {
  if (change === null || change === undefined) return null;
  const value = new Big(change).round(1, Big.roundHalfEven);
  if (value.eq(0)) return "unchanged";
  return `${value.gt(0) ? "up" : "down"} ${value.abs().toFixed(1)}%`;
}
