/**
 * The ledger's cost is a property of its query plans, so the plans are tested,
 * not the clock (timings belong to `npm run bench:ingest` / `bench:live`):
 *  - a bulk finalize of 20,000 staged orders runs as hash joins and grouped
 *    aggregates: no nested loop and no per-row subplan over the staged tables
 *    (the shipped code of 2026-11 had both, and took minutes at this size);
 *  - a live change moves its orders' contribution to the rollups: it reaches
 *    those orders and their sales by key and the rollup rows by primary key,
 *    never by scanning the shop's history, a day of it, or the rollups.
 * On both databases (PGlite and PostgreSQL as the unprivileged app login).
 */
import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { getDb, queryRows, type Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { finalizeRun, finalizeSteps } from "~/sync/ledger.server";
import { contributionStep, planForBulk, pruneStep, rebuildSteps } from "~/sync/rollups.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "America/New_York";
const ORDERS = 20_000;

async function explain(tx: Tx, query: ReturnType<typeof sql>): Promise<string> {
  const rows = await queryRows<Record<string, string>>(tx, sql`explain ${query}`);
  return rows.map((r) => Object.values(r)[0]).join("\n");
}

let shop: string;
beforeAll(async () => {
  shop = newShop("plan");
  await withShop(shop, (tx) => tx.execute(sql`
    insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
    select ${shop}, item, timestamptz '2026-03-01' + v * interval '60 days', 3 + v, 'webhook'
    from generate_series(1, 50) item, generate_series(0, 3) v`));
});

describe("the bulk finalize is linear in the run", () => {
  it(`plans ${ORDERS.toLocaleString("en-US")} staged orders with no nested loop and no per-row subplan, then applies them`, async () => {
    const runId = randomUUID();
    await withShop(shop, (tx) => stageRun(tx, shop, runId, ORDERS));
    const plans = await withShop(shop, async (tx) => {
      await planForBulk(tx);
      const out: Array<{ name: string; plan: string }> = [];
      const steps = [...finalizeSteps(shop, runId), ...finalizeSteps(shop, runId, { fresh: true }), ...finalizeSteps(shop, runId, { direct: true }),
        ...rebuildSteps(shop, TZ)];
      for (const step of steps) {
        out.push({ name: step.name, plan: await explain(tx, step.query) });
      }
      return out;
    });
    for (const { name, plan } of plans) {
      expect(plan, `${name}:\n${plan}`).not.toMatch(/Nested Loop/);
      expect(plan, `${name}:\n${plan}`).not.toMatch(/SubPlan \d/);
    }

    const result = await withShop(shop, (tx) => finalizeRun(tx, shop, runId, TZ, "bulk"));
    expect(result.orders).toBe(ORDERS);
    const [counts] = await withShop(shop, (tx) => queryRows<{ orders: number; sales: number; costed: number; returns: number }>(tx, sql`
      select (select count(*) from orders where shop_id = ${shop})::int as orders,
        (select count(*) from sales where shop_id = ${shop})::int as sales,
        (select count(*) from sales where shop_id = ${shop} and cogs is not null)::int as costed,
        (select count(*) from sales where shop_id = ${shop} and action_type = 'RETURN' and unit_cost is not null)::int as returns`));
    expect(counts).toEqual({ orders: ORDERS, sales: ORDERS * 3 + ORDERS / 10, costed: ORDERS * 2 + ORDERS / 10, returns: ORDERS / 10 });
  });
});

describe("a live change costs what it changes", () => {
  it("moves a changed order's contribution through the keys of its orders, sales and rollup rows", async () => {
    // The ledger tables have statistics in production (autovacuum analyzes them);
    // here, as their owner, give them the statistics of this shop's history.
    await (await getDb()).execute(sql`analyze orders, sales, order_transactions, daily_rollups, daily_orders, daily_totals, monthly_rollups, daily_payment_fees, daily_shipping`);
    const runId = `order-12345-${randomUUID()}`;
    const plans = await withShop(shop, async (tx) => {
      await stageRun(tx, shop, runId, 1, 12_345);
      const applied = sql`select so.order_id from staged_orders so where so.shop_id = ${shop} and so.run_id = ${runId}`;
      const out: string[] = [];
      for (const sign of [-1, 1] as const) out.push(await explain(tx, contributionStep(shop, TZ, applied, sign).query));
      // The rollup tables are a few pages here, where a seq scan is the right plan;
      // what must hold is that every delete can be served by its key: a qual row
      // level security kept out of the index would leave a Seq Scan even with them off.
      await tx.execute(sql`set local enable_seqscan = off`);
      out.push(await explain(tx, pruneStep(shop, ["2026-03-08", "2026-06-01"]).query));
      return out;
    });
    const [takeOut, add, prune] = plans;
    for (const plan of [takeOut!, add!]) {
      expect(plan).toMatch(/sales_order_idx/);
      expect(plan).toMatch(/orders_pkey|orders_shop_id_order_id_pk/);
      // The order's payments by their order key, like its sales.
      expect(plan).toMatch(/order_transactions_order_idx/);
      expect(plan).not.toMatch(/Seq Scan on (sales|orders|order_transactions|daily_rollups|daily_orders|daily_totals|monthly_rollups|daily_payment_fees|daily_shipping)\b/);
    }
    expect(prune).not.toMatch(/Seq Scan on (daily_rollups|daily_orders|daily_totals|monthly_rollups|daily_payment_fees|daily_shipping)/);
  });

  it("a live finalize of a changed order is eight statements, whatever the shop's history", async () => {
    // Round trips are most of a live change's time once every statement is by key:
    // the ledger lock, the stale-read guard, the contribution out, removed sales and
    // payments with the payments' upsert, the sales, the returns' cost with the orders,
    // the contribution back, staged rows and emptied rollup rows (ledger.server.ts).
    const orderId = 12_346;
    const statementsPerPass: number[] = [];
    for (const pass of [1, 2]) {
      const runId = `order-${orderId}-${pass}-${randomUUID()}`;
      statementsPerPass.push(await withShop(shop, async (tx) => {
        await stageRun(tx, shop, runId, 1, orderId);
        let statements = 0;
        const execute = tx.execute.bind(tx);
        (tx as { execute: typeof execute }).execute = ((query: Parameters<typeof execute>[0]) => {
          statements++;
          return execute(query);
        }) as typeof execute;
        await finalizeRun(tx, shop, runId, TZ, "live");
        return statements;
      }));
    }
    // The first pass creates the order, the second replaces it: the same statements.
    expect(statementsPerPass).toEqual([8, 8]);
    const [held] = await withShop(shop, (tx) => queryRows<{ orders: number; sales: number; staged: number }>(tx, sql`
      select (select count(*) from orders where shop_id = ${shop} and order_id = ${orderId})::int as orders,
        (select count(*) from sales where shop_id = ${shop} and order_id = ${orderId})::int as sales,
        (select count(*) from staged_orders where shop_id = ${shop} and run_id like ${`order-${orderId}-%`})::int as staged`));
    expect(held).toEqual({ orders: 1, sales: 3, staged: 0 });
  });

  it("a live finalize of one order reads the run through the staged keys", async () => {
    const runId = `order-9999999-${randomUUID()}`;
    const plans = await withShop(shop, async (tx) => {
      await stageRun(tx, shop, runId, 1, 9_999_999);
      const out: Array<{ name: string; plan: string }> = [];
      for (const step of finalizeSteps(shop, runId)) out.push({ name: step.name, plan: await explain(tx, step.query) });
      return out;
    });
    for (const { name, plan } of plans) {
      // Whatever the join method, no step walks a whole table of the ledger or the staging.
      expect(plan, `${name}:\n${plan}`).not.toMatch(/Seq Scan on (sales|orders|order_transactions|staged_\w+)\b/);
    }
  });
});
