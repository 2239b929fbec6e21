/**
 * Re-costing (docs/decisions/0011-merchant-costs.md): a merchant's cost entries
 * applied to the sales their cost periods cover, and the rollups moved with them.
 *
 * An entry's period is what the finalize reads (ledger.server.ts, "sales"):
 * [effective_at, the item's next entry), and for the item's earliest entry every
 * sale before it too (flagged backfill_current). A re-cost sets exactly those
 * sales' unit_cost / cost_source / cogs to what the period says (returns take the
 * cost of the line sold, as in the finalize) and leaves every other sale alone.
 *
 * Work is O(affected): the sales are reached by sales_item_idx (item, happened_at),
 * and the rollups move by the affected orders' contribution (rollups.server.ts:
 * taken out before the sales change, added back after; exact numeric sums), in
 * batches of orders, each one transaction holding the ledger lock, so a sync
 * finalize and a re-cost never interleave and each batch leaves the rollups equal
 * to the ledger. A batch recomputes its targets from cost_history as it is then, so
 * re-running a batch (a retried job) or racing a later edit converges.
 */
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { pgArray } from "~/db/pg-array";
import { withShop } from "~/db/tenant.server";
import { registerJob } from "~/jobs/handlers.server";
import { enqueue } from "~/jobs/queue.server";

import { lockLedger } from "../ledger.server";
import { currentTimezone } from "../rollups-rebuild.server";
import { applyOrderContribution, pruneEmptyRollups } from "../rollups.server";

/** Orders per transaction: small enough that a live order webhook waits at most a batch. */
export const RECOST_BATCH_ORDERS = 500;

/**
 * The sales of the recost's entries' periods whose cost differs from the period's,
 * with the cost they should have. `orders`: restrict to these orders (a batch).
 */
function mispricedSales(shop: string, recostId: string, orders?: string[]): SQL {
  return sql`
    with entries as (
      select inventory_item_id from cost_history where shop_id = ${shop} and recost_id = ${recostId}),
    periods as (
      select ch.inventory_item_id, ch.unit_cost, ch.effective_at as from_at, ch.recost_id,
        lead(ch.effective_at) over item as to_at, row_number() over item = 1 as earliest
      from cost_history ch
      where ch.shop_id = ${shop} and ch.inventory_item_id in (select inventory_item_id from entries)
      window item as (partition by ch.inventory_item_id order by ch.effective_at)),
    covered as (select * from periods where recost_id = ${recostId})
    select s.sale_id, s.order_id, c.unit_cost,
      case when c.unit_cost is null then null when s.happened_at >= c.from_at then 'at_sale' else 'backfill_current' end as cost_source
    from covered c
    cross join lateral (
      select * from sales s
      where s.shop_id = ${shop} and s.inventory_item_id = c.inventory_item_id
        and (c.earliest or s.happened_at >= c.from_at) and (c.to_at is null or s.happened_at < c.to_at)
        ${orders ? sql`and s.order_id = any(${pgArray(orders)}::bigint[])` : sql``}
      offset 0) s
    where s.line_type = 'PRODUCT' and s.action_type <> 'RETURN'
      and (s.unit_cost is distinct from c.unit_cost
        or s.cost_source is distinct from (case when c.unit_cost is null then null when s.happened_at >= c.from_at then 'at_sale' else 'backfill_current' end))`;
}

/** Re-costs one batch of orders under the ledger lock; returns the sales changed. */
async function recostBatch(tx: Tx, shop: string, recostId: string, orders: string[]): Promise<number> {
  await lockLedger(tx, shop);
  const timezone = await currentTimezone(tx, shop);
  if (!timezone) return 0;
  const ids = sql`select unnest(${pgArray(orders)}::bigint[]) as order_id`;
  const days = await applyOrderContribution(tx, shop, timezone, ids, -1);
  const changed = affectedRows(await tx.execute(sql`
    with target as (${mispricedSales(shop, recostId, orders)})
    update sales s set unit_cost = t.unit_cost, cost_source = t.cost_source, cogs = s.quantity * t.unit_cost
    from target t where s.shop_id = ${shop} and s.sale_id = t.sale_id`));
  // Returns reverse the cost of the line sold (the finalize's "returns cost", on these orders).
  const returns = affectedRows(await tx.execute(sql`
    update sales r set unit_cost = o.unit_cost, cost_source = o.cost_source, cogs = r.quantity * o.unit_cost
    from sales o
    where r.shop_id = ${shop} and r.order_id = any(${pgArray(orders)}::bigint[])
      and r.line_type = 'PRODUCT' and r.action_type = 'RETURN'
      and o.shop_id = r.shop_id and o.order_id = r.order_id and o.line_item_id = r.line_item_id
      and o.action_type <> 'RETURN' and o.unit_cost is not null
      and (r.unit_cost is distinct from o.unit_cost or r.cost_source is distinct from o.cost_source)`));
  days.push(...(await applyOrderContribution(tx, shop, timezone, ids, 1)));
  await pruneEmptyRollups(tx, shop, [...new Set(days)]);
  return changed + returns;
}

/** Runs one re-cost to the end; progress is committed with every batch. */
export async function runRecost(shop: string, recostId: string): Promise<void> {
  const orders = await withShop(shop, async (tx) => {
    const list = await queryRows<{ order_id: string }>(tx, sql`
      select distinct m.order_id::text from (${mispricedSales(shop, recostId)}) m order by 1`);
    await tx.execute(sql`update cost_recosts set status = 'running', orders_total = ${list.length}, orders_done = 0, sales_recosted = 0
      where shop_id = ${shop} and recost_id = ${recostId}`);
    return list.map((r) => r.order_id);
  });
  for (let i = 0; i < orders.length; i += RECOST_BATCH_ORDERS) {
    const batch = orders.slice(i, i + RECOST_BATCH_ORDERS);
    await withShop(shop, async (tx) => {
      const changed = await recostBatch(tx, shop, recostId, batch);
      await tx.execute(sql`update cost_recosts set orders_done = orders_done + ${batch.length}, sales_recosted = sales_recosted + ${changed}
        where shop_id = ${shop} and recost_id = ${recostId}`);
    });
  }
  await withShop(shop, (tx) => tx.execute(sql`update cost_recosts set status = 'completed', finished_at = now()
    where shop_id = ${shop} and recost_id = ${recostId}`));
}

/** Every re-cost of the shop not yet completed, oldest first (one job runs them all). */
export async function runPendingRecosts(shop: string): Promise<number> {
  let ran = 0;
  for (;;) {
    const [next] = await withShop(shop, (tx) => queryRows<{ recost_id: string }>(tx, sql`
      select recost_id from cost_recosts where shop_id = ${shop} and status in ('queued', 'running')
      order by requested_at, recost_id limit 1`));
    if (!next) return ran;
    await runRecost(shop, next.recost_id);
    ran++;
  }
}

async function failPendingRecosts(shop: string, error: string): Promise<void> {
  await withShop(shop, (tx) => tx.execute(sql`update cost_recosts set status = 'failed', error = ${error.slice(0, 500)}, finished_at = now()
    where shop_id = ${shop} and status in ('queued', 'running')`));
}

const RecostPayload = z.object({ shop: z.string() }).strict();

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "sync.costs.recost": typeof RecostPayload;
  }
}

registerJob("sync.costs.recost", RecostPayload, async ({ payload }) => void (await runPendingRecosts(payload.shop)), {
  onFinalFailure: async ({ payload, error }) => failPendingRecosts(payload.shop, error),
});

/**
 * One re-cost job per shop at a time: an edit while it waits is absorbed (it runs
 * every queued re-cost), one while it runs makes it run once more. A re-cost row
 * whose enqueue failed is picked up by the next job.
 */
export const enqueueRecost = (shop: string) =>
  enqueue("sync.costs.recost", { shop }, { shopId: shop, key: `costs-recost:${shop}`, coalesce: true });
