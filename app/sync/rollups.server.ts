/**
 * The rollups reports read, kept equal to the ledger they sum (orders and sales of
 * non-test orders, by the shop's local day):
 *  - daily_rollups: per day × product (0 for non-product lines);
 *  - daily_totals: per day, every product summed (KPI cards and chart);
 *  - monthly_rollups: per calendar month × product (long-range rankings);
 *  - daily_orders: orders per day and AOV's base, with Shopify's later-day-edit rule;
 *  - daily_payment_fees: per day of the transaction × gateway, Shopify's fees (signed)
 *    and the sales/captures without fee data (app/sync/transactions.ts);
 *  - daily_shipping: per day × shipping method, orders by placed day (an edit on a
 *    later day ships nothing new, so no later-day order here) and units by the sale's
 *    day, as daily_totals counts them.
 * Every sum row also counts the sales it sums (`lines`; fee rows their transactions).
 *
 * Two ways to keep them, one result (tests/integration/report-rollups.test.ts
 * compares them row for row):
 *  - `rebuildAllRollups`: every row from the ledger, two set-based statements. A
 *    bulk run and a time-zone change use it; its cost is the shop's history.
 *  - `applyOrderContribution`: what a handful of orders add to each row, taken out
 *    (sign −1) before the ledger changes them and put back (sign +1) after. Sums
 *    of numeric money and integer counts, so subtracting and adding are exact. The
 *    live path uses it: its cost is the changed orders' sales, whatever the history
 *    (bench:live measures the ratio). A row whose count reaches 0 no longer sums
 *    anything and goes (`pruneEmptyRollups`), as a rebuild would never have made it.
 */
import { sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { asOneStatement } from "~/db/one-statement";
import { pgArray } from "~/db/pg-array";

import { COMPONENT_COLUMNS } from "./classify-sale";

export interface RollupStep {
  name: string;
  query: SQL;
}

/** The sums every rollup table carries, in its column order (lines: how many sales). */
const SUM_COLUMNS = [...COMPONENT_COLUMNS, "cogs", "net_sales_with_cost", "costed_from_backfill", "lines"] as const;
const COLUMNS = sql.raw(SUM_COLUMNS.join(", "));
const sums = (alias: string) => sql.raw(SUM_COLUMNS.map((c) => `sum(${alias}.${c})`).join(", "));
/** ON CONFLICT: the row's sums plus the incoming (possibly negative) ones. */
const addedTo = (table: string, columns: readonly string[] = SUM_COLUMNS) => sql.raw(columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", "));
const FEE_SUMS = ["fees", "fee_transactions", "uncovered_amount", "uncovered_transactions"] as const;
const FEE_COLUMNS = sql.raw(FEE_SUMS.join(", "));
const SHIPPING_SUMS = ["orders", "units", "lines"] as const;
const SHIPPING_COLUMNS = sql.raw(SHIPPING_SUMS.join(", "));

/**
 * A product day's sums from sales rows `s` grouped by (day, product); the same
 * expressions for the rebuild and the contributions, so they cannot disagree.
 * `sign` is '' or '-' (a contribution taken out).
 */
function productDaySums(sign: "" | "-"): SQL {
  const n = sql.raw(sign);
  return sql`${n}sum(s.gross_sales) as gross_sales, ${n}sum(s.discounts) as discounts, ${n}sum(s.returns) as returns,
    ${n}sum(s.shipping) as shipping, ${n}sum(s.duties) as duties, ${n}sum(s.fees) as fees, ${n}sum(s.taxes) as taxes,
    ${n}sum(s.tips) as tips, ${n}sum(s.units)::int as units, ${n}coalesce(sum(s.cogs), 0) as cogs,
    ${n}coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cogs is not null), 0) as net_sales_with_cost,
    ${n}coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cost_source = 'backfill_current'), 0) as costed_from_backfill,
    ${n}count(*)::int as lines`;
}

/**
 * The orders a day counts and their AOV base, from orders `o` (with `o.day`, their
 * placed day) and their sales `s` (with `s.day`): one per order on the day it was
 * placed, plus, per Shopify's Help Center (Editing orders → Considerations: "If
 * you edit an order after the day the order was placed, then the edit displays as
 * a separate order in your reports"), one more on each later day that has edit
 * sales, whose product sales (gross − discounts) join that day's AOV base.
 */
function orderDays(ordersOf: SQL, salesOf: SQL): SQL {
  return sql`
    select o.day, 1 as n, o.original_net_product as net from ${ordersOf}
    union all
    select s.day, 1, coalesce(sum(s.gross_sales + s.discounts) filter (where s.line_type = 'PRODUCT' and s.action_type = 'ORDER'), 0)
    from ${salesOf}
    where s.agreement_reason = 'ORDER_EDIT' and s.day > s.placed_day
    group by s.day, s.order_id`;
}

/**
 * Fee sums per (day, gateway) from transactions `t` (with `t.day`): the same
 * expressions for the rebuild and the contributions. `sign` '' or '-'.
 */
function feeDaySums(sign: "" | "-"): SQL {
  const n = sql.raw(sign);
  return sql`${n}coalesce(sum(t.fee), 0) as fees, ${n}count(t.fee)::int as fee_transactions,
    ${n}coalesce(sum(t.amount) filter (where t.fee is null), 0) as uncovered_amount,
    ${n}(count(*) filter (where t.fee is null))::int as uncovered_transactions`;
}

/**
 * Shipping rows per (day, method) from orders `o` (with `o.day`, `o.shipping_methods`)
 * and their sales `s` (with `s.day`, `s.shipping_methods`): an order on its placed day
 * under each of its methods, unit-bearing sales on their own day. The contributions'
 * form; the rebuild sums the same rule from its sale groups (rebuildSteps), and
 * tests/integration/report-rollups.test.ts holds the two equal row for row.
 */
function shippingDaySums(ordersOf: SQL, salesOf: SQL, sign: "" | "-"): SQL {
  const n = sql.raw(sign);
  return sql`
    select x.day, x.method, ${n}sum(x.orders)::int as orders, ${n}sum(x.units)::int as units, ${n}sum(x.lines)::int as lines
    from (
      -- unnest in the select list (a ProjectSet over each row), not a lateral join per row.
      select o.day, unnest(o.shipping_methods) as method, 1 as orders, 0 as units, 0 as lines from ${ordersOf}
      union all
      select s.day, unnest(s.shipping_methods), 0, s.units, 1 from ${salesOf} where s.units <> 0
    ) x
    group by x.day, x.method`;
}

/**
 * Every rollup row of the shop, rebuilt from the ledger in `timezone`. Two
 * statements: the rows go (every table), then come back (every table). A delete
 * and an insert of the same keys cannot share a statement: its parts see one
 * snapshot and would collide on the key.
 *
 * The sales are joined to their orders and grouped once, by (day, product, the
 * order's shipping methods): the product rows, the totals, the months and the
 * shipping rows are all sums of those groups (exact: sums of numeric money and
 * integer counts), where each used to scan and join every sale again (the
 * bulk finalize's longest step at 1M orders). Only the later-day edits
 * (orderDays) still read the sales themselves, filtered to edits.
 */
export function rebuildSteps(shop: string, timezone: string): RollupStep[] {
  const ordersOf = sql`(select o.*, (o.placed_at at time zone ${timezone})::date as day from orders o
    where o.shop_id = ${shop} and not o.test) o`;
  const salesOf = sql`(select s.*, (s.happened_at at time zone ${timezone})::date as day,
      (o.placed_at at time zone ${timezone})::date as placed_day, o.shipping_methods
    from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
    where s.shop_id = ${shop} and not o.test) s`;
  return [
    {
      name: "clear rollups",
      query: sql`with cleared as (delete from daily_orders where shop_id = ${shop}),
          cleared_fees as (delete from daily_payment_fees where shop_id = ${shop}),
          cleared_shipping as (delete from daily_shipping where shop_id = ${shop}),
          cleared_totals as (delete from daily_totals where shop_id = ${shop}),
          cleared_months as (delete from monthly_rollups where shop_id = ${shop})
        delete from daily_rollups where shop_id = ${shop}`,
    },
    {
      name: "rebuild rollups",
      query: sql`
        with sale_groups as materialized (
          select s.day, coalesce(s.product_id, 0) as product_id, s.shipping_methods, ${productDaySums("")},
            (count(*) filter (where s.units <> 0))::int as unit_lines
          from ${salesOf}
          group by 1, 2, 3),
        day_orders as (
          insert into daily_orders (shop_id, day, orders, original_net_product)
          select ${shop}, x.day, sum(x.n)::int, sum(x.net) from (${orderDays(ordersOf, salesOf)}) x group by x.day),
        product_days as (
          insert into daily_rollups (shop_id, day, product_id, ${COLUMNS})
          select ${shop}, g.day, g.product_id, ${sums("g")}
          from sale_groups g
          group by 2, 3
          returning *),
        day_totals as (
          insert into daily_totals (shop_id, day, ${COLUMNS})
          select ${shop}, p.day, ${sums("p")} from product_days p group by p.day),
        fee_days as (
          insert into daily_payment_fees (shop_id, day, gateway, ${FEE_COLUMNS})
          select ${shop}, t.day, t.gateway, ${feeDaySums("")}
          from (select t.*, (t.processed_at at time zone ${timezone})::date as day
                from order_transactions t join orders o on o.shop_id = t.shop_id and o.order_id = t.order_id
                where t.shop_id = ${shop} and not o.test) t
          group by 2, 3),
        shipping_days as (
          insert into daily_shipping (shop_id, day, method, ${SHIPPING_COLUMNS})
          select ${shop}, x.day, x.method, sum(x.orders)::int, sum(x.units)::int, sum(x.lines)::int
          from (
            select o.day, unnest(o.shipping_methods) as method, 1 as orders, 0 as units, 0 as lines from ${ordersOf}
            union all
            -- A group's unit-bearing sales: its units (those without add nothing) and how many they are.
            select g.day, unnest(g.shipping_methods), 0, g.units, g.unit_lines from sale_groups g where g.unit_lines > 0
          ) x
          group by x.day, x.method)
        insert into monthly_rollups (shop_id, month, product_id, ${COLUMNS})
        select ${shop}, date_trunc('month', p.day::timestamp)::date, p.product_id, ${sums("p")}
        from product_days p group by 2, 3`,
    },
  ];
}

/** Rebuilds every rollup of the shop (a bulk run, a time-zone change), planned as a bulk pass. */
export async function rebuildAllRollups(tx: Tx, shop: string, timezone: string): Promise<void> {
  await planForBulk(tx);
  for (const step of rebuildSteps(shop, timezone)) await tx.execute(step.query);
}

/**
 * A bulk pass's transaction settings (a bulk finalize, a full rollups rebuild): no nested loops (the staged tables have no
 * statistics, and a rebuild after a backfill runs before autovacuum has seen it, so a loop the planner thinks runs 100 times may run a million), and
 * room for the run's hash joins and aggregates in memory. SET LOCAL: both end
 * with the transaction, so a pooled connection never keeps them.
 */
export async function planForBulk(tx: Tx): Promise<void> {
  await tx.execute(sql`set local enable_nestloop = off`);
  await tx.execute(sql`set local work_mem = '256MB'`);
}

/**
 * The statement that adds (sign 1) or takes out (sign −1) the contribution of the
 * orders `orderIds` (a one-column `order_id` subquery) as the ledger holds them
 * now. Each order and its sales are reached by their keys (LATERAL … OFFSET 0: an
 * index probe per order, whatever the planner guesses about a staged run without
 * statistics), so the cost is those orders' rows. Returns the local days touched.
 */
export function contributionStep(shop: string, timezone: string, orderIds: SQL, sign: 1 | -1): RollupStep {
  const n = sign === 1 ? "" : "-";
  return {
    name: sign === 1 ? "add contribution" : "take out contribution",
    query: sql`
      with affected as materialized (
        select o.order_id, o.original_net_product, o.shipping_methods, (o.placed_at at time zone ${timezone})::date as day
        from (${orderIds}) ids
        cross join lateral (select * from orders o where o.shop_id = ${shop} and o.order_id = ids.order_id offset 0) o
        where not o.test),
      order_sales as materialized (
        select s.*, (s.happened_at at time zone ${timezone})::date as day, a.day as placed_day, a.shipping_methods
        from affected a
        cross join lateral (select * from sales s where s.shop_id = ${shop} and s.order_id = a.order_id offset 0) s),
      products as materialized (
        select s.day, coalesce(s.product_id, 0) as product_id, ${productDaySums(n)}
        from order_sales s group by 1, 2),
      product_days as (
        insert into daily_rollups as t (shop_id, day, product_id, ${COLUMNS})
        select ${shop}, p.* from products p
        on conflict (shop_id, day, product_id) do update set ${addedTo("t")}),
      day_totals as (
        insert into daily_totals as t (shop_id, day, ${COLUMNS})
        select ${shop}, p.day, ${sums("p")} from products p group by p.day
        on conflict (shop_id, day) do update set ${addedTo("t")}),
      months as (
        insert into monthly_rollups as t (shop_id, month, product_id, ${COLUMNS})
        select ${shop}, date_trunc('month', p.day::timestamp)::date, p.product_id, ${sums("p")}
        from products p group by 2, 3
        on conflict (shop_id, month, product_id) do update set ${addedTo("t")}),
      order_days as (${orderDays(sql`affected o`, sql`order_sales s`)}),
      day_orders as (
        insert into daily_orders as t (shop_id, day, orders, original_net_product)
        select ${shop}, x.day, ${sql.raw(n)}sum(x.n)::int, ${sql.raw(n)}sum(x.net) from order_days x group by x.day
        on conflict (shop_id, day) do update set
          orders = t.orders + excluded.orders, original_net_product = t.original_net_product + excluded.original_net_product),
      fee_days as materialized (
        select t.day, t.gateway, ${feeDaySums(n)}
        from (select t.*, (t.processed_at at time zone ${timezone})::date as day
              from affected a
              cross join lateral (select * from order_transactions t where t.shop_id = ${shop} and t.order_id = a.order_id offset 0) t) t
        group by 1, 2),
      fee_rows as (
        insert into daily_payment_fees as t (shop_id, day, gateway, ${FEE_COLUMNS})
        select ${shop}, f.* from fee_days f
        on conflict (shop_id, day, gateway) do update set ${addedTo("t", FEE_SUMS)}),
      shipping_days as materialized (${shippingDaySums(sql`affected o`, sql`order_sales s`, n)}),
      shipping_rows as (
        insert into daily_shipping as t (shop_id, day, method, ${SHIPPING_COLUMNS})
        select ${shop}, x.* from shipping_days x
        on conflict (shop_id, day, method) do update set ${addedTo("t", SHIPPING_SUMS)})
      select day::text from products union select day::text from order_days
      union select day::text from fee_days union select day::text from shipping_days`,
  };
}

/**
 * Adds or takes out the contribution of `orderIds` to every rollup; returns the
 * local days it touched (for `pruneEmptyRollups`).
 */
export async function applyOrderContribution(tx: Tx, shop: string, timezone: string, orderIds: SQL, sign: 1 | -1): Promise<string[]> {
  const rows = await queryRows<{ day: string }>(tx, contributionStep(shop, timezone, orderIds, sign).query);
  return rows.map((r) => r.day);
}

/** The deletes removing rows of `days` (and their months) that no longer sum any sale or count any order. */
export function pruneParts(shop: string, days: string[]): SQL[] {
  const months = [...new Set(days.map((d) => `${d.slice(0, 7)}-01`))];
  const onDays = sql`shop_id = ${shop} and day = any(${pgArray(days)}::date[])`;
  return [
    sql`delete from daily_rollups where ${onDays} and lines = 0`,
    sql`delete from daily_totals where ${onDays} and lines = 0`,
    sql`delete from monthly_rollups where shop_id = ${shop} and month = any(${pgArray(months)}::date[]) and lines = 0`,
    sql`delete from daily_orders where ${onDays} and orders = 0`,
    sql`delete from daily_payment_fees where ${onDays} and fee_transactions = 0 and uncovered_transactions = 0`,
    sql`delete from daily_shipping where ${onDays} and orders = 0 and lines = 0`,
  ];
}

/** pruneParts as one statement (exported so a test can EXPLAIN it). */
export const pruneStep = (shop: string, days: string[]): RollupStep =>
  ({ name: "prune empty rollups", query: asOneStatement(pruneParts(shop, days)) });

export async function pruneEmptyRollups(tx: Tx, shop: string, days: string[]): Promise<void> {
  if (days.length > 0) await tx.execute(pruneStep(shop, days).query);
}
