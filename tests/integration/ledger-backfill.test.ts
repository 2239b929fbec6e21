/**
 * Shops synced before payment-fee sync (sync_runs.ledger_version 1, migration 0040)
 * hold no transactions or shipping lines: the first dashboard visit queues one
 * background orders run (app/sync/ledger-backfill.server.ts), the net profit card
 * says fees are being backfilled until it completes (no silent 0), and afterwards
 * the fees and shipping volumes equal Shopify's. A shop synced since never gets it.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { auditEvents, jobs, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { enqueueLedgerBackfills } from "~/sync/ledger-backfill.server";
import { ORDERS_LEDGER_VERSION } from "~/sync/queries.server";

import { addStore, appHandler, embeddedRequest, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, expectPaymentsEqualTruth, settle } from "../ledger-truth";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";

import "~/sync/jobs.server";

const BACKFILLING = "Payment fees are being backfilled";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

async function installed(prefix: string) {
  const shop = newShop(prefix);
  const store = addStore(simulator, shop, { ianaTimezone: "Europe/Berlin", currencyCode: "EUR" });
  seedStore(store, { seed: 40, orders: 160, days: 30, end: new Date(Date.now() - 3_600_000) });
  await install(simulator, shop);
  await settle(simulator, shop);
  return { shop, store };
}

/** The dashboard as the merchant opens it, read to its end. */
async function visit(shop: string): Promise<string> {
  const response = await (await appHandler())(embeddedRequest(shop));
  const body = await response.text();
  expect(response.status).toBe(200);
  return body;
}

const backfillJobs = (shop: string) =>
  asSystem("test: backfill jobs", (tx) => tx.select().from(jobs).where(and(eq(jobs.kind, "sync.ledger.backfill"), eq(jobs.shopId, shop))));
const runsOf = (shop: string) => withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)).orderBy(asc(syncRuns.startedAt)));
const counts = (shop: string) => withShop(shop, async (tx) => (await queryRows<{ transactions: number; feeDays: number; shippingDays: number }>(tx, sql`
  select (select count(*) from order_transactions where shop_id = ${shop})::int as transactions,
         (select count(*) from daily_payment_fees where shop_id = ${shop})::int as "feeDays",
         (select count(*) from daily_shipping where shop_id = ${shop})::int as "shippingDays"`))[0]!);

/** What a shop synced before migration 0038 holds once 0040 has run: sales, no payments, runs of version 1. */
async function makeSyncedBeforeFees(shop: string) {
  await withShop(shop, async (tx) => {
    await tx.execute(sql`delete from order_transactions where shop_id = ${shop}`);
    await tx.execute(sql`delete from daily_payment_fees where shop_id = ${shop}`);
    await tx.execute(sql`delete from daily_shipping where shop_id = ${shop}`);
    await tx.execute(sql`update orders set shipping_methods = '{}' where shop_id = ${shop}`);
    await tx.update(syncRuns).set({ ledgerVersion: 1 }).where(eq(syncRuns.shopId, shop));
  });
}

describe("payments backfill for shops synced before payment-fee sync", () => {
  it("an old shop gets one backfill job on its first visits, is told fees are being backfilled, then holds Shopify's fees", async () => {
    const { shop, store } = await installed("fees-old");
    await makeSyncedBeforeFees(shop);
    expect(await counts(shop)).toEqual({ transactions: 0, feeDays: 0, shippingDays: 0 });
    const runsBefore = await runsOf(shop);
    expect(await backfillJobs(shop)).toHaveLength(0);

    // Two visits before the worker runs: one job, and both pages say why fees are short.
    expect(await visit(shop)).toContain(BACKFILLING);
    expect(await visit(shop)).toContain(BACKFILLING);
    expect(await backfillJobs(shop)).toHaveLength(1);

    await settle(simulator, shop);
    const [job] = await backfillJobs(shop);
    expect(job!.status).toBe("succeeded");
    // One orders run, of the current version; the products are not read again.
    const added = (await runsOf(shop)).slice(runsBefore.length);
    expect(added.map((r) => ({ kind: r.kind, status: r.status, ledgerVersion: r.ledgerVersion }))).toEqual([
      { kind: "orders", status: "completed", ledgerVersion: ORDERS_LEDGER_VERSION },
    ]);
    const figures = await expectPaymentsEqualTruth(shop, store);
    console.log(`backfilled: ${JSON.stringify(await counts(shop))}, truth ${JSON.stringify(figures)}`);
    expect(figures.feeDays).toBeGreaterThan(0);
    expect(figures.shippingDays).toBeGreaterThan(0);
    await expectLedgerEqualsTruth(shop, store, 10);

    // Audited as the system, naming the run it started.
    const events = await withShop(shop, (tx) => tx.select().from(auditEvents)
      .where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "sync.started"))).orderBy(asc(auditEvents.seq)));
    const backfill = events.filter((e) => String(e.meta.reason ?? "").startsWith("ledger backfill"));
    expect(backfill.map((e) => ({ actorType: e.actorType, target: e.target }))).toEqual([{ actorType: "system", target: added[0]!.runId }]);

    // Done: the note goes, and later visits queue nothing more.
    expect(await visit(shop)).not.toContain(BACKFILLING);
    await settle(simulator, shop);
    expect(await backfillJobs(shop)).toHaveLength(1);
    expect((await runsOf(shop)).length).toBe(runsBefore.length + 1);
  });

  it("a shop synced with payments never gets one", async () => {
    const { shop, store } = await installed("fees-new");
    expect((await runsOf(shop)).every((r) => r.ledgerVersion === ORDERS_LEDGER_VERSION)).toBe(true);
    const runsBefore = (await runsOf(shop)).length;
    expect(await visit(shop)).not.toContain(BACKFILLING);
    expect(await visit(shop)).not.toContain(BACKFILLING);
    await settle(simulator, shop);
    expect(await backfillJobs(shop)).toHaveLength(0);
    expect((await runsOf(shop)).length).toBe(runsBefore);
    await expectPaymentsEqualTruth(shop, store);
  });

  it("the deploy's sweep queues the old shop once and never the new one, visited or not", async () => {
    const { shop: old, store } = await installed("fees-sweep-old");
    const { shop: current } = await installed("fees-sweep-new");
    await makeSyncedBeforeFees(old);
    // Other test files' shops may be swept too: only these two are asserted.
    await enqueueLedgerBackfills();
    await enqueueLedgerBackfills();
    expect(await backfillJobs(old)).toHaveLength(1);
    expect(await backfillJobs(current)).toHaveLength(0);
    await settle(simulator, old);
    await expectPaymentsEqualTruth(old, store);
    // Once backfilled, a later sweep (the next worker start) queues nothing.
    await enqueueLedgerBackfills();
    expect(await backfillJobs(old)).toHaveLength(1);
    expect(await backfillJobs(current)).toHaveLength(0);
  });

  it("a shop whose first sync has not completed is not backfilled: the first sync reads payments", async () => {
    const shop = newShop("fees-first");
    const store = addStore(simulator, shop);
    seedStore(store, { seed: 41, orders: 20, days: 10, end: new Date(Date.now() - 3_600_000) });
    await install(simulator, shop);
    // Before the worker ran the first sync: no completed orders run.
    expect(await visit(shop)).not.toContain(BACKFILLING);
    await settle(simulator, shop);
    expect(await backfillJobs(shop)).toHaveLength(0);
  });
});
