import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import { chargedLine, generateOrders, remainingByTarget, seedStore, type GenerateOptions } from "./seed";
import * as live from "./live";
import { createSimStore, type SimOrder, type SimStore } from "./store";
import { localDayKey, localDayStart, addDays } from "./time";
import { truthByDay, truthByProduct, truthTotals } from "./truth";
import { formatDecimal, formatFixed, mulDiv, parseMinor } from "./money";

const END = new Date("2026-03-31T16:00:00Z");
/** 60 New York days ending 2026-03-31: includes the 2026-03-08 spring-forward day (23 h). */
const BASE = { seed: 42, orders: 5000, days: 60, end: END } as const;

const CLOCK = () => END.getTime();

function seeded(options: Partial<Omit<GenerateOptions, "timezone" | "currencyCode">> = {}, store?: SimStore) {
  const s = store ?? createSimStore({ domain: "seeded-shop.myshopify.com", now: CLOCK });
  const result = seedStore(s, { ...BASE, ...options });
  return { store: s, result };
}

const PII = /@|email|phone|address|firstName|lastName/i;
const sales = (order: SimOrder) => order.agreements.flatMap((a) => a.sales);

describe("money", () => {
  it("formats like Shopify's GraphQL Decimal and like REST", () => {
    expect(formatDecimal(1000, "USD")).toBe("10.0");
    expect(formatDecimal(1250, "USD")).toBe("12.5");
    expect(formatDecimal(1999, "USD")).toBe("19.99");
    expect(formatDecimal(-300, "USD")).toBe("-3.0");
    expect(formatDecimal(0, "USD")).toBe("0.0");
    expect(formatDecimal(-5, "USD")).toBe("-0.05");
    expect(formatDecimal(1500, "JPY")).toBe("1500.0");
    expect(formatFixed(1250, "USD")).toBe("12.50");
    expect(formatFixed(-5, "EUR")).toBe("-0.05");
    expect(parseMinor("12.5", "USD")).toBe(1250);
    expect(parseMinor("-0.05", "USD")).toBe(-5);
    expect(() => parseMinor("1.005", "USD")).toThrow();
    expect(mulDiv(5, 1, 2)).toBe(3);
    expect(mulDiv(-5, 1, 2)).toBe(-3);
  });

  it("splits tax-inclusive and tax-exclusive lines so price excl. tax = total - tax + discountBefore", () => {
    const ex = chargedLine(2999, 2, 600, 88_750, false);
    expect(ex).toEqual({ total: 5398 + 479, discountBefore: 600, discountAfter: 600 + 53, tax: 479 });
    const inc = chargedLine(1200, 1, 240, 200_000, true);
    // 12.00 incl. 20 % VAT, 2.40 off: pays 9.60 of which 1.60 tax; 10.00 gross, 2.00 discount before tax.
    expect(inc).toEqual({ total: 960, discountBefore: 200, discountAfter: 240, tax: 160 });
    expect(inc.total - inc.tax + inc.discountBefore).toBe(1000);
    expect(chargedLine(1200, 1, 0, 200_000, true).discountBefore).toBe(0);
  });
});

describe("time", () => {
  it("finds DST-correct local days", () => {
    const tz = "America/New_York";
    const start = localDayStart("2026-03-08", tz);
    expect(new Date(start).toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(localDayStart("2026-03-09", tz) - start).toBe(23 * 3600 * 1000);
    expect(localDayStart("2026-11-02", tz) - localDayStart("2026-11-01", tz)).toBe(25 * 3600 * 1000);
    expect(localDayKey(start - 1, tz)).toBe("2026-03-07");
    expect(localDayKey(start, tz)).toBe("2026-03-08");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });
});

describe("seedStore", () => {
  // How long it takes is a benchmark's figure, not an assertion (seconds on a busy 2-core machine).
  it("generates 5,000 orders", () => {
    const { result } = seeded();
    expect(result.orders).toBe(5000);
  });

  it("is deterministic: same seed, same store; another seed, another store", () => {
    const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");
    const a = seeded().store;
    const b = seeded().store;
    expect(digest(b)).toBe(digest(a));
    const c = seeded({ seed: 43 }).store;
    expect(digest(c.orders)).not.toBe(digest(a.orders));
    expect(digest(c.products)).not.toBe(digest(a.products));
  });

  it("streams the same orders through generateOrders without a store", () => {
    const fresh = createSimStore({ domain: "seeded-shop.myshopify.com", now: CLOCK });
    const startId = fresh.nextId;
    const { store } = seeded({ orders: 800 }, fresh);
    const streamed = [
      ...generateOrders({ ...BASE, orders: 800, timezone: store.shop.ianaTimezone, currencyCode: "USD", ids: { nextId: startId, nextOrderNumber: 1001 } }),
    ];
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(store.orders));
  });

  it("produces the shop mix the brief asks for", () => {
    const { store, result } = seeded();
    const orders = store.orders;
    const share = (predicate: (o: SimOrder) => boolean) => orders.filter(predicate).length / orders.length;
    const near = (value: number, target: number) => expect(Math.abs(value - target), `${value} vs ${target}`).toBeLessThan(Math.max(0.015, target * 0.45));

    near(share((o) => sales(o).some((s) => s.lineType === "PRODUCT" && s.actionType === "ORDER" && s.discountBefore > 0)), 0.3);
    near(share((o) => o.shippingLines.length > 0), 0.82);
    near(share((o) => o.refunds.some((r) => !r.cancellation)), 0.07);
    near(share((o) => o.cancelledAt !== null), 0.03);
    near(share((o) => o.agreements.some((a) => a.__typename === "OrderEditAgreement")), 0.03);
    near(share((o) => o.lineItems.some((l) => l.kind === "gift_card")), 0.02);
    near(share((o) => o.test), 0.01);
    near(share((o) => o.presentmentCurrencyCode !== "USD"), 0.1);
    expect(share((o) => o.lineItems.some((l) => l.kind === "tip"))).toBeGreaterThan(0.01);
    expect(share((o) => o.processedAt < o.createdAt)).toBeGreaterThan(0);

    // 1-4 product lines when placed (edits may add more later).
    const lineCounts = orders.map((o) => o.agreements[0]!.sales.filter((s) => s.lineType === "PRODUCT").length);
    expect(Math.max(...lineCounts)).toBe(4);
    expect(Math.min(...lineCounts.filter((n) => n > 0))).toBe(1);
    // Gift-card-only orders have no product lines and no shipping.
    expect(orders.some((o) => o.lineItems.length > 0 && o.lineItems.every((l) => l.kind === "gift_card") && o.shippingLines.length === 0)).toBe(true);

    const kinds = new Set(orders.flatMap((o) => sales(o).map((s) => `${s.__typename}:${s.actionType}`)));
    for (const k of [
      "ProductSale:ORDER",
      "ProductSale:RETURN",
      "ProductSale:UPDATE",
      "ShippingLineSale:ORDER",
      "ShippingLineSale:RETURN",
      "GiftCardSale:ORDER",
      "TipSale:ORDER",
      "DutySale:ORDER",
      "AdditionalFeeSale:ORDER",
      "AdjustmentSale:RETURN",
      "FeeSale:ORDER",
    ]) {
      expect(kinds, k).toContain(k);
    }
    const reasons = new Set(orders.flatMap((o) => o.agreements.map((a) => `${a.__typename}:${a.reason}`)));
    expect([...reasons].sort()).toEqual(["OrderAgreement:ORDER", "OrderEditAgreement:ORDER_EDIT", "RefundAgreement:REFUND", "ReturnAgreement:RETURN"]);

    // Partial refunds (some units of a line) and shipping-only refunds both occur.
    expect(orders.some((o) => o.agreements.some((a) => a.reason === "REFUND" && a.sales.length > 0 && a.sales.every((s) => s.lineType === "SHIPPING")))).toBe(true);
    expect(
      orders.some((o) => o.agreements.some((a) => a.__typename !== "OrderEditAgreement" && a.sales.some((s) => s.actionType === "RETURN" && s.lineItemId && (remainingByTarget(o).get(s.lineItemId)?.quantity ?? 0) > 0))),
    ).toBe(true);

    const variants = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants);
    const noCost = variants.filter((v) => v.inventoryItem.costHistory[0]!.cost === null).length / variants.length;
    expect(noCost).toBeGreaterThan(0.02);
    expect(noCost).toBeLessThan(0.3);
    expect(variants.some((v) => v.inventoryItem.costHistory.length > 1)).toBe(true);
    expect(result.from).toBe("2026-01-31");
    expect(result.to).toBe("2026-03-31");
  });

  it("spreads orders over the shop's local days, the 23-hour DST day and midnight edges included", () => {
    const { store } = seeded();
    const tz = store.shop.ianaTimezone;
    const byDay = new Map<string, number>();
    for (const o of store.orders) byDay.set(localDayKey(o.createdAt, tz), (byDay.get(localDayKey(o.createdAt, tz)) ?? 0) + 1);
    expect(byDay.size).toBe(60);
    expect(byDay.get("2026-03-08")).toBeGreaterThan(20);
    // Orders within 90 s of a local midnight exist, on both sides.
    const secondsIntoDay = store.orders.map((o) => (Date.parse(o.createdAt) - localDayStart(localDayKey(o.createdAt, tz), tz)) / 1000);
    expect(secondsIntoDay.some((s) => s <= 90)).toBe(true);
    expect(store.orders.some((o) => localDayStart(addDays(localDayKey(o.createdAt, tz), 1), tz) - Date.parse(o.createdAt) <= 90_000)).toBe(true);
    // Nothing after `end`, nothing before the first day.
    const first = localDayStart("2026-01-31", tz);
    for (const o of store.orders) {
      expect(Date.parse(o.createdAt)).toBeGreaterThanOrEqual(first);
      for (const a of o.agreements) expect(Date.parse(a.happenedAt)).toBeLessThanOrEqual(END.getTime());
    }
  });

  it("keeps every order's ledger consistent", () => {
    const { store } = seeded();
    const ids = new Set<string>();
    const track = (id: string) => {
      expect(id).toMatch(/^gid:\/\/shopify\/[A-Za-z]+\/\d+$/);
      expect(ids.has(id), id).toBe(false);
      ids.add(id);
    };
    for (const p of store.products) {
      track(p.id);
      for (const v of p.variants) {
        track(v.id);
        track(v.inventoryItem.id);
      }
    }
    for (const order of store.orders) {
      track(order.id);
      order.lineItems.forEach((l) => track(l.id));
      const [first, ...later] = order.agreements;
      expect(first?.__typename).toBe("OrderAgreement");
      expect(first?.happenedAt).toBe(order.processedAt);
      for (const a of order.agreements) {
        track(a.id);
        a.sales.forEach((s) => track(s.id));
      }
      for (const a of later) expect(a.happenedAt >= order.processedAt).toBe(true);
      expect(order.updatedAt >= order.createdAt).toBe(true);

      for (const s of sales(order)) {
        const gross = s.total - s.tax + s.discountBefore;
        if (s.actionType === "RETURN" && s.lineType !== "ADJUSTMENT") {
          expect(s.total).toBeLessThanOrEqual(0);
          expect(s.tax).toBeLessThanOrEqual(0);
          expect(gross).toBeLessThanOrEqual(0);
          if (s.quantity !== null) expect(s.quantity).toBeLessThan(0);
        } else if (s.actionType === "UPDATE") {
          expect(s.quantity).toBe(0);
          expect(gross).toBe(0);
        } else {
          expect(s.total).toBeGreaterThanOrEqual(0);
          expect(gross).toBeGreaterThanOrEqual(0);
          if (s.quantity !== null) expect(s.quantity).toBeGreaterThan(0);
        }
        // An ORDER product sale carries exactly price x quantity before discounts (tax-exclusive shop).
        if (s.lineType === "PRODUCT" && s.actionType === "ORDER") {
          const line = order.lineItems.find((l) => l.id === s.lineItemId)!;
          expect(gross).toBe(line.originalUnitPrice * line.quantity);
          expect(s.discountAfter).toBeGreaterThanOrEqual(s.discountBefore);
        }
      }
      // Returns never exceed what was sold, in units or money, line by line.
      for (const [, left] of remainingByTarget(order)) {
        expect(left.quantity).toBeGreaterThanOrEqual(0);
        expect(left.total).toBeGreaterThanOrEqual(0);
        expect(left.tax).toBeGreaterThanOrEqual(0);
        expect(left.total - left.tax + left.discountBefore).toBeGreaterThanOrEqual(0);
      }
      // A cancelled order has nothing left charged.
      if (order.cancelledAt) {
        for (const [, left] of remainingByTarget(order)) {
          expect(left.quantity).toBe(0);
          expect(left.total).toBe(0);
        }
        const cancelRefund = order.refunds.find((r) => r.cancellation);
        if (cancelRefund) expect(cancelRefund.processedAt).toBe(order.cancelledAt);
      }
    }
  });

  it("holds no personal data anywhere (store, and the webhooks about it)", () => {
    const { store } = seeded();
    expect(JSON.stringify(store)).not.toMatch(PII);
    const order = store.orders.find((o) => o.refunds.length > 0)!;
    const payloads = [
      live.orderPayload(store, order),
      live.refundPayload(store, order, order.agreements.find((a) => a.id === order.refunds[0]!.agreementId)!),
      live.productPayload(store, store.products[0]!),
      live.inventoryItemPayload(store, store.products[0]!.variants[0]!.inventoryItem),
    ];
    expect(JSON.stringify(payloads)).not.toMatch(PII);
  });

  it("works for tax-inclusive, non-USD shops", () => {
    const store = createSimStore({ domain: "berlin-shop.myshopify.com", currencyCode: "EUR", ianaTimezone: "Europe/Berlin" });
    seedStore(store, { ...BASE, orders: 1500, taxInclusive: true });
    expect(store.shop.taxesIncluded).toBe(true);
    for (const order of store.orders) {
      expect(order.taxesIncluded).toBe(true);
      for (const s of order.agreements[0]!.sales) {
        if (s.lineType !== "PRODUCT") continue;
        const line = order.lineItems.find((l) => l.id === s.lineItemId)!;
        // The paid amount includes the tax; the discount after taxes is the price-level discount.
        expect(s.total + s.discountAfter).toBe(line.originalUnitPrice * line.quantity);
        const grossExcl = s.total - s.tax + s.discountBefore;
        expect(Math.abs(grossExcl - mulDiv(line.originalUnitPrice * line.quantity, 1_000_000, 1_000_000 + order.taxRatePpm))).toBeLessThanOrEqual(1);
      }
    }
    expect(store.orders.some((o) => o.presentmentCurrencyCode === "GBP" || o.presentmentCurrencyCode === "JPY" || o.presentmentCurrencyCode === "CAD")).toBe(true);
  });
});

describe("truth", () => {
  it("adds up: days sum to totals, net and total sales follow Shopify's formulas, products sum to the totals", () => {
    const { store, result } = seeded();
    const range = { from: result.from, to: result.to };
    const days = truthByDay(store, range);
    const totals = truthTotals(store, range);
    expect(days).toHaveLength(60);
    const sum = (key: "grossSales" | "discounts" | "returns" | "netSales" | "shipping" | "taxes" | "totalSales" | "tips") =>
      formatFixed(days.reduce((a, d) => a + parseMinor(d[key], "USD"), 0), "USD");
    for (const key of ["grossSales", "discounts", "returns", "netSales", "shipping", "taxes", "totalSales", "tips"] as const) {
      expect(sum(key), key).toBe(totals[key]);
    }
    expect(days.reduce((a, d) => a + d.orders, 0)).toBe(totals.orders);
    const m = (v: string) => parseMinor(v, "USD");
    for (const row of [...days, totals]) {
      expect(m(row.netSales)).toBe(m(row.grossSales) + m(row.discounts) + m(row.returns));
      expect(m(row.totalSales)).toBe(m(row.netSales) + m(row.shipping) + m(row.duties) + m(row.fees) + m(row.taxes));
      expect(m(row.discounts)).toBeLessThanOrEqual(0);
      expect(m(row.returns)).toBeLessThanOrEqual(0);
    }
    // Test orders are not counted (and, with later-day edits left out, each order counts once).
    expect(truthTotals(store, { ...range, laterDayEdits: "not-counted" }).orders).toBe(store.orders.filter((o) => !o.test).length);
    expect(totals.orders).toBeGreaterThanOrEqual(store.orders.filter((o) => !o.test).length);

    const products = truthByProduct(store, range);
    expect(formatFixed(products.reduce((a, p) => a + m(p.grossSales), 0), "USD")).toBe(totals.grossSales);
    // Refund discrepancies (adjustments) belong to no product.
    expect(formatFixed(products.reduce((a, p) => a + m(p.netSales), 0), "USD")).toBe(formatFixed(m(totals.netSales) - m(totals.adjustments), "USD"));
    expect(products.reduce((a, p) => a + p.units, 0)).toBe(totals.units);
    expect(products[0]!.title).toBeTruthy();
    expect(m(products[0]!.netSales)).toBeGreaterThanOrEqual(m(products[1]!.netSales));
  });

  it("puts a later cancellation on the cancel day, nets it to zero over both days, and ignores gift cards and test orders", () => {
    const store = createSimStore({ domain: "cancel-shop.myshopify.com", now: () => Date.parse("2026-03-10T15:00:00Z") });
    seedStore(store, { ...BASE, orders: 10, end: new Date("2026-03-10T12:00:00Z"), days: 3, rates: { refund: 0, cancel: 0, edit: 0 } });
    const variant = store.products[0]!.variants[0]!;
    const { order } = live.placeOrder(store, { lines: [{ variantId: variant.id, quantity: 2, discount: 100 }], shipping: 500, at: Date.parse("2026-03-08T16:00:00Z") });
    const before = truthByDay(store, { from: "2026-03-08", to: "2026-03-10" });
    live.cancel(store, order.id, { at: Date.parse("2026-03-10T14:00:00Z") });
    const after = truthByDay(store, { from: "2026-03-08", to: "2026-03-10" });
    expect(after[0]).toEqual(before[0]); // the order's own day is untouched
    const returned = parseMinor(after[2]!.returns, "USD") - parseMinor(before[2]!.returns, "USD");
    expect(returned).toBe(-(variant.price * 2 - 100));
    const shippingBack = parseMinor(after[2]!.shipping, "USD") - parseMinor(before[2]!.shipping, "USD");
    expect(shippingBack).toBe(-500);

    const baseline = truthTotals(store, { from: "2026-03-08", to: "2026-03-10" });
    live.placeOrder(store, { lines: [], giftCard: true, shipping: null, at: Date.parse("2026-03-09T16:00:00Z") });
    live.placeOrder(store, { lines: [{ variantId: variant.id, quantity: 1 }], test: true, at: Date.parse("2026-03-09T16:00:00Z") });
    const withExtras = truthTotals(store, { from: "2026-03-08", to: "2026-03-10" });
    // The gift card order counts as an order but adds no sales; the test order adds nothing.
    expect({ ...withExtras, orders: baseline.orders, averageOrderValue: null }).toEqual({ ...baseline, averageOrderValue: null });
    expect(withExtras.orders).toBe(baseline.orders + 1);
  });

  it("prices COGS at the cost recorded when the line sold, and can use today's cost instead", () => {
    const store = createSimStore({ domain: "cost-shop.myshopify.com", now: () => Date.parse("2026-03-10T15:00:00Z") });
    seedStore(store, { ...BASE, orders: 0, days: 3, end: new Date("2026-03-10T12:00:00Z") });
    const variant = store.products[0]!.variants[0]!;
    live.setUnitCost(store, variant.inventoryItem.id, "4.00", Date.parse("2026-03-08T00:00:00Z"));
    live.placeOrder(store, { lines: [{ variantId: variant.id, quantity: 3 }], shipping: null, at: Date.parse("2026-03-08T18:00:00Z") });
    live.setUnitCost(store, variant.inventoryItem.id, "5.50", Date.parse("2026-03-09T00:00:00Z"));
    const range = { from: "2026-03-08", to: "2026-03-10" };
    expect(truthTotals(store, range).cogs).toBe("12.00");
    expect(truthTotals(store, { ...range, costs: "current" }).cogs).toBe("16.50");
    live.setUnitCost(store, variant.inventoryItem.id, null, Date.parse("2026-03-09T12:00:00Z"));
    expect(truthTotals(store, { ...range, costs: "current" }).cogs).toBe("0.00");
    expect(truthTotals(store, { ...range, costs: "current" }).netSalesWithCost).toBe("0.00");
  });
});
