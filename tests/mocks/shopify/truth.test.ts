/**
 * Shopify's later-day edit rule, in the truth model: "If you edit an order after
 * the day the order was placed, then the edit displays as a separate order in your
 * reports. Reports display an edited order as a new order, even though a new order
 * hasn't been created." (help.shopify.com/en/manual/fulfillment/managing-orders/
 * editing-orders/considerations, Analytics)
 */
import { describe, expect, it } from "vitest";

import * as live from "./live";
import { formatFixed } from "./money";
import { seedStore } from "./seed";
import { createSimStore } from "./store";
import { truthByDay, truthTotals } from "./truth";

const TZ = "America/New_York";
const D0 = Date.parse("2026-11-10T15:00:00Z"); // 10:00 in New York
const HOUR = 3_600_000;

function scenario() {
  const store = createSimStore({ domain: "edits.myshopify.com", ianaTimezone: TZ, now: () => D0 });
  seedStore(store, { seed: 3, orders: 0, days: 1, end: new Date(D0 - HOUR) });
  const variants = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants);
  const { order } = live.placeOrder(store, { lines: [{ variantId: variants[0]!.id, quantity: 2 }], shipping: null, at: D0 });
  // Same day: an added line (no extra order). Next day: two edits (one extra order).
  // The day after: a removal only (one extra order, worth nothing at creation).
  live.edit(store, order.id, { add: { variantId: variants[1]!.id, quantity: 1 }, at: D0 + 2 * HOUR });
  const nextDay = live.edit(store, order.id, { add: { variantId: variants[2]!.id, quantity: 1 }, at: D0 + 24 * HOUR }).agreement!;
  live.edit(store, order.id, { discount: { lineItemId: order.lineItems[0]!.id, amount: 100 }, at: D0 + 25 * HOUR });
  live.edit(store, order.id, { remove: { lineItemId: order.lineItems[0]!.id, quantity: 1 }, at: D0 + 48 * HOUR });
  return { store, order, nextDay };
}

const period = { from: "2026-11-10", to: "2026-11-12" };

describe("orders edited on a later day", () => {
  it("count as one more order on each later day with an edit (same-day edits add none)", () => {
    const { store } = scenario();
    const days = truthByDay(store, { ...period, laterDayEdits: "separate-order" });
    expect(days.map((d) => [d.day, d.orders])).toEqual([["2026-11-10", 1], ["2026-11-11", 1], ["2026-11-12", 1]]);
    // Without the rule: only the day the order was placed.
    expect(truthByDay(store, { ...period, laterDayEdits: "not-counted" }).map((d) => d.orders)).toEqual([1, 0, 0]);
  });

  it("lower AOV: the edit 'order' is valued at the products it added", () => {
    const { store, order, nextDay } = scenario();
    const atCreation = (sales: typeof nextDay.sales) =>
      sales.filter((s) => s.lineType === "PRODUCT" && s.actionType === "ORDER").reduce((n, s) => n + s.total - s.tax, 0);
    const original = atCreation(order.agreements[0]!.sales);
    const added = atCreation(nextDay.sales);
    expect(added).toBeGreaterThan(0);
    const totals = truthTotals(store, { ...period, laterDayEdits: "separate-order" });
    expect(totals.orders).toBe(3);
    expect(totals.averageOrderValue).toBe(formatFixed(Math.round((original + added) / 3), "USD"));
    // Money is unchanged by the rule: only the count and AOV move.
    const plain = truthTotals(store, { ...period, laterDayEdits: "not-counted" });
    expect(plain.orders).toBe(1);
    expect(plain.averageOrderValue).toBe(formatFixed(original, "USD"));
    expect({ ...totals, orders: 0, averageOrderValue: null }).toEqual({ ...plain, orders: 0, averageOrderValue: null });
  });
});
