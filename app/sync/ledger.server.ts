/**
 * Moves a staged run (a whole bulk file, or one re-read order) into the ledger,
 * set-based and idempotent, then brings the daily rollups up to date.
 *
 * Convergence rules, so duplicate and out-of-order deliveries end in one state:
 *  - an order version older than the one held (Shopify's updatedAt) is ignored;
 *  - for every order that is applied, its sales become exactly the staged sales
 *    (rows no longer in Shopify's answer are removed);
 *  - a sale's unit cost is snapshotted once, when the sale is first recorded, from
 *    the cost in force at happenedAt; returns reverse the cost of the line sold.
 */
import { pgArray } from "~/db/pg-array";
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";

export interface FinalizeResult {
  orders: number;
  sales: number;
  days: number;
}

/** Moves run `runId` into orders/sales and refreshes rollups for every day it touched. */
export async function finalizeRun(tx: Tx, shop: string, runId: string, timezone: string, options: { rebuildAll?: boolean } = {}): Promise<FinalizeResult> {
  await lockLedger(tx, shop);
  // Orders whose staged version is at least as new as what we hold.
  await tx.execute(sql`
    create temp table if not exists applied_orders (order_id bigint primary key) on commit drop`);
  await tx.execute(sql`truncate applied_orders`);
  await tx.execute(sql`
    insert into applied_orders (order_id)
    select so.order_id from staged_orders so
    left join orders o on o.shop_id = so.shop_id and o.order_id = so.order_id
    where so.shop_id = ${shop} and so.run_id = ${runId}
      and (o.order_id is null or o.source_updated_at <= so.source_updated_at)`);

  // Days to refresh: where the applied orders' sales were and will be.
  const touched = options.rebuildAll
    ? []
    : await queryRows<{ day: string }>(tx, sql`
        select distinct (s.happened_at at time zone ${timezone})::date::text as day
        from sales s join applied_orders a on a.order_id = s.order_id where s.shop_id = ${shop}
        union
        select distinct (sa.happened_at at time zone ${timezone})::date::text
        from staged_agreements sa join applied_orders a on a.order_id = sa.order_id
        where sa.shop_id = ${shop} and sa.run_id = ${runId}
        union
        select (o.placed_at at time zone ${timezone})::date::text
        from orders o join applied_orders a on a.order_id = o.order_id where o.shop_id = ${shop}`);

  await tx.execute(sql`
    insert into orders as o (shop_id, order_id, created_at, placed_at, cancelled_at, test, currency_code, source_updated_at)
    select so.shop_id, so.order_id, so.created_at,
      coalesce((select min(sa.happened_at) from staged_agreements sa
                where sa.shop_id = so.shop_id and sa.run_id = so.run_id and sa.order_id = so.order_id and sa.reason = 'ORDER'),
               so.processed_at, so.created_at),
      so.cancelled_at, so.test, so.currency_code, so.source_updated_at
    from staged_orders so join applied_orders a on a.order_id = so.order_id
    where so.shop_id = ${shop} and so.run_id = ${runId}
    on conflict (shop_id, order_id) do update set
      created_at = excluded.created_at, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
      test = excluded.test, currency_code = excluded.currency_code, source_updated_at = excluded.source_updated_at`);

  // Sales Shopify no longer reports for an applied order (an edit can remove some).
  await tx.execute(sql`
    delete from sales s using applied_orders a
    where s.shop_id = ${shop} and s.order_id = a.order_id
      and not exists (select 1 from staged_sales ss where ss.shop_id = ${shop} and ss.run_id = ${runId} and ss.sale_id = s.sale_id)`);

  const [{ count: salesWritten } = { count: 0 }] = await queryRows<{ count: number }>(tx, sql`
    with written as (
      insert into sales as s (
        shop_id, sale_id, order_id, agreement_id, agreement_reason, happened_at, action_type, line_type, quantity,
        line_item_id, product_id, variant_id, inventory_item_id, total_amount, discount_amount, tax_amount,
        gross_sales, discounts, returns, shipping, duties, fees, taxes, tips, units, unit_cost, cost_source, cogs)
      select ss.shop_id, ss.sale_id, sa.order_id, ss.agreement_id, sa.reason, sa.happened_at, ss.action_type, ss.line_type,
        ss.quantity, ss.line_item_id, ss.product_id, ss.variant_id, ss.inventory_item_id, ss.total_amount, ss.discount_amount,
        ss.tax_amount, ss.gross_sales, ss.discounts, ss.returns, ss.shipping, ss.duties, ss.fees, ss.taxes, ss.tips, ss.units,
        cost.unit_cost, cost.source, ss.quantity * cost.unit_cost
      from staged_sales ss
      join staged_agreements sa on sa.shop_id = ss.shop_id and sa.run_id = ss.run_id and sa.agreement_id = ss.agreement_id
      join applied_orders a on a.order_id = sa.order_id
      left join lateral (
        -- The cost in force when the sale happened; failing that (history starts at
        -- the first sync), the earliest cost we know, flagged as a backfill.
        select ch.unit_cost,
               case when ch.effective_at <= sa.happened_at then 'at_sale' else 'backfill_current' end as source
        from cost_history ch
        where ch.shop_id = ss.shop_id and ch.inventory_item_id = ss.inventory_item_id
        order by (ch.effective_at <= sa.happened_at) desc,
                 case when ch.effective_at <= sa.happened_at then ch.effective_at end desc nulls last,
                 ch.effective_at asc
        limit 1
      ) cost on ss.line_type = 'PRODUCT' and ss.action_type <> 'RETURN' and cost.unit_cost is not null
      where ss.shop_id = ${shop} and ss.run_id = ${runId}
      on conflict (shop_id, sale_id) do update set
        order_id = excluded.order_id, agreement_id = excluded.agreement_id, agreement_reason = excluded.agreement_reason,
        happened_at = excluded.happened_at, action_type = excluded.action_type, line_type = excluded.line_type,
        quantity = excluded.quantity, line_item_id = excluded.line_item_id, product_id = excluded.product_id,
        variant_id = excluded.variant_id, inventory_item_id = excluded.inventory_item_id,
        total_amount = excluded.total_amount, discount_amount = excluded.discount_amount, tax_amount = excluded.tax_amount,
        gross_sales = excluded.gross_sales, discounts = excluded.discounts, returns = excluded.returns,
        shipping = excluded.shipping, duties = excluded.duties, fees = excluded.fees, taxes = excluded.taxes,
        tips = excluded.tips, units = excluded.units,
        -- The snapshot stands: a cost recorded once is never re-read from today's cost.
        unit_cost = coalesce(s.unit_cost, excluded.unit_cost),
        cost_source = coalesce(s.cost_source, excluded.cost_source),
        cogs = excluded.quantity * coalesce(s.unit_cost, excluded.unit_cost)
      returning 1)
    select count(*)::int as count from written`);

  // Returns reverse the cost of the line that was sold.
  await tx.execute(sql`
    update sales r set unit_cost = o.unit_cost, cost_source = o.cost_source, cogs = r.quantity * o.unit_cost
    from sales o, applied_orders a
    where r.shop_id = ${shop} and r.order_id = a.order_id and r.line_type = 'PRODUCT' and r.action_type = 'RETURN'
      and o.shop_id = r.shop_id and o.order_id = r.order_id and o.line_item_id = r.line_item_id
      and o.action_type <> 'RETURN' and o.unit_cost is not null
      and r.unit_cost is distinct from o.unit_cost`);

  // AOV's numerator: each order's product sales at creation (gross − discounts).
  await tx.execute(sql`
    update orders o set original_net_product = coalesce((
      select sum(s.gross_sales + s.discounts) from sales s
      where s.shop_id = o.shop_id and s.order_id = o.order_id and s.agreement_reason = 'ORDER' and s.line_type = 'PRODUCT'), 0)
    from applied_orders a where o.shop_id = ${shop} and o.order_id = a.order_id`);

  const [{ count: ordersApplied } = { count: 0 }] = await queryRows<{ count: number }>(tx, sql`select count(*)::int as count from applied_orders`);

  const days = options.rebuildAll
    ? null
    : [...new Set([
        ...touched.map((t) => t.day),
        ...(await queryRows<{ day: string }>(tx, sql`
          select distinct (o.placed_at at time zone ${timezone})::date::text as day
          from orders o join applied_orders a on a.order_id = o.order_id where o.shop_id = ${shop}`)).map((d) => d.day),
      ])];
  await refreshRollups(tx, shop, timezone, days);
  await tx.execute(sql`delete from staged_sales where shop_id = ${shop} and run_id = ${runId}`);
  await tx.execute(sql`delete from staged_agreements where shop_id = ${shop} and run_id = ${runId}`);
  await tx.execute(sql`delete from staged_orders where shop_id = ${shop} and run_id = ${runId}`);
  return { orders: ordersApplied, sales: salesWritten, days: days?.length ?? -1 };
}

/**
 * One writer per shop's ledger at a time: two order jobs recomputing the same day's
 * rollups would otherwise race (and the newer-version check needs a stable view).
 * Transaction-scoped, so it ends with the caller's transaction.
 */
export async function lockLedger(tx: Tx, shop: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ledger:${shop}`}))`);
}

/**
 * Recomputes daily rollups for the given local days (null: every day). Test
 * orders are excluded here, once, for every report.
 */
export async function refreshRollups(tx: Tx, shop: string, timezone: string, days: string[] | null): Promise<void> {
  if (days && days.length === 0) return;
  const dayFilter = (column: ReturnType<typeof sql>) =>
    days ? sql`and (${column} at time zone ${timezone})::date = any(${pgArray(days)}::date[])` : sql``;
  await tx.execute(sql`delete from daily_rollups where shop_id = ${shop} ${days ? sql`and day = any(${pgArray(days)}::date[])` : sql``}`);
  await tx.execute(sql`delete from daily_orders where shop_id = ${shop} ${days ? sql`and day = any(${pgArray(days)}::date[])` : sql``}`);
  await tx.execute(sql`
    insert into daily_rollups (shop_id, day, product_id, gross_sales, discounts, returns, shipping, duties, fees, taxes, tips,
                               units, cogs, net_sales_with_cost, costed_from_backfill)
    select s.shop_id, (s.happened_at at time zone ${timezone})::date, coalesce(s.product_id, 0),
      sum(s.gross_sales), sum(s.discounts), sum(s.returns), sum(s.shipping), sum(s.duties), sum(s.fees), sum(s.taxes),
      sum(s.tips), sum(s.units), coalesce(sum(s.cogs), 0),
      coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cogs is not null), 0),
      coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cost_source = 'backfill_current'), 0)
    from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
    where s.shop_id = ${shop} and not o.test ${dayFilter(sql`s.happened_at`)}
    group by 1, 2, 3`);
  await tx.execute(sql`
    insert into daily_orders (shop_id, day, orders, original_net_product)
    select o.shop_id, (o.placed_at at time zone ${timezone})::date, count(*), sum(o.original_net_product)
    from orders o
    where o.shop_id = ${shop} and not o.test ${dayFilter(sql`o.placed_at`)}
    group by 1, 2`);
}
