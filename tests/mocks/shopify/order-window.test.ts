/**
 * The simulator enforces Shopify's 60-day order window for an app without
 * read_all_orders: "Only the last 60 days' worth of orders from a store are
 * accessible from the Order object by default" (shopify.dev, Order object) — in
 * order(id:), node(id:), the orders connection and bulk operations alike.
 */
import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { BULK_RUN_MUTATION, ORDER_QUERY, ORDERS_BULK_QUERY } from "~/sync/queries.server";

import { executeAdminGraphql } from "./admin-graphql";
import { completeBulkOperations } from "./bulk";
import { seedStore } from "./seed";
import { createSimStore, type SimStore } from "./store";

const NOW = Date.parse("2026-11-20T15:00:00Z");
const DAY = 86_400_000;

function store(scopes: string[] | undefined) {
  const s = createSimStore({ domain: "window.myshopify.com", now: () => NOW });
  Object.assign(s.bucket, { maximumAvailable: 100_000, currentlyAvailable: 100_000, restoreRate: 10_000 });
  seedStore(s, { seed: 7, orders: 200, days: 120, end: new Date(NOW - 3_600_000) });
  s.grantedScopes = scopes;
  return s;
}

async function gql(s: SimStore, query: string, variables: Record<string, unknown> = {}) {
  return (await executeAdminGraphql(s, { query, variables })).json as { data: Record<string, { id: string } | null | { nodes: Array<{ id: string }> }> };
}

async function bulkOrderIds(s: SimStore): Promise<string[]> {
  await gql(s, BULK_RUN_MUTATION, { query: ORDERS_BULK_QUERY });
  const [op] = await completeBulkOperations(s);
  return readFileSync(op!.filePath!, "utf8").split("\n").filter(Boolean)
    .map((line) => JSON.parse(line) as { id: string; __parentId?: string }).filter((n) => !n.__parentId).map((n) => n.id);
}

describe("the 60-day window without read_all_orders", () => {
  const old = (s: SimStore) => s.orders.find((o) => Date.parse(o.createdAt) < NOW - 61 * DAY)!;
  const recent = (s: SimStore) => s.orders.find((o) => Date.parse(o.createdAt) > NOW - 59 * DAY)!;

  it("hides older orders from order(id:), node(id:), orders and bulk operations", async () => {
    const s = store(["read_orders", "read_products"]);
    expect((await gql(s, ORDER_QUERY, { id: old(s).id })).data.order).toBeNull();
    expect((await gql(s, `query N($id: ID!) { node(id: $id) { id } }`, { id: old(s).id })).data.node).toBeNull();
    expect((await gql(s, ORDER_QUERY, { id: recent(s).id })).data.order).toMatchObject({ id: recent(s).id });
    const listed = (await gql(s, `query L { orders(first: 250) { nodes { id createdAt } } }`)).data.orders as { nodes: Array<{ id: string; createdAt: string }> };
    expect(listed.nodes.length).toBeGreaterThan(0);
    expect(listed.nodes.every((o) => Date.parse(o.createdAt) >= NOW - 60 * DAY)).toBe(true);
    const ids = await bulkOrderIds(s);
    expect(ids.sort()).toEqual(s.orders.filter((o) => Date.parse(o.createdAt) >= NOW - 60 * DAY).map((o) => o.id).sort());
    expect(ids).not.toContain(old(s).id);
  });

  it("shows every order with read_all_orders", async () => {
    const s = store(["read_orders", "read_all_orders", "read_products"]);
    expect((await gql(s, ORDER_QUERY, { id: old(s).id })).data.order).toMatchObject({ id: old(s).id });
    expect((await bulkOrderIds(s)).length).toBe(s.orders.length);
  });
});
