/**
 * An older read must never overwrite a newer one. Shopify's `updatedAt` has whole
 * seconds, so two changes within one second carry the same version: the ledger's
 * version check (an older updatedAt is discarded, an equal one applied) cannot
 * tell a stale read of that second from a fresh one. What makes the newest read
 * land last is the coalesced re-read (app/sync/jobs.server.ts): one re-read per
 * order in flight, and a notice that arrives while it runs makes it run again,
 * after the read in flight has been applied.
 *
 * These tests interleave for real: a change lands, its webhook is delivered and the
 * worker starts reading; while that read is in flight (the simulator's
 * graphqlAnswered hook, on the simulator's clock) a second change lands within the
 * same second and its webhook arrives, then a stale delivery of the first one.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { jobs, orders, sales } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { startWorker } from "~/jobs/queue.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, settle } from "../ledger-truth";
import { orderPayload } from "../mocks/shopify/live";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { legacyId, type SimOrder } from "../mocks/shopify/store";

import "~/sync/jobs.server";

const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

async function quiet(shop: string) {
  for (let i = 0; i < 1500; i++) {
    await simulator.settled();
    const [row] = await asSystem("test: jobs left", (tx) =>
      tx.select({ n: sql<number>`count(*)::int` }).from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.order"), inArray(jobs.status, ["pending", "running"]))));
    if (row!.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const left = await asSystem("test: jobs left", (tx) => tx.select().from(jobs).where(eq(jobs.shopId, shop)));
  throw new Error(`jobs did not finish: ${JSON.stringify(left.map((j) => [j.kind, j.status, j.attempts, j.lastError]))}`);
}

describe("same-second changes interleaved with reads in flight", () => {
  it("ends on the newest state with two workers, whatever the delivery order", async () => {
    const shop = newShop("interleave");
    const store = addStore(simulator, shop, { ianaTimezone: "America/New_York", currencyCode: "USD" });
    seedStore(store, { seed: 51, orders: 60, days: 10, end: END });
    Object.assign(store.bucket, { maximumAvailable: 20_000, currentlyAvailable: 20_000, restoreRate: 1000 });
    await install(simulator, shop);
    await settle(simulator, shop);

    // The simulator's clock: each round's two changes fall in one whole second.
    let clock = Math.ceil(END.getTime() / 1000) * 1000 + 3_600_000;
    store.now = () => clock;
    const variants = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants);
    const targets = store.orders.filter((o) => !o.test && !o.cancelledAt).slice(0, 6);

    // While the first re-read of an order is in flight: the second change, its
    // webhook, then a stale redelivery of the first change's notice.
    let pending: { order: SimOrder; stale: Record<string, unknown> } | null = null;
    const versions: Array<{ order: SimOrder; first: string; second: string; secondSales: string[] }> = [];
    store.listeners.graphqlAnswered = async (_store, request) => {
      const round = pending;
      if (!round || request.variables?.id !== round.order.id || request.variables?.after) return;
      pending = null;
      clock += 500;
      const { agreement } = await simulator.editOrder(shop, round.order.id, { add: { variantId: variants[2]!.id, quantity: 1 } });
      await simulator.deliverWebhook("orders/updated", shop, round.stale);
      versions.at(-1)!.second = round.order.updatedAt;
      versions.at(-1)!.secondSales = agreement!.sales.map((s) => String(legacyId(s.id)));
    };

    const workers = [0, 1].map(() => startWorker({ shops: [shop], concurrency: 2, pollMs: 10, backoff: { baseMs: 5, maxMs: 50 } }));
    try {
      for (const order of targets) {
        clock += 10_000 - (clock % 1000) + 100; // 100 ms into a fresh second
        const stale = orderPayload(store, order);
        pending = { order, stale };
        versions.push({ order, first: "", second: "", secondSales: [] });
        // The first change, delivered at once; a worker picks its re-read up.
        await simulator.editOrder(shop, order.id, { add: { variantId: variants[1]!.id, quantity: 1 } });
        versions.at(-1)!.first = order.updatedAt;
        await quiet(shop);
        expect(pending).toBeNull(); // the interleaving happened
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }

    for (const v of versions) {
      // Both changes carry the same version: the version check alone cannot order them.
      expect(v.second).toBe(v.first);
      const id = legacyId(v.order.id);
      const held = await withShop(shop, (tx) => tx.select({ id: sales.saleId }).from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, id))));
      // The second change's sales are in the ledger: the read in flight (which did
      // not have them) was not the last one applied.
      expect(held.map((r) => String(r.id))).toEqual(expect.arrayContaining(v.secondSales));
      expect(held).toHaveLength(v.order.agreements.flatMap((a) => a.sales).length);
      const [row] = await withShop(shop, (tx) => tx.select({ v: orders.sourceUpdatedAt }).from(orders).where(and(eq(orders.shopId, shop), eq(orders.orderId, id))));
      expect(row!.v.toISOString().replace(".000Z", "Z")).toBe(v.order.updatedAt);
    }
    await expectLedgerEqualsTruth(shop, store, 5);
  });
});
