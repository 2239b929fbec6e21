/**
 * read_orders alone reaches "the last 60 days' worth of orders" (shopify.dev, Order
 * object); older ones need read_all_orders, which Shopify grants on request. A shop
 * without it still syncs what is reachable, records from when its figures are
 * complete, and the dashboard says so instead of showing zeros; granting the scope
 * later (app/scopes_update) backfills the whole history.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { jobs, orders, sales, shops, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs } from "~/jobs/queue.server";

import { addStore, appHandler, BROWSER_UA, hostParam, idToken, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, settle } from "../ledger-truth";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { legacyId, type SimStore } from "../mocks/shopify/store";
import { addDays, localDayKey } from "../mocks/shopify/time";
import { orderReachable } from "../mocks/shopify/views";
import { TEST_APP_URL } from "../setup/test-env";

import "~/sync/jobs.server";

const TZ = "America/New_York";
const DAY = 86_400_000;
const WITHOUT_ALL_ORDERS = ["read_orders", "read_products"];
const WITH_ALL_ORDERS = ["read_orders", "read_all_orders", "read_products"];

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

/** A view of the store holding only what `read_orders` reaches now: what the app can know. */
const reachableOnly = (store: SimStore): SimStore =>
  Object.assign(Object.create(store) as SimStore, { orders: store.orders.filter((o) => orderReachable(store, o)) });

const historyFromOf = async (shop: string) =>
  (await withShop(shop, (tx) => tx.select({ historyFrom: shops.historyFrom }).from(shops).where(eq(shops.shopId, shop))))[0]?.historyFrom ?? null;
const runsOf = (shop: string) => withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)).orderBy(syncRuns.startedAt));

/** Holds back the first bulk_operations/finish of the operation whose query names `marker`. */
function holdFinish(store: SimStore, marker: string): Request[] {
  const deliver = simulator.deliver!;
  const held: Request[] = [];
  simulator.deliver = async (request) => {
    if (request.headers.get("X-Shopify-Topic") === "bulk_operations/finish" && held.length === 0) {
      const { admin_graphql_api_id: id } = (await request.clone().json()) as { admin_graphql_api_id: string };
      if (store.bulkOperations.some((op) => op.id === id && op.query.includes(marker))) {
        held.push(request);
        return new Response(null, { status: 200 });
      }
    }
    return deliver(request);
  };
  return held;
}

/** Drains the shop's jobs until `done()` (drains shorter than the full-history job's wait: a drain waits for jobs due before its deadline). */
async function drainUntil(shop: string, done: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 50 && !(await done()); i++) {
    await drainJobs({ shops: [shop], timeoutMs: 20_000, backoff: { baseMs: 5, maxMs: 20 } });
    await simulator.settled();
  }
}

function dashboard(shop: string, from: string, to: string, compare = "previous_period") {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), from, to, compare });
  return appHandler().then((handle) => handle(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } })));
}

async function seeded(prefix: string) {
  const shop = newShop(prefix);
  const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
  seedStore(store, { seed: 61, orders: 500, days: 120, end: new Date(Date.now() - 3_600_000) });
  store.grantedScopes = WITHOUT_ALL_ORDERS;
  return { shop, store };
}

describe("a shop without read_all_orders", () => {
  it("syncs the last 60 days, records from when figures are complete, and the dashboard says so", async () => {
    const { shop, store } = await seeded("window");
    // An order just inside the window at install, just outside a day later.
    const { order: edge } = await simulator.placeOrder(shop, {}, { at: Date.now() - 59.5 * DAY, webhook: false });
    const reachable = store.orders.filter((o) => orderReachable(store, o));
    expect(reachable.length).toBeLessThan(store.orders.length * 0.7); // the window really cuts
    await install(simulator, shop);
    await settle(simulator, shop);

    const [row] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.scopes).toBe("read_orders,read_products");
    expect(Math.abs(row!.historyFrom!.getTime() - (Date.now() - 60 * DAY))).toBeLessThan(5 * 60_000);
    const held = await withShop(shop, (tx) => tx.select({ id: orders.orderId }).from(orders).where(eq(orders.shopId, shop)));
    expect(held.map((r) => String(r.id)).sort()).toEqual(reachable.map((o) => String(legacyId(o.id))).sort());
    await expectLedgerEqualsTruth(shop, reachableOnly(store), 30);

    // The dashboard: an older range says from when figures are complete, never a bare zero.
    const completeFrom = addDays(localDayKey(row!.historyFrom!, TZ), 1);
    const old = await (await dashboard(shop, addDays(completeFrom, -40), addDays(completeFrom, -10))).text();
    expect(old).toContain("Figures are complete from");
    expect(old).not.toContain("No sales in this period");
    const straddling = await (await dashboard(shop, addDays(completeFrom, -5), addDays(completeFrom, 20))).text();
    expect(straddling).toContain("Figures are complete from");
    // A recent range says nothing, unless its comparison period reaches back.
    const recent = await (await dashboard(shop, addDays(completeFrom, 2), addDays(completeFrom, 20), "none")).text();
    expect(recent).not.toContain("Figures are complete from");
    expect(await (await dashboard(shop, addDays(completeFrom, 2), addDays(completeFrom, 20))).text()).toContain("Figures are complete from");

    // A day later the edge order is out of reach: a refund's re-read gets "not found",
    // which must not be taken for a deletion.
    store.now = () => Date.now() + DAY;
    expect(orderReachable(store, edge)).toBe(false);
    const before = await withShop(shop, (tx) => tx.select().from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, legacyId(edge.id)))));
    expect(before.length).toBeGreaterThan(0);
    await simulator.refundOrder(shop, edge.id, {}, { at: Date.now() + DAY });
    await settle(simulator, shop);
    const after = await withShop(shop, (tx) => tx.select().from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, legacyId(edge.id)))));
    expect(after.map((s) => s.saleId).sort()).toEqual(before.map((s) => s.saleId).sort());
  });

  it("backfills the whole history once Shopify grants read_all_orders", async () => {
    const { shop, store } = await seeded("granted");
    await install(simulator, shop);
    await settle(simulator, shop);
    expect((await withShop(shop, (tx) => tx.select().from(orders).where(eq(orders.shopId, shop)))).length).toBeLessThan(store.orders.length);

    const [before] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    store.grantedScopes = WITH_ALL_ORDERS;
    const [response] = await simulator.deliverWebhook("app/scopes_update", shop, { id: 1, current: store.grantedScopes, previous: WITHOUT_ALL_ORDERS });
    expect(response!.status).toBe(200);
    // Granted is not read: until the backfill that reads the whole history completes,
    // the figures before the window are still incomplete, and the dashboard says so.
    expect((await historyFromOf(shop))?.getTime()).toBe(before!.historyFrom!.getTime());
    await settle(simulator, shop);

    const [row] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.historyFrom).toBeNull();
    expect((await withShop(shop, (tx) => tx.select().from(orders).where(eq(orders.shopId, shop)))).length).toBe(store.orders.length);
    await expectLedgerEqualsTruth(shop, store, 60);
  });

  it("a grant that arrives while a run without it is under way is followed by a full run, and only that run clears history_from", async () => {
    const { shop, store } = await seeded("midrun");
    // The orders run's finish webhook is held back: the run stays under way.
    const held = holdFinish(store, "MarginNotesOrdersBulk");
    await install(simulator, shop);
    await drainUntil(shop, () => held.length > 0);
    expect(held).toHaveLength(1);
    expect((await runsOf(shop)).map((r) => [r.kind, r.status, r.allOrders])).toEqual([["products", "completed", false], ["orders", "running", false]]);
    const partialFrom = await historyFromOf(shop);
    expect(partialFrom).not.toBeNull();

    // Shopify grants read_all_orders while that run is under way.
    store.grantedScopes = WITH_ALL_ORDERS;
    const [response] = await simulator.deliverWebhook("app/scopes_update", shop, { id: 1, current: store.grantedScopes, previous: WITHOUT_ALL_ORDERS });
    expect(response!.status).toBe(200);
    await drainJobs({ shops: [shop], timeoutMs: 20_000, backoff: { baseMs: 5, maxMs: 20 } });
    // The follow-up waits in the queue (no worker slot held) for the run it cannot join.
    const [waiting] = await asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.full_history"))));
    expect(waiting).toMatchObject({ status: "pending", attempts: 0 });
    expect((await runsOf(shop)).length).toBe(2);

    // The run started without the scope completes: it read 60 days, history_from stands.
    await simulator.deliver!(held[0]!);
    await drainUntil(shop, async () => (await runsOf(shop)).every((r) => r.status === "completed"));
    expect((await runsOf(shop)).map((r) => [r.kind, r.status, r.allOrders])).toEqual([["products", "completed", false], ["orders", "completed", false]]);
    expect((await historyFromOf(shop))?.getTime()).toBe(partialFrom!.getTime());

    // Then the follow-up (due a minute later; brought forward) reads the whole history.
    await asSystem("test: follow-up now", (tx) => tx.update(jobs).set({ runAt: sql`now()` })
      .where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.full_history"), eq(jobs.status, "pending"))));
    await settle(simulator, shop);
    expect((await runsOf(shop)).map((r) => [r.kind, r.status, r.allOrders])).toEqual([
      ["products", "completed", false], ["orders", "completed", false], ["products", "completed", true], ["orders", "completed", true],
    ]);
    expect(await historyFromOf(shop)).toBeNull();
    expect((await withShop(shop, (tx) => tx.select().from(orders).where(eq(orders.shopId, shop)))).length).toBe(store.orders.length);
    await expectLedgerEqualsTruth(shop, store, 60);
  });

  it("a grant that arrives while the products run is under way needs no second run: the orders run that follows reads the whole history", async () => {
    const { shop, store } = await seeded("midproducts");
    const held = holdFinish(store, "MarginNotesProductsBulk");
    await install(simulator, shop);
    await drainUntil(shop, () => held.length > 0);
    expect((await runsOf(shop)).map((r) => [r.kind, r.status, r.allOrders])).toEqual([["products", "running", false]]);

    store.grantedScopes = WITH_ALL_ORDERS;
    await simulator.deliverWebhook("app/scopes_update", shop, { id: 1, current: store.grantedScopes, previous: WITHOUT_ALL_ORDERS });
    await simulator.deliver!(held[0]!);
    await settle(simulator, shop);

    // No follow-up run, none waiting: the orders run started after the grant, with the scope.
    expect((await runsOf(shop)).map((r) => [r.kind, r.status, r.allOrders])).toEqual([["products", "completed", false], ["orders", "completed", true]]);
    const followUps = await asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.full_history"))));
    expect(followUps.map((j) => j.status)).toEqual(["succeeded"]);
    expect(await historyFromOf(shop)).toBeNull();
    await expectLedgerEqualsTruth(shop, store, 60);
  });
});
