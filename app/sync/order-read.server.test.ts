import { describe, expect, it } from "vitest";

import { executeAdminGraphql } from "../../tests/mocks/shopify/admin-graphql";
import * as live from "../../tests/mocks/shopify/live";
import { seedStore } from "../../tests/mocks/shopify/seed";
import { createSimStore, type SimStore } from "../../tests/mocks/shopify/store";

import { AdminApiError } from "./admin-api.server";
import { readOrder } from "./order-read.server";

const T0 = Date.parse("2026-11-20T15:00:00Z");

function bigStore() {
  let now = T0;
  const store = createSimStore({ domain: "read-order.myshopify.com", now: () => now });
  Object.assign(store.bucket, { maximumAvailable: 100_000, currentlyAvailable: 100_000, restoreRate: 10_000 });
  seedStore(store, { seed: 5, orders: 3, days: 5, end: new Date(T0) });
  const variants = store.products.filter((p) => !p.isGiftCard).flatMap((p) => p.variants);
  const lines = Array.from({ length: 60 }, (_, i) => ({ variantId: variants[i % variants.length]!.id, quantity: 2 }));
  const { order } = live.placeOrder(store, { lines, shipping: 900, at: T0 + 1000 });
  return { store, order, variants, tick: (ms: number) => (now += ms) };
}

/** The simulator's Admin API as readOrder's transport; Shopify's errors (MAX_COST_EXCEEDED…) throw. */
function transport(store: SimStore, before?: (call: number) => void) {
  const calls: Array<{ query: string; cost: number }> = [];
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    before?.(calls.length);
    const result = await executeAdminGraphql(store, { query, variables });
    const body = result.json as { data?: T; errors?: unknown; extensions?: { cost?: { requestedQueryCost: number } } };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    calls.push({ query: query.match(/query (\w+)/)![1]!, cost: body.extensions!.cost!.requestedQueryCost });
    return body.data!;
  };
  return { graphql, calls };
}

const saleIds = (agreements: Array<{ sales: Array<{ id: string }> }>) => agreements.flatMap((a) => a.sales.map((s) => s.id));

describe("readOrder", () => {
  it("reads every sale of agreements larger than a page, each query under the 1,000-point limit", async () => {
    const { store, order, tick } = bigStore();
    tick(60_000);
    // A refund of every line: a second agreement of 60 sales.
    live.refund(store, order.id, { lines: order.lineItems.map((l) => ({ lineItemId: l.id, quantity: 2 })), shipping: true });
    tick(60_000);
    for (let i = 0; i < 4; i++) live.edit(store, order.id, { add: { variantId: order.lineItems[i]!.variantId!, quantity: 1 }, at: T0 + 200_000 + i * 1000 });
    const { graphql, calls } = transport(store);
    const read = await readOrder("read-order.myshopify.com", order.id, graphql);
    expect(read!.agreements.map((a) => a.agreement.id)).toEqual(order.agreements.map((a) => a.id));
    expect(saleIds(read!.agreements)).toEqual(saleIds(order.agreements));
    expect(order.agreements[0]!.sales.length).toBeGreaterThan(60);
    expect(calls.some((c) => c.query === "MarginNotesAgreementSales")).toBe(true);
    expect(Math.max(...calls.map((c) => c.cost))).toBeLessThanOrEqual(1000);
  });

  it("starts again when the order changes between two pages, and never returns the mixed read", async () => {
    const { store, order, variants, tick } = bigStore();
    const { graphql, calls } = transport(store, (call) => {
      // Between the first page and the next: a new line is added in Shopify.
      if (call === 1) {
        tick(2000);
        live.edit(store, order.id, { add: { variantId: variants[1]!.id, quantity: 1 } });
      }
    });
    const read = await readOrder("read-order.myshopify.com", order.id, graphql);
    expect(read!.order.updatedAt).toBe(order.updatedAt);
    expect(saleIds(read!.agreements)).toEqual(saleIds(order.agreements));
    expect(order.agreements).toHaveLength(2);
    expect(calls.length).toBeGreaterThan(3);
  });

  it("gives up with a retryable error when the order keeps changing, rather than apply a partial read", async () => {
    const { store, order, variants, tick } = bigStore();
    const { graphql } = transport(store, (call) => {
      if (call > 0) {
        tick(2000);
        live.edit(store, order.id, { add: { variantId: variants[call % 3]!.id, quantity: 1 } });
      }
    });
    const failure = await readOrder("read-order.myshopify.com", order.id, graphql).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AdminApiError);
    expect((failure as AdminApiError).retryable).toBe(true);
  });

  it("answers null for an order Shopify does not return", async () => {
    const { store } = bigStore();
    expect(await readOrder("read-order.myshopify.com", "gid://shopify/Order/1", transport(store).graphql)).toBeNull();
  });

  it("completes an order with more payments than a page holds, and refuses one it cannot read whole", async () => {
    const { store, order, tick } = bigStore();
    // 25 refunds of one unit each: 26 money transactions, more than ORDER_QUERY's 20.
    for (let i = 0; i < 25; i++) {
      tick(60_000);
      live.refund(store, order.id, { lines: [{ lineItemId: order.lineItems[i]!.id, quantity: 1 }], shipping: false });
    }
    expect(order.transactions.length).toBeGreaterThan(20);
    const { graphql, calls } = transport(store);
    const read = await readOrder("read-order.myshopify.com", order.id, graphql);
    expect((read!.order as { transactions: Array<{ id: string }> }).transactions.map((t) => t.id)).toEqual(order.transactions.map((t) => t.id));
    expect(calls.map((c) => c.query)).toContain("MarginNotesOrderPayments");
    expect(Math.max(...calls.map((c) => c.cost))).toBeLessThanOrEqual(1000);
    // Beyond what ORDER_PAYMENTS_QUERY holds: no read rather than a truncated one.
    for (let i = 25; i < 60; i++) live.refund(store, order.id, { lines: [{ lineItemId: order.lineItems[i]!.id, quantity: 2 }], shipping: false });
    // Declined attempts count too (Shopify lists every transaction): enough to pass 100.
    const base = order.transactions[0]!;
    for (let i = order.transactions.length; i <= 100; i++) order.transactions.push({ ...base, id: `gid://shopify/OrderTransaction/${9_000_000 + i}`, status: "FAILURE", fees: [] });
    expect(order.transactions.length).toBeGreaterThan(100);
    await expect(readOrder("read-order.myshopify.com", order.id, transport(store).graphql)).rejects.toThrow(AdminApiError);
  });
});
