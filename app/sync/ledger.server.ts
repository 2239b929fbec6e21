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
 *
 * Cost at scale (docs/decisions/0001-ledger-at-scale.md): every statement is one
 * set-based pass whose cost is linear in the run (hash joins and grouped
 * aggregates, never a subquery per row), and the live path touches only the
 * changed order's rows (its contribution to the rollups moves, rollups.server.ts).
 * The staged tables are never ANALYZEd (that needs their owner, not app_tenant),
 * so the planner's row estimates for a run are guesses; a bulk run therefore
 * forbids nested loops for its transaction instead of trusting those guesses.
 */
import { sql, type SQL } from "drizzle-orm";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { asOneStatement } from "~/db/one-statement";

import { COMPONENT_COLUMNS, saleComponentsSql } from "./classify-sale";
import { applyOrderContribution, planForBulk, pruneEmptyRollups, pruneParts, rebuildAllRollups } from "./rollups.server";

/** The sale's components (classify-sale.ts's one list), as a column list and as an upsert's SET list. */
const COMPONENTS = sql.raw(COMPONENT_COLUMNS.join(", "));
const COMPONENTS_FROM_EXCLUDED = sql.raw(COMPONENT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(", "));

export interface FinalizeResult {
  orders: number;
  sales: number;
  days: number;
}

export type FinalizeMode = "bulk" | "live";

export interface FinalizeStep {
  name: string;
  query: SQL;
}

/**
 * The set-based statements of a finalize, in order. Exported so that a test can
 * EXPLAIN each one (the plan is the contract: linear, no nested loop over a run).
 * The staged orders of the run double as the set of orders being applied, once
 * `discard stale` has removed those older than the ledger's version.
 */
export function finalizeSteps(shop: string, runId: string, options: { fresh?: boolean } = {}): FinalizeStep[] {
  const run = (alias: string) => sql`${sql.raw(alias)}.shop_id = ${shop} and ${sql.raw(alias)}.run_id = ${runId}`;
  // Every staged sale is classified here, once, by the one rule (classify-sale.ts).
  const component = saleComponentsSql("ss");
  // Into an empty ledger (a shop's first backfill) nothing can be stale, removed or
  // in conflict: the same rows, written by plain INSERTs.
  const fresh = options.fresh === true;
  const upsert = (clause: SQL) => (fresh ? sql`` : clause);
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
        with periods as (
          select ch.inventory_item_id, ch.unit_cost, ch.effective_at as from_at,
            lead(ch.effective_at) over item as to_at,
            row_number() over item = 1 as earliest
          from cost_history ch
          where ch.shop_id = ${shop}
            and ch.inventory_item_id in (select ss.inventory_item_id from staged_sales ss where ${run("ss")})
          window item as (partition by ch.inventory_item_id order by ch.effective_at)
        )
        insert into sales as s (
          shop_id, sale_id, order_id, agreement_id, agreement_reason, happened_at, action_type, line_type, quantity,
          line_item_id, product_id, variant_id, inventory_item_id, total_amount, discount_amount, tax_amount,
          ${COMPONENTS}, unit_cost, cost_source, cogs)
        select ss.shop_id, ss.sale_id, sa.order_id, ss.agreement_id, sa.reason, sa.happened_at, ss.action_type, ss.line_type,
          ss.quantity, ss.line_item_id, ss.product_id, ss.variant_id, ss.inventory_item_id, ss.total_amount, ss.discount_amount,
          ss.tax_amount, ${sql.join(COMPONENT_COLUMNS.map((c) => component[c]), sql`, `)},
          p.unit_cost,
          case when p.unit_cost is null then null when sa.happened_at >= p.from_at then 'at_sale' else 'backfill_current' end,
          ss.quantity * p.unit_cost
        from staged_sales ss
        join staged_agreements sa on sa.shop_id = ss.shop_id and sa.run_id = ss.run_id and sa.agreement_id = ss.agreement_id
        ${fresh ? sql`` : sql`join staged_orders so on so.shop_id = sa.shop_id and so.run_id = sa.run_id and so.order_id = sa.order_id`}
        left join periods p on ss.line_type = 'PRODUCT' and ss.action_type <> 'RETURN'
          and p.inventory_item_id = ss.inventory_item_id
          and (sa.happened_at >= p.from_at or p.earliest) and (p.to_at is null or sa.happened_at < p.to_at)
        where ${run("ss")}
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
      // (Into a fresh ledger every sale of the shop is this run's: no applied-orders join.)
      query: sql`
        update sales r set unit_cost = o.unit_cost, cost_source = o.cost_source, cogs = r.quantity * o.unit_cost
        from ${fresh ? sql`` : sql`staged_orders so,`} sales o
        where r.shop_id = ${shop} ${fresh ? sql`` : sql`and ${run("so")} and r.order_id = so.order_id`}
          and r.line_type = 'PRODUCT' and r.action_type = 'RETURN'
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
        ${upsert(sql`on conflict (shop_id, order_id) do update set
          created_at = excluded.created_at, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
          test = excluded.test, currency_code = excluded.currency_code, source_updated_at = excluded.source_updated_at,
          original_net_product = excluded.original_net_product, shipping_methods = excluded.shipping_methods`)}`,
    },
  ];
  return fresh ? steps.filter((s) => !["discard stale", "sales removed", "transactions removed"].includes(s.name)) : steps;
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

/**
 * Moves run `runId` into orders/sales and brings the rollups up to date (live:
 * the applied orders' contribution; bulk: a rebuild). A bulk run given its export's window also removes the orders Shopify
 * no longer has (reconcileSteps).
 */
export async function finalizeRun(tx: Tx, shop: string, runId: string, timezone: string, mode: FinalizeMode, window?: ExportWindow): Promise<FinalizeResult> {
  await lockLedger(tx, shop);
  if (mode === "bulk") {
    await planForBulk(tx);
    if (window) await reconcileRun(tx, shop, runId, window);
    const { orders, sales } = await applySteps(tx, shop, runId);
    await rebuildAllRollups(tx, shop, timezone);
    return { orders, sales, days: -1 };
  }
  // Live: the applied orders' contribution to the rollups is taken out before the
  // ledger changes them and put back after (rollups.server.ts), so a change costs
  // its own rows.
  const applied = sql`select so.order_id from staged_orders so where so.shop_id = ${shop} and so.run_id = ${runId}`;
  const touched: string[] = [];
  const { orders, sales } = await applySteps(tx, shop, runId, {
    fresh: false,
    beforeRemoved: async () => void touched.push(...(await applyOrderContribution(tx, shop, timezone, applied, -1))),
  });
  touched.push(...(await applyOrderContribution(tx, shop, timezone, applied, 1)));
  const days = [...new Set(touched)];
  // Emptied rollup rows go, and the run's staged rows with them (one statement: a
  // live run is a few rows, gone with its transaction; a bulk run's millions are
  // deleted after the run completes, in batches: discardStagedBatch).
  await tx.execute(asOneStatement([...discardParts(shop, runId), ...(days.length > 0 ? pruneParts(shop, days) : [])]));
  return { orders, sales, days: days.length };
}

/**
 * Removes the orders a complete export proves deleted (reconcileSteps). Before any
 * `discard stale` of the run; the caller holds the ledger lock (exclusive).
 */
export async function reconcileRun(tx: Tx, shop: string, runId: string, window: ExportWindow): Promise<void> {
  if (!(await holdsOrders(tx, shop))) return;
  for (const step of reconcileSteps(shop, runId, window)) await tx.execute(step.query);
}

async function holdsOrders(tx: Tx, shop: string): Promise<boolean> {
  const [row] = await queryRows<{ held: boolean }>(tx, sql`
    select exists (select 1 from orders where shop_id = ${shop}) as held`);
  return row?.held === true;
}

/**
 * The live path's round trips: steps that write different keys (or different tables)
 * and do not read each other's rows go as one statement (asOneStatement: the first
 * ones become CTEs, the last one's row count is the statement's). Removing the sales
 * and the transactions a read left out touches rows the upserts never write; the
 * returns' cost is an update of sales that the orders statement does not read (it
 * sums gross sales and discounts). A bulk run keeps one statement per step: each is
 * timed and planned on its own (ledger-plan.test.ts EXPLAINs them one by one).
 */
const LIVE_GROUPS: ReadonlyArray<readonly string[]> = [
  ["sales removed", "transactions removed", "transactions"],
  ["returns cost", "orders"],
];

/** The finalize's statements: each step alone, or (live) the steps of a group together under the last one's name. */
function statementsOf(steps: FinalizeStep[], grouped: boolean): FinalizeStep[] {
  if (!grouped) return steps;
  const byName = new Map(steps.map((s) => [s.name, s]));
  const out: FinalizeStep[] = [];
  const done = new Set<string>();
  for (const step of steps) {
    if (done.has(step.name)) continue;
    const group = LIVE_GROUPS.find((g) => g[0] === step.name && g.every((name) => byName.has(name)));
    if (!group) {
      out.push(step);
      continue;
    }
    group.forEach((name) => done.add(name));
    out.push({ name: group[group.length - 1]!, query: asOneStatement(group.map((name) => byName.get(name)!.query)) });
  }
  return out;
}

/** The finalize steps, in order, with their counts; `fresh` unset: decided here (does the ledger hold any order?). */
async function applySteps(tx: Tx, shop: string, runId: string, options: { fresh?: boolean; beforeRemoved?: () => Promise<void> } = {}) {
  const fresh = options.fresh ?? !(await holdsOrders(tx, shop));
  let sales = 0;
  let orders = 0;
  // Live (beforeRemoved given): the grouped statements, the contribution taken out first.
  const live = options.beforeRemoved !== undefined;
  let before = options.beforeRemoved;
  for (const step of statementsOf(finalizeSteps(shop, runId, { fresh }), live)) {
    // Before the first statement that removes sales (alone, or heading its group).
    if (before && (step.name === "sales removed" || step.name === LIVE_GROUPS[0]!.at(-1))) {
      await before();
      before = undefined;
    }
    const rows = affectedRows(await tx.execute(step.query));
    if (step.name === "sales") sales = rows;
    if (step.name === "orders") orders = rows;
  }
  return { orders, sales };
}

/**
 * Removes an order Shopify no longer has, with its sales, from the ledger and (its
 * contribution taken out first) from the rollups. The caller holds the ledger lock.
 */
export async function removeOrder(tx: Tx, shop: string, orderId: number, timezone: string): Promise<void> {
  const days = await applyOrderContribution(tx, shop, timezone, sql`select ${orderId}::bigint as order_id`, -1);
  await tx.execute(sql`with gone as (delete from sales where shop_id = ${shop} and order_id = ${orderId}),
      gone_transactions as (delete from order_transactions where shop_id = ${shop} and order_id = ${orderId})
    delete from orders where shop_id = ${shop} and order_id = ${orderId}`);
  await pruneEmptyRollups(tx, shop, days);
}

const STAGED_TABLES = ["staged_sales", "staged_agreements", "staged_transactions", "staged_shipping_lines", "staged_orders"] as const;

/**
 * Retention's door (an asSystem tx): runs whose staged rows will never be
 * finalized (failed) or were finalized longer than `completedGrace` (an SQL
 * interval) ago, so their discard job should have removed them. A run still
 * requested/running/ingesting is never listed: its ingest resumes from them. Each
 * EXISTS is one probe of a staged table's (shop_id, run_id, …) primary key; the
 * tables are STAGED_TABLES, so a staged table added later is never missed.
 */
export async function findAbandonedStaging(tx: Tx, completedGrace: string): Promise<Array<{ shop: string; run: string }>> {
  const staged = sql.join(
    STAGED_TABLES.map((table) => sql`exists (select 1 from ${sql.identifier(table)} s where s.shop_id = r.shop_id and s.run_id = r.run_id)`),
    sql` or `,
  );
  return queryRows<{ shop: string; run: string }>(tx, sql`
    select r.shop_id as shop, r.run_id as run from sync_runs r
    where (r.status = 'failed' or (r.status = 'completed' and r.finished_at < now() - ${completedGrace}::interval))
      and (${staged})`);
}

/** Deletes of every staged row of a run (a live run's few; as CTEs of one statement). */
const discardParts = (shop: string, runId: string): SQL[] =>
  STAGED_TABLES.map((table) => sql`delete from ${sql.identifier(table)} where shop_id = ${shop} and run_id = ${runId}`);

/** Whether any staged row of the run exists (in any of the staged tables). */
export async function hasStagedRows(tx: Tx, shop: string, runId: string): Promise<boolean> {
  const [row] = await queryRows<{ found: boolean }>(tx, sql`
    select exists (select 1 from staged_orders where shop_id = ${shop} and run_id = ${runId})
        or exists (select 1 from staged_agreements where shop_id = ${shop} and run_id = ${runId})
        or exists (select 1 from staged_sales where shop_id = ${shop} and run_id = ${runId})
        or exists (select 1 from staged_transactions where shop_id = ${shop} and run_id = ${runId})
        or exists (select 1 from staged_shipping_lines where shop_id = ${shop} and run_id = ${runId}) as found`);
  return row?.found === true;
}

/**
 * Deletes up to `limit` staged rows of a run (each table in turn); returns how
 * many went. Callers loop, one short transaction per call, so a backfill's
 * millions of staged rows never hold a lock or a connection for long.
 */
export async function discardStagedBatch(tx: Tx, shop: string, runId: string, limit: number): Promise<number> {
  for (const table of STAGED_TABLES) {
    const id = sql.identifier(table);
    const rows = await queryRows<{ n: number }>(tx, sql`
      with gone as (
        delete from ${id} where ctid in (select ctid from ${id} where shop_id = ${shop} and run_id = ${runId} limit ${limit})
        returning 1)
      select count(*)::int as n from gone`);
    const n = rows[0]?.n ?? 0;
    if (n > 0) return n;
  }
  return 0;
}

/**
 * One writer per shop's ledger at a time: two order jobs recomputing the same day's
 * rollups would otherwise race (and the newer-version check needs a stable view).
 * Transaction-scoped, so it ends with the caller's transaction.
 */
export async function lockLedger(tx: Tx, shop: string): Promise<void> {
  // Taken once per transaction: a caller that locks before reading the zone, then
  // finalizes, pays one round trip, not two (the live path counts them).
  const held = lockedLedgers.get(tx);
  if (held?.has(shop)) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ledger:${shop}`}))`);
  lockedLedgers.set(tx, (held ?? new Set()).add(shop));
}

/** The ledgers each live transaction holds (transaction-scoped locks: gone with the transaction object). */
const lockedLedgers = new WeakMap<Tx, Set<string>>();

