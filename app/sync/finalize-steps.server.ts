/**
 * The set-based statements that move a staged run into the ledger (finalizeRun,
 * ledger.server.ts, runs them in order) and the pieces the direct path shares with
 * them (direct.server.ts): the cost in force when a sale happened, and the guard
 * that leaves an order the live path holds to the live path.
 *
 * Exported one by one so that tests/integration/ledger-plan.test.ts can EXPLAIN
 * each (the plan is the contract: linear, no nested loop over a run).
 */
import { sql, type SQL } from "drizzle-orm";

import { COMPONENT_COLUMNS, saleComponentsSql } from "./classify-sale";

/** The sale's components (classify-sale.ts's one list), as a column list and as an upsert's SET list. */
const COMPONENTS = sql.raw(COMPONENT_COLUMNS.join(", "));
const COMPONENTS_FROM_EXCLUDED = sql.raw(COMPONENT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", "));

export interface FinalizeStep {
  name: string;
  query: SQL;
}

/**
 * Each item's cost periods ([effective_at, next effective_at)), for the items
 * `items` (a one-column subquery): a window over cost_history, one pass. `earliest`
 * marks an item's first period, applied to sales from before it (history starts at
 * the first sync) and flagged as a backfill.
 */
export function costPeriods(shop: string, items: SQL): SQL {
  return sql`
    select ch.inventory_item_id, ch.unit_cost, ch.effective_at as from_at,
      lead(ch.effective_at) over item as to_at,
      row_number() over item = 1 as earliest
    from cost_history ch
    where ch.shop_id = ${shop} and ch.inventory_item_id in (${items})
    window item as (partition by ch.inventory_item_id order by ch.effective_at)`;
}

/** The join of sale `s` (columns line_type, action_type, inventory_item_id) to the period `p` in force at `happenedAt`. */
export function costPeriodJoin(s: string, p: string, happenedAt: SQL): SQL {
  const S = sql.raw(s);
  const P = sql.raw(p);
  return sql`${S}.line_type = 'PRODUCT' and ${S}.action_type <> 'RETURN'
    and ${P}.inventory_item_id = ${S}.inventory_item_id
    and (${happenedAt} >= ${P}.from_at or ${P}.earliest) and (${P}.to_at is null or ${happenedAt} < ${P}.to_at)`;
}

/** A sale's cost columns (unit_cost, cost_source, cogs) from the period `p` joined by costPeriodJoin. */
export function costColumns(p: string, happenedAt: SQL, quantity: SQL): SQL {
  const P = sql.raw(p);
  return sql`${P}.unit_cost,
    case when ${P}.unit_cost is null then null when ${happenedAt} >= ${P}.from_at then 'at_sale' else 'backfill_current' end,
    ${quantity} * ${P}.unit_cost`;
}

/**
 * The order `alias`.order_id is not in the ledger's orders. While a direct run
 * streams (direct.server.ts) the ledger's orders are only those the live path
 * wrote; their re-read is newer than the file, so the file's rows for them are
 * left out.
 */
export const notHeldByLive = (shop: string, alias: string): SQL =>
  sql`not exists (select 1 from orders held where held.shop_id = ${shop} and held.order_id = ${sql.raw(alias)}.order_id)`;

/**
 * The set-based statements of a finalize, in order. Exported so that a test can
 * EXPLAIN each one (the plan is the contract: linear, no nested loop over a run).
 * The staged orders of the run double as the set of orders being applied, once
 * `discard stale` has removed those older than the ledger's version.
 */
export function finalizeSteps(shop: string, runId: string, options: { fresh?: boolean; direct?: boolean } = {}): FinalizeStep[] {
  const run = (alias: string) => sql`${sql.raw(alias)}.shop_id = ${shop} and ${sql.raw(alias)}.run_id = ${runId}`;
  // Every staged sale is classified here, once, by the one rule (classify-sale.ts).
  const component = saleComponentsSql("ss");
  // Into an empty ledger (a shop's first backfill) nothing can be stale, removed or
  // in conflict: the same rows, written by plain INSERTs.
  // A direct run (direct.server.ts) wrote most sales and every transaction as its
  // file streamed: what is left staged is its orders, agreements and shipping lines,
  // and the sales that came before their agreement. Orders the live path wrote
  // meanwhile are its own: the run leaves them (and their sales) alone.
  const direct = options.direct === true;
  const fresh = options.fresh === true || direct;
  const upsert = (clause: SQL) => (fresh ? sql`` : clause);
  const keepLive = (clause: SQL) => (direct ? clause : sql``);
  const steps: FinalizeStep[] = [
    {
      name: "discard stale",
      // Guard against an older read overwriting a newer one (updatedAt).
      query: sql`
        delete from staged_orders so using orders o
        where ${run("so")} and o.shop_id = so.shop_id and o.order_id = so.order_id
          and o.source_updated_at > so.source_updated_at`,
    },
    {
      name: "sales removed",
      // Sales Shopify no longer reports for an applied order (an edit can remove some).
      query: sql`
        delete from sales s using staged_orders so
        where ${run("so")} and s.shop_id = so.shop_id and s.order_id = so.order_id
          and not exists (select 1 from staged_sales ss where ${run("ss")} and ss.sale_id = s.sale_id)`,
    },
    {
      name: "sales",
      // The cost in force when the sale happened, found with one range join on the
      // periods of each item's cost history ([effective_at, next effective_at));
      // before the first known cost (history starts at the first sync), the
      // earliest cost, flagged as a backfill.
      query: sql`
        with periods as (${costPeriods(shop, sql`select ss.inventory_item_id from staged_sales ss where ${run("ss")}`)})
        insert into sales as s (
          shop_id, sale_id, order_id, agreement_id, agreement_reason, happened_at, action_type, line_type, quantity,
          line_item_id, product_id, variant_id, inventory_item_id, total_amount, discount_amount, tax_amount,
          ${COMPONENTS}, unit_cost, cost_source, cogs)
        select ss.shop_id, ss.sale_id, sa.order_id, ss.agreement_id, sa.reason, sa.happened_at, ss.action_type, ss.line_type,
          ss.quantity, ss.line_item_id, ss.product_id, ss.variant_id, ss.inventory_item_id, ss.total_amount, ss.discount_amount,
          ss.tax_amount, ${sql.join(COMPONENT_COLUMNS.map((c) => component[c]), sql`, `)},
          ${costColumns("p", sql`sa.happened_at`, sql`ss.quantity`)}
        from staged_sales ss
        join staged_agreements sa on sa.shop_id = ss.shop_id and sa.run_id = ss.run_id and sa.agreement_id = ss.agreement_id
        ${fresh ? sql`` : sql`join staged_orders so on so.shop_id = sa.shop_id and so.run_id = sa.run_id and so.order_id = sa.order_id`}
        left join periods p on ${costPeriodJoin("ss", "p", sql`sa.happened_at`)}
        where ${run("ss")} ${keepLive(sql`and ${notHeldByLive(shop, "sa")}`)}
        ${keepLive(sql`on conflict (shop_id, sale_id) do nothing`)}
        ${upsert(sql`on conflict (shop_id, sale_id) do update set
          order_id = excluded.order_id, agreement_id = excluded.agreement_id, agreement_reason = excluded.agreement_reason,
          happened_at = excluded.happened_at, action_type = excluded.action_type, line_type = excluded.line_type,
          quantity = excluded.quantity, line_item_id = excluded.line_item_id, product_id = excluded.product_id,
          variant_id = excluded.variant_id, inventory_item_id = excluded.inventory_item_id,
          total_amount = excluded.total_amount, discount_amount = excluded.discount_amount, tax_amount = excluded.tax_amount,
          ${COMPONENTS_FROM_EXCLUDED},
          -- The snapshot stands: a cost recorded once is never re-read from today's cost.
          unit_cost = coalesce(s.unit_cost, excluded.unit_cost),
          cost_source = coalesce(s.cost_source, excluded.cost_source),
          cogs = excluded.quantity * coalesce(s.unit_cost, excluded.unit_cost)`)}`,
    },
    {
      name: "transactions removed",
      // An applied order's transactions become exactly the read's (app/sync/transactions.ts
      // keeps only those that moved money; one that failed later, or was never one, goes).
      query: sql`
        delete from order_transactions t using staged_orders so
        where ${run("so")} and t.shop_id = so.shop_id and t.order_id = so.order_id
          and not exists (select 1 from staged_transactions st where ${run("st")} and st.transaction_id = t.transaction_id)`,
    },
    {
      name: "transactions",
      query: sql`
        insert into order_transactions as t (shop_id, transaction_id, order_id, kind, status, gateway, processed_at, amount, fee, currency_code)
        select st.shop_id, st.transaction_id, st.order_id, st.kind, st.status, st.gateway, st.processed_at, st.amount, st.fee, st.currency_code
        from staged_transactions st
        ${fresh ? sql`` : sql`join staged_orders so on so.shop_id = st.shop_id and so.run_id = st.run_id and so.order_id = st.order_id`}
        where ${run("st")}
        ${upsert(sql`on conflict (shop_id, transaction_id) do update set
          order_id = excluded.order_id, kind = excluded.kind, status = excluded.status, gateway = excluded.gateway,
          processed_at = excluded.processed_at, amount = excluded.amount, fee = excluded.fee, currency_code = excluded.currency_code`)}`,
    },
    {
      name: "returns cost",
      // Returns reverse the cost of the line that was sold.
      // (Into a fresh ledger every sale of the shop is this run's: no applied-orders join.
      // A direct run costed the returns whose sold line was in their batch: the others
      // are those still without a cost.)
      query: sql`
        update sales r set unit_cost = o.unit_cost, cost_source = o.cost_source, cogs = r.quantity * o.unit_cost
        from ${fresh ? sql`` : sql`staged_orders so,`} sales o
        where r.shop_id = ${shop} ${fresh ? sql`` : sql`and ${run("so")} and r.order_id = so.order_id`}
          and r.line_type = 'PRODUCT' and r.action_type = 'RETURN' ${keepLive(sql`and r.unit_cost is null`)}
          and o.shop_id = r.shop_id and o.order_id = r.order_id and o.line_item_id = r.line_item_id
          and o.action_type <> 'RETURN' and o.unit_cost is not null
          and r.unit_cost is distinct from o.unit_cost`,
    },
    {
      name: "orders",
      // placed_at: the ORDER agreement's happenedAt (Shopify's sales model books an
      // order on the day its ORDER agreement happened), from one grouped pass over
      // the run's agreements. original_net_product: the product sales at creation
      // (gross − discounts), AOV's numerator, summed from the sales just written
      // (one scan of the ledger, no second join of the staged sales).
      query: sql`
        insert into orders as o (shop_id, order_id, created_at, placed_at, cancelled_at, test, currency_code,
                                 source_updated_at, original_net_product, shipping_methods)
        select so.shop_id, so.order_id, so.created_at, coalesce(placed.at, so.processed_at, so.created_at),
          so.cancelled_at, so.test, so.currency_code, so.source_updated_at, coalesce(net.product, 0),
          coalesce(ship.methods, '{}'::text[])
        from staged_orders so
        left join (
          select sl.order_id, array_agg(sl.method order by sl.method) as methods from staged_shipping_lines sl
          where ${run("sl")} group by sl.order_id
        ) ship on ship.order_id = so.order_id
        left join (
          select sa.order_id, min(sa.happened_at) as at from staged_agreements sa
          where ${run("sa")} and sa.reason = 'ORDER' group by sa.order_id
        ) placed on placed.order_id = so.order_id
        left join (
          select s.order_id, sum(s.gross_sales + s.discounts) as product from sales s
          where s.shop_id = ${shop} and s.agreement_reason = 'ORDER' and s.line_type = 'PRODUCT'
            ${fresh ? sql`` : sql`and s.order_id in (select a.order_id from staged_orders a where ${run("a")})`}
          group by s.order_id
        ) net on net.order_id = so.order_id
        where ${run("so")}
        ${keepLive(sql`on conflict (shop_id, order_id) do nothing`)}
        ${upsert(sql`on conflict (shop_id, order_id) do update set
          created_at = excluded.created_at, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
          test = excluded.test, currency_code = excluded.currency_code, source_updated_at = excluded.source_updated_at,
          original_net_product = excluded.original_net_product, shipping_methods = excluded.shipping_methods`)}`,
    },
  ];
  // A direct run's transactions are in the ledger already (none are staged).
  const skipped = [...(fresh ? ["discard stale", "sales removed", "transactions removed"] : []), ...(direct ? ["transactions"] : [])];
  return steps.filter((s) => !skipped.includes(s.name));
}


/**
 * A complete export's window: every order Shopify had that was created in
 * [from, to) is in it. `to` is when the bulk operation was created (orders
 * created while it ran may or may not be in the file; live webhooks own those);
 * `from` is where the app's access to order history starts (null: all of it).
 */
export interface ExportWindow {
  from: Date | null;
  to: Date;
}

/**
 * Orders the ledger holds, created inside a complete export's window, that the
 * export does not have: Shopify deleted them (an `orders/delete` we missed, or
 * one sent before the app was installed). Shopify's sales reports leave deleted
 * orders out (Help Center, "Sales report"), so the ledger removes them with
 * their sales. Runs before `discard stale`: a staged order older than the
 * ledger's version still proves the order exists.
 */
export function reconcileSteps(shop: string, runId: string, window: ExportWindow): FinalizeStep[] {
  const absent = sql`
    select o.order_id from orders o
    where o.shop_id = ${shop} and o.created_at < ${window.to.toISOString()}::timestamptz
      ${window.from ? sql`and o.created_at >= ${window.from.toISOString()}::timestamptz` : sql``}
      and not exists (select 1 from staged_orders so
                      where so.shop_id = ${shop} and so.run_id = ${runId} and so.order_id = o.order_id)`;
  return [
    { name: "deleted orders' sales", query: sql`delete from sales s where s.shop_id = ${shop} and s.order_id in (${absent})` },
    { name: "deleted orders' transactions", query: sql`delete from order_transactions t where t.shop_id = ${shop} and t.order_id in (${absent})` },
    { name: "deleted orders", query: sql`delete from orders o2 where o2.shop_id = ${shop} and o2.order_id in (${absent})` },
  ];
}

