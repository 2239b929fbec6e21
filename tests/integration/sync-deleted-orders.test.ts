/**
 * Deleted orders leave Shopify's reports ("Sales reports … exclude test orders and
 * deleted orders", help.shopify.com/en/manual/reports-and-analytics/shopify-reports/
 * report-types/default-reports/sales-reports), so they leave ours: orders/delete
 * enqueues the order's re-read, which finds nothing and removes the order from the
 * ledger and from the rollups of every day it touched.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { orders, sales } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, ledgerByDay, settle } from "../ledger-truth";
import { orderPayload } from "../mocks/shopify/live";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { legacyId } from "../mocks/shopify/store";
import { localDayKey } from "../mocks/shopify/time";
import { truthTotals } from "../mocks/shopify/truth";

import "~/sync/jobs.server";

const TZ = "America/New_York";
const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

const held = (shop: string, orderId: number) =>
  withShop(shop, async (tx) => ({
    orders: (await tx.select().from(orders).where(and(eq(orders.shopId, shop), eq(orders.orderId, orderId)))).length,
    sales: (await tx.select().from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, orderId)))).length,
  }));

describe("orders/delete", () => {
  it("removes the order from the ledger and its days' rollups; the dashboard equals the truth", async () => {
    const shop = newShop("deleted");
    const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
    seedStore(store, { seed: 41, orders: 300, days: 30, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);

    // An order whose sales sit on two days: placed, then refunded a few days later.
    const target = store.orders.find((o) => !o.test && o.agreements.length === 1 && o.lineItems.length > 1)!;
    await simulator.refundOrder(shop, target.id, {}, { at: new Date(Date.parse(target.processedAt) + 3 * 86_400_000) });
    await settle(simulator, shop);
    const id = legacyId(target.id);
    const days = [...new Set(target.agreements.map((a) => localDayKey(a.happenedAt, TZ)))];
    expect(days).toHaveLength(2);
    expect(await held(shop, id)).toMatchObject({ orders: 1 });
    const before = await ledgerByDay(shop);

    const { responses } = await simulator.deleteOrder(shop, target.id);
    expect(responses.map((r) => r.status)).toEqual([200]);
    await settle(simulator, shop);

    expect(await held(shop, id)).toEqual({ orders: 0, sales: 0 });
    // Both of its days changed (the placed day lost an order), and equal the truth without it.
    const after = await ledgerByDay(shop);
    expect(Number(before.get(days[0]!)?.orders)).toBe(Number(after.get(days[0]!)?.orders ?? 0) + 1);
    expect(after.get(days[1]!)?.returns).not.toBe(before.get(days[1]!)?.returns);
    await expectLedgerEqualsTruth(shop, store, 20);

    const { loadReport } = await import("~/reports/build.server");
    const period = { from: "2026-10-20", to: "2026-11-30" };
    const report = await loadReport(shop, { period, compare: null, compareMode: "none" }, "USD");
    const truth = truthTotals(store, { ...period, costs: "current" });
    expect({ net: report.current.netSales, total: report.current.totalSales, orders: report.current.orders, aov: report.current.averageOrderValue })
      .toEqual({ net: truth.netSales, total: truth.totalSales, orders: truth.orders, aov: truth.averageOrderValue });
  });

  it("is not undone by a late orders/updated for the deleted order", async () => {
    const shop = newShop("deleted-late");
    const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
    seedStore(store, { seed: 42, orders: 60, days: 10, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);
    const target = store.orders.find((o) => !o.test)!;
    const stale = orderPayload(store, target);
    await simulator.deleteOrder(shop, target.id);
    // An update sent before the delete, delivered after it (Shopify does not order deliveries).
    const [late] = await simulator.deliverWebhook("orders/updated", shop, stale);
    expect(late!.status).toBe(200);
    await settle(simulator, shop);
    expect(await held(shop, legacyId(target.id))).toEqual({ orders: 0, sales: 0 });
    await expectLedgerEqualsTruth(shop, store, 5);
  });

  it("refuses an orders/delete body that is not an order id", async () => {
    const shop = newShop("deleted-bad");
    addStore(simulator, shop);
    await install(simulator, shop);
    const [response] = await simulator.deliverWebhook("orders/delete", shop, { id: "gid://shopify/Order/1" });
    expect(response!.status).toBeGreaterThanOrEqual(400);
    expect(response!.status).toBeLessThan(500);
  });
});
