/**
 * Daily rollups are keyed by the shop's local day and read in its currency. When the
 * merchant changes the store's time zone, every day kept so far was cut in the old
 * zone: left alone, a range would mix the two. The next auth notices the change and
 * a job rebuilds every rollup in the new zone. A currency change is recorded but
 * not resynced: Shopify keeps each order in "the shop currency when the order was
 * placed" (Order.currencyCode) and converts nothing, so a resync would read the same
 * amounts again.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, jobs, shops, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { deleteShopSessions } from "~/security/session-storage.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, ledgerByDay, settle } from "../ledger-truth";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";

import "~/sync/jobs.server";

const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

/** The merchant opens the app again with a fresh token exchange (afterAuth runs). */
async function signInAgain(shop: string) {
  await withShop(shop, (tx) => deleteShopSessions(tx, shop));
  await install(simulator, shop);
}

const rebuildJobs = (shop: string) =>
  asSystem("test: rebuild jobs", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.rollups.rebuild"))));

describe("a change of the shop's time zone or currency", () => {
  it("rebuilds every rollup in the new time zone; the ledger equals the truth in that zone", async () => {
    const shop = newShop("tzchange");
    const store = addStore(simulator, shop, { ianaTimezone: "America/New_York", currencyCode: "USD" });
    seedStore(store, { seed: 71, orders: 400, days: 30, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);
    await expectLedgerEqualsTruth(shop, store, 20);

    // A re-auth with nothing changed rebuilds nothing.
    await signInAgain(shop);
    expect(await rebuildJobs(shop)).toEqual([]);

    const before = await ledgerByDay(shop);
    store.shop.ianaTimezone = "Asia/Tokyo"; // 13-14 hours ahead: most orders move a day
    await signInAgain(shop);
    await settle(simulator, shop);

    const [row] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.ianaTimezone).toBe("Asia/Tokyo");
    expect((await rebuildJobs(shop)).map((j) => j.status)).toEqual(["succeeded"]);
    const after = await ledgerByDay(shop);
    // The days were cut again: most days' figures moved.
    const moved = [...after].filter(([day, figures]) => JSON.stringify(figures) !== JSON.stringify(before.get(day)));
    expect(moved.length).toBeGreaterThan(after.size / 2);
    await expectLedgerEqualsTruth(shop, store, 20);
    // Live changes after it land on the new zone's days too.
    await simulator.placeOrder(shop, {}, { at: new Date(END.getTime() + 14 * 3_600_000) });
    await settle(simulator, shop);
    await expectLedgerEqualsTruth(shop, store, 20);

    const events = await withShop(shop, (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "shop.profile_changed"))));
    expect(events.map((e) => e.meta)).toEqual([expect.objectContaining({ timezoneFrom: "America/New_York", timezoneTo: "Asia/Tokyo" })]);
  });

  it("reacts to shop/update without waiting for a sign-in", async () => {
    const shop = newShop("shopupdate");
    const store = addStore(simulator, shop, { ianaTimezone: "Europe/Berlin", currencyCode: "EUR" });
    seedStore(store, { seed: 73, orders: 200, days: 20, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);

    // A shop/update that changes nothing that matters (the name) rebuilds nothing.
    const [renamed] = (await simulator.updateShop(shop, { name: "Renamed Store" })).responses;
    expect(renamed!.status).toBe(200);
    await settle(simulator, shop);
    expect(await rebuildJobs(shop)).toEqual([]);

    await simulator.updateShop(shop, { ianaTimezone: "America/Los_Angeles" });
    await settle(simulator, shop);
    const [row] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.ianaTimezone).toBe("America/Los_Angeles");
    expect((await rebuildJobs(shop)).map((j) => j.status)).toEqual(["succeeded"]);
    await expectLedgerEqualsTruth(shop, store, 15);
  });

  it("records a currency change without resyncing (Shopify converts no history)", async () => {
    const shop = newShop("curchange");
    const store = addStore(simulator, shop, { ianaTimezone: "Europe/Berlin", currencyCode: "USD" });
    seedStore(store, { seed: 72, orders: 100, days: 10, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);
    const runs = (await withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)))).length;

    store.shop.currencyCode = "EUR";
    await signInAgain(shop);
    await settle(simulator, shop);

    const [row] = await withShop(shop, (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.currencyCode).toBe("EUR");
    expect((await withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)))).length).toBe(runs);
    const events = await withShop(shop, (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "shop.profile_changed"))));
    expect(events.map((e) => e.meta)).toEqual([expect.objectContaining({ currencyFrom: "USD", currencyTo: "EUR" })]);
  });
});
