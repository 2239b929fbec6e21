/**
 * Expiring offline tokens: Shopify rotates the refresh token on use, so concurrent
 * background calls of one shop must share one refresh (load → refresh → store
 * under one lock), or all but one of them fail with a spent refresh token.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { orders, sessions } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { adminGraphql } from "~/sync/admin-api.server";
import { syncOrder } from "~/sync/orders.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { legacyId } from "../mocks/shopify/store";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const storedExpiry = async (shop: string) =>
  (await asSystem("test", (tx) => tx.select({ expires: sessions.expires }).from(sessions).where(eq(sessions.shopId, shop))))[0]?.expires;

describe("offline token refresh", () => {
  it("20 concurrent Admin calls on an expired token refresh it once, and every call succeeds", async () => {
    const shop = newShop("refresh");
    await install(simulator, shop);
    // The token Shopify issued has expired, and the stored session says so.
    simulator.expireAccessTokens(shop);
    await asSystem("test", (tx) => tx.update(sessions).set({ expires: new Date(Date.now() - 60_000) }).where(eq(sessions.shopId, shop)));
    const refreshesBefore = simulator.calls.refreshes;

    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => adminGraphql<{ shop: { name: string } }>(shop, "{ shop { name } }", {}, { baseDelayMs: 1, maxAttempts: 2 })),
    );
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    expect(simulator.calls.refreshes - refreshesBefore).toBe(1);
    // The new token was stored: a later call neither refreshes nor fails.
    expect((await storedExpiry(shop))!.getTime()).toBeGreaterThan(Date.now());
    await adminGraphql(shop, "{ shop { name } }");
    expect(simulator.calls.refreshes - refreshesBefore).toBe(1);
  });

  it("a live order re-read (shop row and stored token read together) refreshes an expired token once and applies the order", async () => {
    const shop = newShop("refresh-live");
    const store = addStore(simulator, shop, { currencyCode: "USD", ianaTimezone: "UTC" });
    seedStore(store, { seed: 5, orders: 3, days: 2, end: new Date("2026-11-20T15:00:00Z") });
    await install(simulator, shop);
    simulator.expireAccessTokens(shop);
    await asSystem("test", (tx) => tx.update(sessions).set({ expires: new Date(Date.now() - 60_000) }).where(eq(sessions.shopId, shop)));
    const refreshesBefore = simulator.calls.refreshes;
    const orderId = legacyId(store.orders.find((o) => !o.test)!.id);

    expect(await syncOrder(shop, String(orderId))).toBe("applied");
    expect(simulator.calls.refreshes - refreshesBefore).toBe(1);
    expect(await withShop(shop, (tx) => tx.select({ id: orders.orderId }).from(orders).where(and(eq(orders.shopId, shop), eq(orders.orderId, orderId))))).toEqual([{ id: orderId }]);
    // The refreshed token is the stored one now: the next re-read uses it as it is.
    expect(await syncOrder(shop, String(orderId))).toBe("applied");
    expect(simulator.calls.refreshes - refreshesBefore).toBe(1);
    // A shop that has no row (never installed, or erased) is not asked about, token or not.
    expect(await syncOrder(newShop("refresh-gone"), String(orderId))).toBe("missing-shop");
  });

  it("a token that is not near its expiry is used without a refresh", async () => {
    const shop = newShop("fresh");
    await install(simulator, shop);
    const refreshesBefore = simulator.calls.refreshes;
    await Promise.all(Array.from({ length: 5 }, () => adminGraphql(shop, "{ shop { name } }")));
    expect(simulator.calls.refreshes).toBe(refreshesBefore);
  });
});
