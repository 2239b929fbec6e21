/**
 * Orders bigger than one page of Shopify's paginated Admin API: the live re-read
 * must page through every agreement and every sale, because the ledger replaces
 * an order's sales with what a read returns — a partial read deletes revenue.
 */
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { sales } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth, settle } from "../ledger-truth";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { legacyId } from "../mocks/shopify/store";

import "~/sync/jobs.server";

const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

describe("an order with more sales than one page", () => {
  it("keeps every sale of a 60-line order edited twice, and equals the truth", async () => {
    const shop = newShop("big");
    const store = addStore(simulator, shop, { ianaTimezone: "America/New_York", currencyCode: "USD" });
    seedStore(store, { seed: 31, orders: 40, days: 20, end: END });
    await install(simulator, shop);
    await settle(simulator, shop);

    const variants = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants);
    const lines = Array.from({ length: 60 }, (_, i) => ({ variantId: variants[i % variants.length]!.id, quantity: 1 + (i % 3) }));
    const { order } = await simulator.placeOrder(shop, { lines, shipping: 1500 }, { at: new Date(END.getTime() + 60_000) });
    await settle(simulator, shop);
    // The next day: one edit adds a line, the other takes units off another.
    await simulator.editOrder(shop, order.id, { add: { variantId: variants[0]!.id, quantity: 2 } }, { at: new Date(END.getTime() + 86_400_000) });
    await simulator.editOrder(shop, order.id, { remove: { lineItemId: order.lineItems[41]!.id, quantity: 1 } }, { at: new Date(END.getTime() + 86_460_000) });
    await settle(simulator, shop);

    const expected = order.agreements.flatMap((a) => a.sales.map((s) => String(legacyId(s.id)))).sort();
    // The OrderAgreement alone needs three pages of sales (60 products + shipping).
    expect(order.agreements[0]!.sales.length).toBeGreaterThan(60);
    const held = await withShop(shop, (tx) =>
      tx.select({ id: sales.saleId }).from(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, legacyId(order.id)))),
    );
    expect(held.map((r) => String(r.id)).sort()).toEqual(expected);
    await expectLedgerEqualsTruth(shop, store, 3);
  });
});
