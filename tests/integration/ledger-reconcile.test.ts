/**
 * A complete export reconciles the ledger: orders the ledger holds, created inside
 * the export's window, that the file does not have were deleted in Shopify and
 * leave the ledger (Shopify's sales reports leave deleted orders out). What must
 * NOT go: orders created after the export started, orders older than the app's
 * history access, orders whose staged version is stale, other shops' orders.
 */
import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { finalizeRun } from "~/sync/ledger.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "Europe/Berlin";

async function backfill(shop: string, orders: number) {
  const runId = randomUUID();
  await withShop(shop, (tx) => stageRun(tx, shop, runId, orders));
  await withShop(shop, (tx) => finalizeRun(tx, shop, runId, TZ, "bulk"));
}

const heldOrders = async (shop: string) =>
  (await withShop(shop, (tx) => queryRows<{ id: string }>(tx, sql`select order_id::text as id from orders where shop_id = ${shop} order by order_id`))).map((r) => Number(r.id));
const salesOf = async (shop: string, orderId: number) =>
  (await withShop(shop, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from sales where shop_id = ${shop} and order_id = ${orderId}`)))[0]!.n;

/** Stages orders 1..n minus `absent` (as a file without them would). */
async function stageExport(shop: string, n: number, absent: number[]): Promise<string> {
  const runId = randomUUID();
  await withShop(shop, async (tx) => {
    await stageRun(tx, shop, runId, n);
    for (const id of absent) {
      await tx.execute(sql`delete from staged_sales where shop_id = ${shop} and run_id = ${runId} and agreement_id in (${id * 10}, ${id * 10 + 1})`);
      await tx.execute(sql`delete from staged_agreements where shop_id = ${shop} and run_id = ${runId} and order_id = ${id}`);
      await tx.execute(sql`delete from staged_orders where shop_id = ${shop} and run_id = ${runId} and order_id = ${id}`);
    }
  });
  return runId;
}

describe("a complete export reconciles deleted orders", () => {
  it("removes the orders (and their sales and rollups) Shopify no longer has, inside the window only", async () => {
    const shop = newShop("reconcile");
    const other = newShop("reconcile-other");
    await backfill(shop, 100);
    await backfill(other, 100);
    // Order 5000 came by webhook after the export started: not in the file, not deleted.
    const live = randomUUID();
    await withShop(shop, (tx) => stageRun(tx, shop, live, 1, 5000));
    await withShop(shop, (tx) => finalizeRun(tx, shop, live, TZ, "live"));
    await asSystem("test: an order created after the export began", (tx) =>
      tx.execute(sql`update orders set created_at = '2026-12-15T00:00:00Z' where shop_id = ${shop} and order_id = 5000`));
    // Order 3's ledger version is newer than the file's: stale in the file, but it exists.
    await asSystem("test: a newer version held", (tx) =>
      tx.execute(sql`update orders set source_updated_at = '2027-01-01T00:00:00Z' where shop_id = ${shop} and order_id = 3`));
    expect(await salesOf(shop, 42)).toBeGreaterThan(0);
    const [before] = await withShop(shop, (tx) => queryRows<{ orders: number }>(tx, sql`select coalesce(sum(orders), 0)::int as orders from daily_orders where shop_id = ${shop}`));

    // The new export: orders 7 and 42 deleted in Shopify; order 1 absent but older than the history we may read.
    const runId = await stageExport(shop, 100, [1, 7, 42]);
    await withShop(shop, (tx) => finalizeRun(tx, shop, runId, TZ, "bulk", { from: new Date("2026-01-05T00:00:00Z"), to: new Date("2026-12-01T00:00:00Z") }));

    const held = await heldOrders(shop);
    expect(held).not.toContain(7);
    expect(held).not.toContain(42);
    expect(held).toContain(1);
    expect(held).toContain(3);
    expect(held).toContain(5000);
    expect(held).toHaveLength(100 + 1 - 2);
    expect(await salesOf(shop, 42)).toBe(0);
    expect(await salesOf(shop, 7)).toBe(0);
    const [after] = await withShop(shop, (tx) => queryRows<{ orders: number }>(tx, sql`select coalesce(sum(orders), 0)::int as orders from daily_orders where shop_id = ${shop}`));
    expect(after!.orders).toBe(before!.orders - 2);
    // The other shop is untouched.
    expect(await heldOrders(other)).toHaveLength(100);
  });

  it("without a window (a re-read, or an export that is not complete) nothing is removed", async () => {
    const shop = newShop("reconcile-none");
    await backfill(shop, 20);
    const runId = await stageExport(shop, 20, [5]);
    await withShop(shop, (tx) => finalizeRun(tx, shop, runId, TZ, "bulk"));
    expect(await heldOrders(shop)).toContain(5);
  });
});
