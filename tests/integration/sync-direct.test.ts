/**
 * The first backfill's direct path (app/sync/direct.server.ts): a shop's first
 * orders file goes straight into the ledger, whatever the file's layout, and the
 * ledger still equals the truth; orders the live path writes meanwhile keep the
 * live read; a later full sync (the ledger holds the export's orders) is staged
 * and reconciled as before.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, settle as settleJobs, stopWorkerMidIngest } from "../ledger-truth";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import type { SimStore } from "../mocks/shopify/store";

// The sync's job handlers, in this process (the build registers its own copy).
import "~/sync/jobs.server";

const TZ = "America/New_York";
const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

function setUpStore(orderCount: number, seed: number): { shop: string; store: SimStore } {
  const shop = newShop("direct");
  const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
  seedStore(store, { seed, orders: orderCount, days: 40, end: END });
  return { shop, store };
}

const settle = (shop: string) => settleJobs(simulator, shop);

async function ordersRuns(shop: string) {
  return withShop(shop, (tx) => tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"))));
}

async function duplicateSales(shop: string): Promise<number> {
  const [row] = await withShop(shop, (tx) => queryRows<{ n: number }>(tx, sql`
    select count(*)::int as n from (select sale_id from sales where shop_id = ${shop} group by sale_id having count(*) > 1) d`));
  return row!.n;
}

describe("a shop's first orders file goes straight into the ledger", () => {
  it("is ingested direct and equals the truth; a second full sync is staged and reconciled, and changes nothing", async () => {
    const { shop, store } = await setUpStore(1500, 31);
    await install(simulator, shop);
    await settle(shop);
    const [first] = await ordersRuns(shop);
    expect(first).toMatchObject({ status: "completed", ingestMode: "direct" });
    await expectLedgerEqualsTruth(shop, store, 31);

    // The ledger now holds the export's orders: the next full sync must reconcile with them.
    const { startBulkSync } = await import("~/sync/bulk.server");
    await asSystem("test", (tx) => tx.delete(syncRuns).where(eq(syncRuns.shopId, shop)));
    await startBulkSync(shop);
    await settle(shop);
    const [second] = await ordersRuns(shop);
    expect(second).toMatchObject({ status: "completed", ingestMode: "staged" });
    await expectLedgerEqualsTruth(shop, store, 31);
    expect(await duplicateSales(shop)).toBe(0);
  });

  it("equals the truth when the file puts every child before its parent (sales before their agreements wait in staging)", async () => {
    const { shop, store } = await setUpStore(1200, 32);
    // A layout the bulk docs allow ("children … listed after their parent, not
    // directly after" is all they promise for groupObjects:false); reversed here,
    // the worst case: no sale can be resolved as it streams.
    store.bulkOutput.childrenFirst = true;
    store.bulkOutput.chunkSize = 500;
    await install(simulator, shop);
    await settle(shop);
    const [run] = await ordersRuns(shop);
    expect(run).toMatchObject({ status: "completed", ingestMode: "direct" });
    await expectLedgerEqualsTruth(shop, store, 31);
  });

  it("keeps the live read of orders changed while the file streams (before and after their place in it), and resumes without double counting", async () => {
    const { shop, store } = await setUpStore(2500, 33);
    Object.assign(store.bucket, { maximumAvailable: 20_000, currentlyAvailable: 20_000, restoreRate: 1000 });
    await install(simulator, shop);
    await stopWorkerMidIngest(simulator, shop);
    const [partial] = await ordersRuns(shop);
    expect(partial).toMatchObject({ status: "ingesting", ingestMode: "direct" });

    // The file was written when the export ran: these changes are not in it. Orders
    // early in the file (their sales already in the ledger) and late (not yet read).
    const byPlaced = [...store.orders].filter((o) => !o.test).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const early = byPlaced.slice(0, 6).map((o) => o.id);
    const late = byPlaced.slice(-6).map((o) => o.id);
    const at = (i: number) => new Date(END.getTime() + 60_000 * (i + 1));
    for (const [i, id] of [...early, ...late].entries()) {
      if (i % 2 === 0) await simulator.editOrder(shop, id, {}, { at: at(i) });
      else await simulator.refundOrder(shop, id, {}, { at: at(i) });
    }
    // The webhooks' re-reads run first (the ingest job waits for its lease to run out),
    // then the ingest resumes from the line it had committed.
    await new Promise((r) => setTimeout(r, 1600));
    await settle(shop);

    const [done] = await ordersRuns(shop);
    expect(done).toMatchObject({ status: "completed", ingestMode: "direct" });
    // The truth has the changes; the file's older versions must not have won.
    await expectLedgerEqualsTruth(shop, store, 31);
    expect(await duplicateSales(shop)).toBe(0);
  });
});
