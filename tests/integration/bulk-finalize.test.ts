/**
 * applyBulkRun (app/sync/bulk-finalize.server.ts) applies a bulk run in parts, at
 * once, on separate connections (two on PostgreSQL, one on PGlite). What must hold:
 *  - the ledger and every rollup end exactly as the single-transaction finalize
 *    leaves them for the same staged run;
 *  - a part that fails leaves no order of its own behind (its transaction rolls
 *    back), the job's retry applies the whole run, and the result is again exactly
 *    the single-transaction one — no order lost, none doubled;
 *  - once the merchant's data is being erased, no part writes anything.
 */
import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { getDatabase, queryRows } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { markShopErasing, ShopErasingError } from "~/shops.server";
import { applyBulkRun, FINALIZE_PARTS } from "~/sync/bulk-finalize.server";
import { finalizeRun, lockLedger } from "~/sync/ledger.server";
import { rebuildAllRollups } from "~/sync/rollups.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "America/New_York";
const ORDERS = 600;

/** A shop whose run is staged (with costs for the items it sells). */
async function stagedShop(prefix: string): Promise<{ shop: string; runId: string }> {
  const shop = newShop(prefix);
  const runId = randomUUID();
  await withShop(shop, async (tx) => {
    await tx.insert(shops).values({ shopId: shop, currencyCode: "USD", ianaTimezone: TZ });
    await tx.execute(sql`
      insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
      select ${shop}, item, timestamptz '2025-06-01', case when item = 7 then 10000000 else 3 + item % 5 end, 'backfill'
      from generate_series(1, 50) item`);
    await stageRun(tx, shop, runId, ORDERS);
  });
  return { shop, runId };
}

/** The shop's ledger and rollups, shop id left out, in a stable order. */
const ledgerOf = (shop: string) => withShop(shop, async (tx) => ({
  orders: await queryRows(tx, sql`select order_id::text, placed_at, created_at, test, original_net_product::text, source_updated_at
    from orders where shop_id = ${shop} order by order_id`),
  sales: await queryRows(tx, sql`select sale_id::text, order_id::text, happened_at, gross_sales::text, discounts::text, returns::text,
      shipping::text, units, unit_cost::text, cost_source, cogs::text
    from sales where shop_id = ${shop} order by sale_id`),
  rollups: await queryRows(tx, sql`select day::text, product_id::text, gross_sales::text, cogs::text, lines
    from daily_rollups where shop_id = ${shop} order by day, product_id`),
  months: await queryRows(tx, sql`select month::text, product_id::text, gross_sales::text, lines from monthly_rollups where shop_id = ${shop} order by 1, 2`),
  days: await queryRows(tx, sql`select day::text, orders, original_net_product::text from daily_orders where shop_id = ${shop} order by day`),
}));

async function rebuild(shop: string) {
  await withShop(shop, async (tx) => {
    await lockLedger(tx, shop);
    await rebuildAllRollups(tx, shop, TZ);
  });
}

describe("a bulk run applied in parts", () => {
  it("ends exactly as the single-transaction finalize", async () => {
    const single = await stagedShop("single");
    await withShop(single.shop, (tx) => finalizeRun(tx, single.shop, single.runId, TZ, "bulk"));
    const parts = await stagedShop("parts");
    const applied = await applyBulkRun(parts.shop, parts.runId, undefined);
    await rebuild(parts.shop);

    expect(applied.orders).toBe(ORDERS);
    const expected = await ledgerOf(single.shop);
    expect(expected.sales.length).toBeGreaterThan(ORDERS * 3);
    expect(await ledgerOf(parts.shop)).toEqual(expected);
  });

  it("a part that fails commits nothing of its own; the retry applies the whole run exactly once", async () => {
    const reference = await stagedShop("reference");
    await withShop(reference.shop, (tx) => finalizeRun(tx, reference.shop, reference.runId, TZ, "bulk"));

    const { shop, runId } = await stagedShop("faulty");
    // One more sale on order 3 (an odd id: the second part on PostgreSQL) whose cost
    // cannot be stored (2e9 units × 10,000,000 > numeric(20, 4)): its part fails.
    await withShop(shop, (tx) => tx.execute(sql`
      insert into staged_sales (shop_id, run_id, sale_id, agreement_id, action_type, line_type, quantity, line_item_id,
        product_id, variant_id, inventory_item_id, total_amount)
      values (${shop}, ${runId}, 999999, 30, 'ORDER', 'PRODUCT', 2000000000, 999999, 7, 7, 7, 10)`));
    await expect(applyBulkRun(shop, runId, undefined)).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/numeric field overflow/i) }),
    });

    const [held] = await withShop(shop, (tx) => queryRows<{ even: number; odd: number; sales: number }>(tx, sql`
      select count(*) filter (where order_id % 2 = 0)::int as even, count(*) filter (where order_id % 2 = 1)::int as odd,
        (select count(*) from sales where shop_id = ${shop})::int as sales
      from orders where shop_id = ${shop}`));
    // The failed part left nothing; on PostgreSQL the other part committed its orders.
    expect(held!.odd).toBe(0);
    const parts = (await getDatabase()).driver === "postgres" ? FINALIZE_PARTS : 1;
    expect(held!.even).toBe(parts > 1 ? ORDERS / 2 : 0);

    // The retry (the ingest job runs the finalize again) once the cause is gone.
    await withShop(shop, (tx) => tx.execute(sql`delete from staged_sales where shop_id = ${shop} and run_id = ${runId} and sale_id = 999999`));
    const applied = await applyBulkRun(shop, runId, undefined);
    await rebuild(shop);
    expect(applied.orders).toBe(ORDERS);
    expect(await ledgerOf(shop)).toEqual(await ledgerOf(reference.shop));
  });

  it("writes nothing once the shop's data is being erased", async () => {
    const { shop, runId } = await stagedShop("erasing");
    await asSystem("test: the owner asked to erase", (tx) => markShopErasing(tx, shop));
    await expect(applyBulkRun(shop, runId, { from: null, to: new Date() })).rejects.toBeInstanceOf(ShopErasingError);
    const [held] = await withShop(shop, (tx) => queryRows<{ orders: number; sales: number }>(tx, sql`
      select (select count(*) from orders where shop_id = ${shop})::int as orders, (select count(*) from sales where shop_id = ${shop})::int as sales`));
    expect(held).toEqual({ orders: 0, sales: 0 });
  });
});
