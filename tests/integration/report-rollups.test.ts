/**
 * The report rollups are derived data, so they are checked against what they
 * derive from, on both databases: after a backfill and after live changes,
 *  - monthly_rollups = daily_rollups summed by month, daily_totals = by day;
 *  - the live path leaves exactly what a full rebuild would;
 *  - a dashboard range that starts and ends mid-month and crosses both DST changes
 *    (America/New_York, 2026-03-08 and 2026-11-01) ranks products and totals the
 *    period exactly as the daily rows and the sales themselves say, to the cent.
 */
import { randomUUID } from "node:crypto";

import Big from "big.js";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { getDatabase, queryRows, type Tx } from "~/db/client.server";
import { Pipeline } from "~/db/pipeline.server";
import { prepareStatements } from "~/db/prepared.server";
import { withShop } from "~/db/tenant.server";
import { readReport } from "~/reports/build.server";
import { computeMetrics, sumComponents } from "~/reports/metrics";
import type { ProductSort } from "~/reports/product-sort";
import { finalizeRun, lockLedger, removeOrder } from "~/sync/ledger.server";
import { rebuildAllRollups } from "~/sync/rollups.server";
import { shopFacts } from "~/trust/shop-facts.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "America/New_York";
const SUMS = sql.raw(`sum(gross_sales)::text as gross, sum(discounts)::text as discounts, sum(returns)::text as returns,
  sum(shipping)::text as shipping, sum(taxes)::text as taxes, sum(units)::int as units, sum(cogs)::text as cogs,
  sum(net_sales_with_cost)::text as nswc, sum(costed_from_backfill)::text as backfill`);

/** Rows of `query` that `other` lacks, both ways: empty when the two sets are equal. */
async function difference(tx: Tx, query: ReturnType<typeof sql>, other: ReturnType<typeof sql>) {
  return queryRows<Record<string, unknown>>(tx, sql`(${query} except all ${other}) union all (${other} except all ${query})`);
}

async function expectDerivedConsistent(shop: string) {
  await withShop(shop, async (tx) => {
    const months = await difference(tx,
      sql`select month::text as key, product_id, ${SUMS} from monthly_rollups where shop_id = ${shop} group by 1, 2`,
      sql`select date_trunc('month', day::timestamp)::date::text, product_id, ${SUMS} from daily_rollups where shop_id = ${shop} group by 1, 2`);
    expect(months).toEqual([]);
    const days = await difference(tx,
      sql`select day::text as key, ${SUMS} from daily_totals where shop_id = ${shop} group by 1`,
      sql`select day::text, ${SUMS} from daily_rollups where shop_id = ${shop} group by 1`);
    expect(days).toEqual([]);
    const [count] = await queryRows<{ months: number }>(tx, sql`select count(*)::int as months from monthly_rollups where shop_id = ${shop}`);
    expect(count!.months).toBeGreaterThan(12 * 40);
  });
}

/** Every rollup row the shop holds, every column: the live path must leave exactly what a rebuild writes. */
const snapshot = (shop: string) => withShop(shop, async (tx) => ({
  products: await queryRows(tx, sql`select * from daily_rollups where shop_id = ${shop} order by day, product_id`),
  totals: await queryRows(tx, sql`select * from daily_totals where shop_id = ${shop} order by day`),
  months: await queryRows(tx, sql`select * from monthly_rollups where shop_id = ${shop} order by month, product_id`),
  orders: await queryRows(tx, sql`select * from daily_orders where shop_id = ${shop} order by day`),
  fees: await queryRows(tx, sql`select * from daily_payment_fees where shop_id = ${shop} order by day, gateway`),
  shipping: await queryRows(tx, sql`select * from daily_shipping where shop_id = ${shop} order by day, method`),
}));

async function expectLiveEqualsRebuild(shop: string) {
  const live = await snapshot(shop);
  await withShop(shop, (tx) => rebuildAllRollups(tx, shop, TZ));
  const rebuilt = await snapshot(shop);
  expect(live.products.length).toBeGreaterThan(0);
  expect(live.fees.length).toBeGreaterThan(0);
  expect(live.shipping.length).toBeGreaterThan(0);
  expect(live).toEqual(rebuilt);
}

/**
 * Rewrites staged rows of a run (app_tenant may insert and delete staged rows, not
 * update them: a delete … returning feeding an insert, in one statement).
 */
const rewrite = (shop: string, table: string, runId: string, set: string, where = "true") => sql`
  with gone as (delete from ${sql.identifier(table)} where shop_id = ${shop} and run_id = ${runId} and ${sql.raw(where)} returning *)
  insert into ${sql.identifier(table)}
  select (jsonb_populate_record(null::${sql.identifier(table)}, to_jsonb(gone) || ${sql.raw(`jsonb_build_object(${set})`)})).* from gone`;

/**
 * finalizeRun "live" as the re-read job runs it (orders.server.ts): on PostgreSQL its
 * statements prepared and pipelined (db/pipeline.server.ts), elsewhere one at a time.
 */
async function finalizeLive(tx: Tx, shop: string, runId: string) {
  const { prepares } = await getDatabase();
  prepareStatements(tx, prepares);
  await finalizeRun(tx, shop, runId, TZ, "live", undefined, { pipeline: prepares ? new Pipeline() : undefined });
}

/** Re-reads order `order` (a newer version), its staged rows changed by `changes`, and applies it live. */
async function reread(shop: string, order: number, changes: Array<[table: string, set: string, where?: string]>) {
  const runId = `order-${order}-${randomUUID()}`;
  await withShop(shop, async (tx) => {
    await stageRun(tx, shop, runId, 1, order);
    await tx.execute(rewrite(shop, "staged_orders", runId, "'source_updated_at', now()"));
    for (const [table, set, where] of changes) await tx.execute(rewrite(shop, table, runId, set, where));
    await finalizeLive(tx, shop, runId);
  });
}

let shop: string;
beforeAll(async () => {
  shop = newShop("rollups");
  const runId = randomUUID();
  await withShop(shop, async (tx) => {
    await stageRun(tx, shop, runId, 3000);
    await finalizeRun(tx, shop, runId, TZ, "bulk");
  });
});

describe("the report rollups equal the daily rollups they derive from", () => {
  it("after a backfill, and the Security page counts them among the rows held", async () => {
    await expectDerivedConsistent(shop);
    const [counts] = await withShop(shop, (tx) => queryRows<{ days: number; totals: number; months: number }>(tx, sql`
      select (select count(*) from daily_rollups where shop_id = ${shop})::int as days,
        (select count(*) from daily_totals where shop_id = ${shop})::int as totals,
        (select count(*) from monthly_rollups where shop_id = ${shop})::int as months`));
    const held = Object.fromEntries((await shopFacts(shop)).holdings.map((h) => [h.label, h.rows]));
    expect(held).toMatchObject({
      "Daily report totals per product": counts!.days,
      "Daily report totals (all products)": counts!.totals,
      "Monthly report totals per product": counts!.months,
    });
  });

  it("after live changes: new orders, an order whose amounts change, an order moved to another month", async () => {
    // New orders on days across the year (mid-month days included).
    const added = `order-new-${randomUUID()}`;
    await withShop(shop, async (tx) => {
      await stageRun(tx, shop, added, 40, 100_001);
      await finalizeLive(tx, shop, added);
    });
    // Re-reads of held orders: new amounts, and one whose sales now happen 40 days
    // later (its old month and its new one both change). Newer versions win.
    await reread(shop, 17, [["staged_sales", "'total_amount', case when gone.line_type = 'PRODUCT' then 37.45 else gone.total_amount end"]]);
    await reread(shop, 1234, [["staged_agreements", "'happened_at', gone.happened_at + interval '40 days'"]]);
    const [moved] = await withShop(shop, (tx) => queryRows<{ days: number }>(tx, sql`
      select count(distinct (happened_at at time zone ${TZ})::date)::int as days from sales
      where shop_id = ${shop} and order_id = 1234 and happened_at > timestamptz '2026-01-01' + (1234 % 365 + 39) * interval '1 day'`));
    expect(moved!.days).toBeGreaterThan(0);
    await expectDerivedConsistent(shop);
    await expectLiveEqualsRebuild(shop);
  });

  it("ranks products and totals a mid-month range across both DST changes to the cent", async () => {
    const period = { from: "2026-03-05", to: "2026-11-20" };
    const sorts: ProductSort[] = [
      { column: "netSales", direction: "desc" }, { column: "grossProfit", direction: "desc" },
      { column: "units", direction: "asc" }, { column: "title", direction: "asc" },
    ];
    await withShop(shop, async (tx) => {
      // The products' figures straight from the daily rows of those local days.
      const daily = await queryRows<{ productId: string; grossSales: string; discounts: string; returns: string; cogs: string; netSalesWithCost: string; units: number }>(tx, sql`
        select product_id::text as "productId", sum(gross_sales)::text as "grossSales", sum(discounts)::text as discounts,
          sum(returns)::text as returns, sum(cogs)::text as cogs, sum(net_sales_with_cost)::text as "netSalesWithCost", sum(units)::int as units
        from daily_rollups where shop_id = ${shop} and product_id <> 0 and day between ${period.from}::date and ${period.to}::date
        group by product_id`);
      const expected = new Map(daily.map((r) => {
        const m = computeMetrics(sumComponents([r]));
        return [r.productId, { netSales: m.netSales, grossProfit: m.grossProfit, units: m.units, grossMarginPercent: m.grossMarginPercent }];
      }));
      expect(expected.size).toBe(50);
      for (const sort of sorts) {
        const report = await readReport(tx, shop, { period, compare: null, compareMode: "none" }, "USD", { topProducts: 100, sort });
        const got = new Map(report.topProducts.map((p) => [p.productId, { netSales: p.netSales, grossProfit: p.grossProfit, units: p.units, grossMarginPercent: p.grossMarginPercent }]));
        expect(got).toEqual(expected);
        if (sort.column === "netSales" || sort.column === "grossProfit") {
          const values = report.topProducts.map((p) => new Big(p[sort.column as "netSales" | "grossProfit"]));
          expect(values.every((v, i) => i === 0 || v.lte(values[i - 1]!)), `${sort.column} descending`).toBe(true);
        }
        if (sort.column === "units") expect(report.topProducts.map((p) => p.units)).toEqual([...report.topProducts.map((p) => p.units)].sort((a, b) => a - b));
      }

      // The period's totals, from the sales of [local midnight of from, local midnight after to).
      const [truth] = await queryRows<{ gross: string; net: string; shipping: string; orders: number }>(tx, sql`
        select (select sum(s.gross_sales) from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
                where s.shop_id = ${shop} and not o.test
                  and s.happened_at >= (${period.from}::date)::timestamp at time zone ${TZ}
                  and s.happened_at < (${period.to}::date + 1)::timestamp at time zone ${TZ})::numeric(20, 2)::text as gross,
          (select sum(s.gross_sales + s.discounts + s.returns) from sales s
                where s.shop_id = ${shop}
                  and s.happened_at >= (${period.from}::date)::timestamp at time zone ${TZ}
                  and s.happened_at < (${period.to}::date + 1)::timestamp at time zone ${TZ})::numeric(20, 2)::text as net,
          (select sum(s.shipping) from sales s
                where s.shop_id = ${shop}
                  and s.happened_at >= (${period.from}::date)::timestamp at time zone ${TZ}
                  and s.happened_at < (${period.to}::date + 1)::timestamp at time zone ${TZ})::numeric(20, 2)::text as shipping,
          (select count(*) from orders o where o.shop_id = ${shop} and not o.test
                  and o.placed_at >= (${period.from}::date)::timestamp at time zone ${TZ}
                  and o.placed_at < (${period.to}::date + 1)::timestamp at time zone ${TZ})::int as orders`);
      const report = await readReport(tx, shop, { period, compare: { from: "2025-03-05", to: "2025-11-20" }, compareMode: "previous_year" }, "USD");
      expect(report.current).toMatchObject({ grossSales: truth!.gross, netSales: truth!.net, shipping: truth!.shipping, orders: truth!.orders });
      expect(report.series).toHaveLength(261);
      expect(report.previous).toMatchObject({ netSales: "0.00", orders: 0 });
    });
  });
});

describe("a live change moves only its own contribution, and leaves what a rebuild would", () => {
  let own: string;
  beforeAll(async () => {
    own = newShop("contrib");
    const runId = randomUUID();
    await withShop(own, async (tx) => {
      await stageRun(tx, own, runId, 400);
      await finalizeRun(tx, own, runId, TZ, "bulk");
    });
  });

  it("a product that leaves a day leaves no empty row behind (daily, totals, month)", async () => {
    // Order 5000 alone sells product 777777: placed on 2026-09-13, refunded on 2026-09-15.
    await reread(own, 5000, [["staged_sales", "'product_id', 777777", "line_type = 'PRODUCT'"]]);
    const held = async () => (await withShop(own, (tx) => queryRows<{ days: number; months: number }>(tx, sql`
      select (select count(*) from daily_rollups where shop_id = ${own} and product_id = 777777)::int as days,
        (select count(*) from monthly_rollups where shop_id = ${own} and product_id = 777777)::int as months`)))[0];
    expect(await held()).toEqual({ days: 2, months: 1 });
    await expectLiveEqualsRebuild(own);
    // Re-read: it now sells product 888888 instead.
    await reread(own, 5000, [["staged_sales", "'product_id', 888888", "line_type = 'PRODUCT'"]]);
    expect(await held()).toEqual({ days: 0, months: 0 });
    await expectLiveEqualsRebuild(own);
  });

  it("an order that becomes a test order, a later-day edit added then undone, an order that leaves its day, a deleted order", async () => {
    const placed = async () => (await withShop(own, (tx) => queryRows<{ n: number }>(tx, sql`
      select sum(orders)::int as n from daily_orders where shop_id = ${own}`)))[0]!.n;
    const before = await placed();
    // Test orders leave every report (Shopify's sales reports exclude them).
    await reread(own, 40, [["staged_orders", "'test', true"]]);
    expect(await placed()).toBe(before - 1);
    // A later-day edit: order 50's refund agreement becomes an ORDER_EDIT adding a
    // product five days later, which Shopify counts as a separate order that day.
    await reread(own, 50, [
      ["staged_agreements", "'reason', 'ORDER_EDIT', 'happened_at', gone.happened_at + interval '5 days'", "reason = 'REFUND'"],
      ["staged_sales", "'action_type', 'ORDER', 'quantity', 1, 'total_amount', 12.5", "action_type = 'RETURN'"],
    ]);
    expect(await placed()).toBe(before);
    await expectLiveEqualsRebuild(own);
    // The same order re-read without the edit: the edit day's extra order goes.
    await reread(own, 50, []);
    expect(await placed()).toBe(before - 1);
    await expectLiveEqualsRebuild(own);
    // Order 60 placed on another day (its ORDER agreement moved 200 days on).
    await reread(own, 60, [["staged_agreements", "'happened_at', gone.happened_at + interval '200 days'", "reason = 'ORDER'"]]);
    await expectLiveEqualsRebuild(own);
    // Deleted: every trace leaves the rollups; days of orders left alone keep theirs.
    await withShop(own, async (tx) => {
      await lockLedger(tx, own);
      await removeOrder(tx, own, 70, TZ);
      await removeOrder(tx, own, 5000, TZ);
    });
    await expectLiveEqualsRebuild(own);
    const [left] = await withShop(own, (tx) => queryRows<{ orders: number; sales: number; placed: number }>(tx, sql`
      select (select count(*) from orders where shop_id = ${own} and order_id in (70, 5000))::int as orders,
        (select count(*) from sales where shop_id = ${own} and order_id in (70, 5000))::int as sales,
        (select sum(orders) from daily_orders where shop_id = ${own})::int as placed`));
    // 400 orders + 5000, less the test order and the two deleted ones.
    expect(left).toEqual({ orders: 0, sales: 0, placed: 398 });
  });
});
