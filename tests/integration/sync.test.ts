/**
 * The sync end to end: a seeded store is backfilled through Shopify's bulk
 * operations and kept current by webhooks, and the ledger's figures equal the
 * simulator's truth (computed independently from the raw orders) day by day,
 * to the cent, through faults, duplicates, reordering and a killed worker.
 */
import { and, count, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { orders, sales, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import type { SimStore } from "../mocks/shopify/store";
import { truthTotals } from "../mocks/shopify/truth";
import { expectLedgerEqualsTruth as expectLedgerTruth, expectPaymentsEqualTruth, settle as settleJobs, stopWorkerMidIngest } from "../ledger-truth";

// The sync's job handlers, in this process (the build registers its own copy).
import "~/sync/jobs.server";

const TZ = "America/New_York"; // the period below crosses the end of DST (2026-11-01)
const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

async function setUpStore(orderCount: number, seed = 11): Promise<{ shop: string; store: SimStore }> {
  const shop = newShop("sync");
  const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
  seedStore(store, { seed, orders: orderCount, days: 40, end: END });
  return { shop, store };
}

const settle = (shop: string) => settleJobs(simulator, shop);
// More than 30 days of activity compared: a seeded 40-day store, not a handful of days.
// Every comparison also holds the payments and shipping rollups to the truth (payments.ts).
const expectLedgerEqualsTruth = async (shop: string, store: SimStore) => {
  await expectLedgerTruth(shop, store, 31);
  await expectPaymentsEqualTruth(shop, store);
};

describe("backfill through bulk operations", () => {
  it("installs, backfills a few thousand orders and equals the truth day by day", async () => {
    const { shop, store } = await setUpStore(3000);
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(runs.map((r) => [r.kind, r.status]).sort()).toEqual([["orders", "completed"], ["products", "completed"]]);
    await expectLedgerEqualsTruth(shop, store);
    const [held] = await withShop(shop, (tx) => tx.select({ n: count() }).from(orders).where(eq(orders.shopId, shop)));
    expect(held?.n).toBe(store.orders.length);
  });

  it("completes with exact totals through throttling, 429s, 500s, a dropped download and a truncated file", async () => {
    const { shop, store } = await setUpStore(1500, 12);
    await install(simulator, shop);
    // Faults hit the sync's own calls (the bulk mutations, polls and the download).
    store.faults.nextGraphql.push("throttled", "http429", "http500");
    store.faults.truncateNextBulkFile = true;
    await settle(shop);
    store.faults.dropNextBulkDownloadAfterBytes = 200_000;
    // A second full sync over the same data converges, not duplicates.
    await asSystem("test", (tx) => tx.delete(syncRuns).where(eq(syncRuns.shopId, shop)));
    const { startBulkSync } = await import("~/sync/bulk.server");
    await startBulkSync(shop);
    await settle(shop);
    expect(store.faults.nextGraphql).toEqual([]);
    expect(store.faults.truncateNextBulkFile).toBe(false);
    expect(store.faults.dropNextBulkDownloadAfterBytes).toBeNull();
    await expectLedgerEqualsTruth(shop, store);
  });

  it("survives a worker killed mid-ingest: a restarted worker resumes and nothing is counted twice", async () => {
    const { shop, store } = await setUpStore(2500, 13);
    await install(simulator, shop);
    await stopWorkerMidIngest(simulator, shop);
    const [partial] = await withShop(shop, (tx) => tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"))));
    expect(partial?.status).toBe("ingesting");
    // The lease runs out; a new worker reclaims the job and finishes from where it stopped.
    await new Promise((r) => setTimeout(r, 1600));
    await settle(shop);
    await expectLedgerEqualsTruth(shop, store);
    const [dupes] = await withShop(shop, (tx) => queryRows<{ n: number }>(tx, sql`
      select count(*)::int as n from (select sale_id from sales where shop_id = ${shop} group by sale_id having count(*) > 1) d`));
    expect(dupes?.n).toBe(0);
  });

  it("stages again from the first line when the database lost the unlogged staging (a crash) mid-ingest", async () => {
    const { shop, store } = await setUpStore(2500, 15);
    await install(simulator, shop);
    await stopWorkerMidIngest(simulator, shop);
    // The stopped worker's batch in flight lands first; then the "crash".
    await new Promise((r) => setTimeout(r, 1600));
    // What crash recovery does to an UNLOGGED table: every row gone, the run's progress kept.
    // (This shop's rows only: other test files share the database.)
    await asSystem("test: simulate a crash of unlogged staging", async (tx) => {
      for (const table of ["staged_orders", "staged_agreements", "staged_sales", "staged_transactions", "staged_shipping_lines"]) {
        await tx.execute(sql`delete from ${sql.identifier(table)} where shop_id = ${shop}`);
      }
    });
    const [lost] = await withShop(shop, (tx) => tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"))));
    expect(lost!.linesProcessed).toBeGreaterThan(0);
    await settle(shop);
    // Without the check, the lines committed before the crash would be missing from the ledger.
    await expectLedgerEqualsTruth(shop, store);
  });
});

describe("live webhooks", () => {
  it("converges on the truth after 200 webhooks delivered with duplicates and out of order", async () => {
    const { shop, store } = await setUpStore(800, 14);
    // A Shopify Plus store's API bucket (1,000 points/s): ~150 order re-reads in seconds.
    Object.assign(store.bucket, { maximumAvailable: 20_000, currentlyAvailable: 20_000, restoreRate: 1000 });
    await install(simulator, shop);
    await settle(shop);

    // Changes happen in Shopify while the app hears nothing...
    const deliver = simulator.deliver;
    simulator.deliver = null;
    const sent = simulator.webhooks.length;
    const at = (i: number) => new Date(END.getTime() + 60_000 * (i + 1));
    const placed: string[] = [];
    for (let i = 0; placed.length < 80; i++) placed.push((await simulator.placeOrder(shop, {}, { at: at(i) })).order.id);
    const existing = store.orders.slice(0, 200).map((o) => o.id);
    for (let i = 0; i < 30; i++) await simulator.refundOrder(shop, existing[i]!, {}, { at: at(100 + i) });
    for (let i = 0; i < 15; i++) await simulator.cancelOrder(shop, placed[i]!, { at: at(130 + i) });
    for (let i = 0; i < 20; i++) await simulator.editOrder(shop, existing[40 + i]!, {}, { at: at(150 + i) });
    const pending = simulator.webhooks.slice(sent);
    simulator.deliver = deliver;

    // ...then the deliveries arrive shuffled, some of them several times.
    let rng = 42;
    const random = () => ((rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shuffled = [...pending].sort(() => random() - 0.5);
    let delivered = 0;
    for (const webhook of shuffled) {
      const duplicate = random() < 0.25 ? 1 : 0;
      const responses = await simulator.deliverWebhook(webhook.topic, shop, webhook.payload, { webhookId: webhook.webhookId, duplicate });
      expect(responses.every((r) => r.status === 200)).toBe(true);
      delivered += responses.length;
    }
    expect(delivered).toBeGreaterThanOrEqual(200);
    await settle(shop);
    await expectLedgerEqualsTruth(shop, store);
  });

  it("snapshots each new sale's cost when it happens, and keeps it when the cost changes later", async () => {
    const { shop, store } = await setUpStore(200, 15);
    await install(simulator, shop);
    await settle(shop);
    const variant = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants).find((v) => v.inventoryItem.costHistory.at(-1)?.cost)!;
    await simulator.setUnitCost(shop, variant.inventoryItem.id, "7.25", { at: new Date(END.getTime() + 1000) });
    const { order } = await simulator.placeOrder(shop, { lines: [{ variantId: variant.id, quantity: 2 }], shipping: null }, { at: new Date(END.getTime() + 2000) });
    await settle(shop);
    await simulator.setUnitCost(shop, variant.inventoryItem.id, "9.00", { at: new Date(END.getTime() + 3000) });
    await settle(shop);
    const orderId = Number(order.id.split("/").pop());
    const rows = await withShop(shop, (tx) => tx.select().from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, orderId), eq(sales.lineType, "PRODUCT"))));
    expect(rows.map((r) => [r.unitCost, r.costSource, r.cogs])).toEqual([["7.2500", "at_sale", "14.5000"]]);
  });
});

describe("the dashboard's numbers are Shopify's numbers", () => {
  // Several time zones (half-hour offset, southern-hemisphere DST, northern DST) and
  // periods: the totals a merchant sees equal the truth computed from the raw orders.
  it.each(["Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles"])("to the cent in %s, for several periods", async (timezone) => {
    const shop = newShop("tz");
    const store = addStore(simulator, shop, { ianaTimezone: timezone, currencyCode: "EUR" });
    seedStore(store, { seed: 21, orders: 900, days: 60, end: END });
    await install(simulator, shop);
    await settle(shop);
    const { loadReport } = await import("~/reports/build.server");
    const periods = [
      { from: "2026-11-14", to: "2026-11-20" },
      { from: "2026-10-22", to: "2026-11-20" },
      { from: "2026-09-01", to: "2026-11-30" },
      { from: "2026-11-01", to: "2026-11-01" },
    ];
    for (const period of periods) {
      const report = await loadReport(shop, { period, compare: null, compareMode: "none" }, "EUR");
      const truth = truthTotals(store, { ...period, costs: "current" });
      const shown = report.current;
      expect({
        grossSales: shown.grossSales, discounts: shown.discounts, returns: shown.returns, netSales: shown.netSales,
        shipping: shown.shipping, taxes: shown.taxes, totalSales: shown.totalSales, orders: shown.orders,
        units: shown.units, cogs: shown.cogs, grossProfit: shown.grossProfit, averageOrderValue: shown.averageOrderValue,
      }, `${timezone} ${period.from}..${period.to}`).toEqual({
        grossSales: truth.grossSales, discounts: truth.discounts, returns: truth.returns, netSales: truth.netSales,
        shipping: truth.shipping, taxes: truth.taxes, totalSales: truth.totalSales, orders: truth.orders,
        units: truth.units, cogs: truth.cogs, grossProfit: truth.grossProfit, averageOrderValue: truth.averageOrderValue,
      });
    }
  });
});
