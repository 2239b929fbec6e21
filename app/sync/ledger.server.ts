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
import type { Pipeline } from "~/db/pipeline.server";

import { finalizeSteps, reconcileSteps, type ExportWindow, type FinalizeStep } from "./finalize-steps.server";
import { applyOrderContribution, planForBulk, pruneEmptyRollups, pruneParts, rebuildAllRollups } from "./rollups.server";

export interface FinalizeResult {
  orders: number;
  sales: number;
  days: number;
}

export type FinalizeMode = "bulk" | "live" | "direct";
export { finalizeSteps, reconcileSteps, type ExportWindow, type FinalizeStep };

/**
 * Moves run `runId` into orders/sales and brings the rollups up to date (live:
 * the applied orders' contribution; bulk: a rebuild). A bulk run given its export's window also removes the orders Shopify
 * no longer has (reconcileSteps).
 */
export async function finalizeRun(tx: Tx, shop: string, runId: string, timezone: string, mode: FinalizeMode, window?: ExportWindow,
  options: { staleGuarded?: boolean; pipeline?: Pipeline } = {}): Promise<FinalizeResult> {
  await lockLedger(tx, shop);
  if (mode === "direct") {
    // A direct run (direct.server.ts): the ledger held no order from the export's
    // window when it began, so nothing is reconciled; what is left staged goes in.
    await planForBulk(tx);
    const { orders, sales } = await applySteps(tx, shop, runId, { direct: true });
    await rebuildAllRollups(tx, shop, timezone);
    return { orders, sales, days: -1 };
  }
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
  // Given a pipeline (the live re-read on PostgreSQL, its statements prepared): every
  // statement up to the prune is sent at once, none waits for another's answer (the
  // prune needs the days they touched). The caller may have added its own before.
  const { pipeline } = options;
  const counts = await applySteps(tx, shop, runId, {
    fresh: false,
    // Staged under the lock with the stale guard already (StagedBatch.writeLive): no step for it.
    skip: options.staleGuarded ? ["discard stale"] : [],
    beforeRemoved: async () => void touched.push(...(await applyOrderContribution(tx, shop, timezone, applied, -1))),
    pipeline,
  });
  const added = applyOrderContribution(tx, shop, timezone, applied, 1).then((days) => void touched.push(...days));
  if (pipeline) pipeline.add(added);
  else await added;
  await pipeline?.settle();
  const { orders, sales } = counts;
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
async function applySteps(tx: Tx, shop: string, runId: string,
  options: { fresh?: boolean; direct?: boolean; skip?: string[]; beforeRemoved?: () => Promise<void>; pipeline?: Pipeline } = {}) {
  const direct = options.direct === true;
  const fresh = direct || (options.fresh ?? !(await holdsOrders(tx, shop)));
  const counts = { orders: 0, sales: 0 };
  // Live (beforeRemoved given): the grouped statements, the contribution taken out first.
  const live = options.beforeRemoved !== undefined;
  let before = options.beforeRemoved;
  const { pipeline } = options;
  const steps = finalizeSteps(shop, runId, { fresh, direct }).filter((step) => !options.skip?.includes(step.name));
  for (const step of statementsOf(steps, live)) {
    // Before the first statement that removes sales (alone, or heading its group).
    if (before && (step.name === "sales removed" || step.name === LIVE_GROUPS[0]!.at(-1))) {
      if (pipeline) pipeline.add(before());
      else await before();
      before = undefined;
    }
    const done = Promise.resolve(tx.execute(step.query)).then((result) => {
      if (step.name === "sales") counts.sales = affectedRows(result);
      if (step.name === "orders") counts.orders = affectedRows(result);
    });
    if (pipeline) pipeline.add(done);
    else await done;
  }
  // Pipelined, the counts are known once the caller has settled the pipeline (the object is read then).
  return counts;
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

/**
 * The live path's first statement: the shop's row held (FOR SHARE: an erase, or a
 * time-zone change, waits for this transaction; a locking read sees the row's
 * latest version), then the ledger lock. One round trip for what were three
 * (the erase check, the lock, the zone); the zone cannot change before commit.
 */
export async function lockLedgerHoldingShop(tx: Tx, shop: string): Promise<{ state: "open" | "erasing" | "absent"; timezone: string | null }> {
  const [row] = await queryRows<{ erasing: boolean; timezone: string }>(tx, sql`
    with hold as materialized (select erasing_since, iana_timezone from shops where shop_id = ${shop} for share)
    select h.erasing_since is not null as erasing, h.iana_timezone as timezone
    from hold h, lateral (select pg_advisory_xact_lock(hashtext(${`ledger:${shop}`}))) locked`);
  if (!row) return { state: "absent", timezone: null };
  lockedLedgers.set(tx, (lockedLedgers.get(tx) ?? new Set()).add(shop));
  return { state: row.erasing ? "erasing" : "open", timezone: row.timezone };
}

/**
 * The ledger lock in shared mode: the batches of a direct run (direct.server.ts)
 * write the ledger side by side, and a live finalize (exclusive) waits for them.
 */
export async function lockLedgerShared(tx: Tx, shop: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${`ledger:${shop}`}))`);
}

/** The ledgers each live transaction holds (transaction-scoped locks: gone with the transaction object). */
const lockedLedgers = new WeakMap<Tx, Set<string>>();

