/**
 * The first backfill's fast path (docs/decisions/0001-ledger-at-scale.md, point 10).
 *
 * A staged run writes every line twice: into the staged tables as it streams, then
 * into the ledger by finalizeRun's joins. Most of that is sales (three of every six
 * lines, the widest rows, four B-trees on the ledger side). When the ledger holds
 * no order of the export's window, nothing in the file needs reconciling with it,
 * so a run goes **direct**:
 *  - a sale whose agreement the ingest has seen (this batch's or the previous
 *    batch's agreements: with groupObjects:false Shopify writes a chunk of orders,
 *    then their agreements, then their sales) is classified, costed and written to
 *    `sales` by the batch's own statement; a sale that came before its agreement
 *    (any other layout) is staged and joined at the finalize, as before;
 *  - transactions (inline on their order's line) go straight to order_transactions;
 *  - orders, agreements and shipping lines are staged (small rows): an order's
 *    placed day, AOV base and shipping methods need all its lines, which the
 *    finalize's grouped passes have.
 * Orders the live path writes meanwhile (a webhook's re-read, newer than the file)
 * stay the live path's: the batch skips their sales and transactions, the finalize
 * their order (notHeldByLive). Each batch holds the ledger lock, as a live finalize
 * does, so the two never interleave.
 */
import { and, eq, isNull, sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";

import { COMPONENT_COLUMNS, saleComponentsSql } from "./classify-sale";
import { costColumns, costPeriodJoin, costPeriods, notHeldByLive } from "./finalize-steps.server";
import { lockLedger } from "./ledger.server";
import { type Columns, unnestRows } from "./staged-columns";

export type IngestMode = "direct" | "staged";

export const DIRECT_SALE_COLS = [
  "sale_id", "order_id", "agreement_id", "agreement_reason", "happened_at", "action_type", "line_type", "quantity",
  "line_item_id", "product_id", "variant_id", "inventory_item_id", "total_amount", "discount_amount", "tax_amount",
] as const;
export type DirectSaleColumn = (typeof DIRECT_SALE_COLS)[number];

interface AgreementFacts {
  orderId: string;
  happenedAt: string;
  reason: string;
}

/**
 * The agreements of the batch being parsed and of the one before it (bounded
 * memory whatever the file's size): what a sale needs from its agreement.
 */
export class AgreementMemory {
  private current = new Map<string, AgreementFacts>();
  private previous = new Map<string, AgreementFacts>();

  remember(agreementId: string, facts: AgreementFacts) {
    this.current.set(agreementId, facts);
  }

  find(agreementId: string): AgreementFacts | undefined {
    return this.current.get(agreementId) ?? this.previous.get(agreementId);
  }

  /** A batch is parsed: its agreements become the previous batch's. */
  nextBatch() {
    this.previous = this.current;
    this.current = new Map();
  }
}

/**
 * A batch's sales into the ledger: classified by the one rule (classify-sale.ts),
 * costed from the cost in force when they happened (one range join on the items'
 * cost periods, as the finalize does); a return by the cost of the line sold when
 * its batch holds that sale, else at the finalize. A replayed batch (a resumed
 * ingest) writes nothing twice.
 */
export function insertDirectSales(shop: string, sales: Columns<DirectSaleColumn>): SQL | null {
  if (sales.length === 0) return null;
  const items = [...new Set(sales.data.inventory_item_id.filter((id): id is string => typeof id === "string"))];
  const component = saleComponentsSql("x");
  const periods = items.length === 0
    ? sql`select null::bigint as inventory_item_id, null::numeric as unit_cost, null::timestamptz as from_at, null::timestamptz as to_at, false as earliest where false`
    : costPeriods(shop, sql`select unnest(${`{${items.join(",")}}`}::bigint[])`);
  return sql`
    insert into sales (
      shop_id, sale_id, order_id, agreement_id, agreement_reason, happened_at, action_type, line_type, quantity,
      line_item_id, product_id, variant_id, inventory_item_id, total_amount, discount_amount, tax_amount,
      ${sql.raw(COMPONENT_COLUMNS.join(", "))}, unit_cost, cost_source, cogs)
    select ${shop}, x.sale_id, x.order_id, x.agreement_id, x.agreement_reason, x.happened_at, x.action_type, x.line_type,
      x.quantity, x.line_item_id, x.product_id, x.variant_id, x.inventory_item_id, x.total_amount, x.discount_amount, x.tax_amount,
      ${sql.join(COMPONENT_COLUMNS.map((c) => component[c]), sql`, `)},
      -- A return reverses the cost of the line sold: its batch's sale of that line, when it
      -- has one (the first costed, by time); the finalize costs the rest ("returns cost").
      case when x.returned then x.sold_cost else x.unit_cost end,
      case when x.returned then x.sold_source else x.cost_source end,
      x.quantity * case when x.returned then x.sold_cost else x.unit_cost end
    from (
      select c.*, c.line_type = 'PRODUCT' and c.action_type = 'RETURN' as returned,
        first_value(c.unit_cost) over sold as sold_cost, first_value(c.cost_source) over sold as sold_source
      from (
        select x.*, ${costColumns("p", sql`x.happened_at`, sql`x.quantity`)}
        from ${unnestRows(sales, "x")}
        left join (${periods}) p on ${costPeriodJoin("x", "p", sql`x.happened_at`)}
      ) c (${sql.raw([...DIRECT_SALE_COLS, "unit_cost", "cost_source", "cogs"].join(", "))})
      window sold as (partition by c.order_id, c.line_item_id
        order by c.action_type = 'RETURN', c.unit_cost is null, c.happened_at, c.sale_id
        rows between unbounded preceding and unbounded following)
    ) x
    where ${notHeldByLive(shop, "x")}
    on conflict (shop_id, sale_id) do nothing`;
}

export const DIRECT_TRANSACTION_COLS = ["transaction_id", "order_id", "kind", "status", "gateway", "processed_at", "amount", "fee", "currency_code"] as const;
export type DirectTransactionColumn = (typeof DIRECT_TRANSACTION_COLS)[number];

/** A batch's order transactions into the ledger (already filtered to money that moved: transactions.ts). */
export function insertDirectTransactions(shop: string, transactions: Columns<DirectTransactionColumn>): SQL | null {
  if (transactions.length === 0) return null;
  return sql`
    insert into order_transactions (shop_id, ${sql.raw(DIRECT_TRANSACTION_COLS.join(", "))})
    select ${shop}, x.* from ${unnestRows(transactions, "x")}
    where ${notHeldByLive(shop, "x")}
    on conflict (shop_id, transaction_id) do nothing`;
}

/**
 * How an orders run's file reaches the ledger, decided once (at its first ingest)
 * and kept: direct when the ledger holds no order created before the export began
 * (orders created since are the live path's, never the export's to reconcile).
 * A run that had already staged lines before this was recorded stays staged.
 */
export async function decideIngestMode(shop: string, run: { runId: string; ingestMode: IngestMode | null; linesProcessed: number }, exportStartedAt: Date): Promise<IngestMode> {
  if (run.ingestMode) return run.ingestMode;
  return withShop(shop, async (tx) => {
    await lockLedger(tx, shop);
    const mode: IngestMode = run.linesProcessed > 0 || (await holdsExportOrders(tx, shop, exportStartedAt)) ? "staged" : "direct";
    // Only the first decision stands (a second ingest of the same run may race this one).
    await tx.update(syncRuns).set({ ingestMode: mode }).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, run.runId), isNull(syncRuns.ingestMode)));
    const [row] = await tx.select({ mode: syncRuns.ingestMode }).from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, run.runId)));
    return row?.mode ?? mode;
  });
}

async function holdsExportOrders(tx: Tx, shop: string, exportStartedAt: Date): Promise<boolean> {
  const [row] = await queryRows<{ held: boolean }>(tx, sql`
    select exists (select 1 from orders where shop_id = ${shop} and created_at < ${exportStartedAt.toISOString()}::timestamptz) as held`);
  return row?.held === true;
}
