/**
 * Turns Shopify's JSON objects (bulk JSONL lines, or one order from ORDER_QUERY)
 * into staged rows, and writes them set-based: one INSERT … SELECT FROM unnest(…)
 * per table per batch (drizzle's row-by-row insert tops out near 15k rows/s).
 * Sales are staged as Shopify sent them (types, quantity, amounts); the finalize
 * classifies them set-based (classify-sale.ts's rule, as SQL).
 */
import { sql, type SQL } from "drizzle-orm";

import { asOneStatement } from "~/db/one-statement";

import type { Tx } from "~/db/client.server";

import { type AgreementMemory, DIRECT_SALE_COLS, DIRECT_TRANSACTION_COLS, insertDirectSales, insertDirectTransactions } from "./direct.server";
import { Columns, insertStaged } from "./staged-columns";
import { shippingMethods, transactionRow, type ShippingLineNode, type TransactionNode } from "./transactions";
import type { MarginNotesOrderQuery, MarginNotesSaleFragment } from "~/types/admin.generated";

export const numericId = (gid: string): string => {
  const id = gid.slice(gid.lastIndexOf("/") + 1).split("?")[0]!;
  if (!/^\d{1,19}$/.test(id)) throw new Error(`not a Shopify id: ${gid.slice(0, 80)}`);
  return id;
};

type Money = { shopMoney: { amount: string } } | null | undefined;
const DECIMAL = /^[+-]?\d{1,16}(\.\d{1,10})?$/;
/** Shop money as a decimal string; anything else is refused here, naming it, not deep in a batch insert. */
const decimal = (m: Money): string => {
  const value = m?.shopMoney.amount ?? "0";
  if (!DECIMAL.test(value)) throw new Error(`not a money amount: ${JSON.stringify(String(value).slice(0, 40))}`);
  return value;
};

// The shapes the documents select (generated from app/sync/queries.server.ts). A
// bulk JSONL line carries the same fields, flattened, plus __parentId.
type OrderRead = NonNullable<MarginNotesOrderQuery["order"]>;
export type OrderNode = Omit<OrderRead, "agreements">;
export type AgreementNode = Omit<OrderRead["agreements"]["edges"][number]["node"], "sales">;
/** One sale (the MarginNotesSale fragment): only a ProductSale has a lineItem. */
export type SaleNode = MarginNotesSaleFragment;

const ORDER_COLS = ["order_id", "created_at", "processed_at", "cancelled_at", "source_updated_at", "test", "currency_code"] as const;
const AGREEMENT_COLS = ["agreement_id", "order_id", "happened_at", "reason"] as const;
const SALE_COLS = [
  "sale_id", "agreement_id", "action_type", "line_type", "quantity", "line_item_id", "product_id", "variant_id",
  "inventory_item_id", "total_amount", "discount_amount", "tax_amount",
] as const;
const TRANSACTION_COLS = ["transaction_id", "order_id", "kind", "status", "gateway", "processed_at", "amount", "fee", "currency_code"] as const;
const SHIPPING_COLS = ["order_id", "method"] as const;
export class StagedBatch {
  readonly orders = new Columns(ORDER_COLS);
  readonly agreements = new Columns(AGREEMENT_COLS);
  readonly sales = new Columns(SALE_COLS);
  readonly transactions = new Columns(TRANSACTION_COLS);
  readonly shippingLines = new Columns(SHIPPING_COLS);
  /** A direct run's (direct.server.ts): sales whose agreement was seen, and every transaction, bound for the ledger. */
  readonly directSales = new Columns(DIRECT_SALE_COLS);
  readonly directTransactions = new Columns(DIRECT_TRANSACTION_COLS);

  /** `memory` given: the batch of a direct run, which resolves sales against the agreements it remembers. */
  constructor(private readonly memory?: AgreementMemory) {}

  get size() {
    return this.orders.length + this.agreements.length + this.sales.length + this.transactions.length + this.shippingLines.length
      + this.directSales.length + this.directTransactions.length;
  }

  /**
   * The order, with its transactions (a list: inline on the order, bulk or live) and,
   * from a live read, its shipping lines (bulk: lines of their own, addShippingLine).
   */
  addOrder(o: OrderNode & { transactions?: TransactionNode[] | null; shippingLines?: { nodes?: ShippingLineNode[] } | null }) {
    const orderId = numericId(o.id);
    this.orders.push({
      order_id: orderId, created_at: o.createdAt, processed_at: o.processedAt ?? null, cancelled_at: o.cancelledAt ?? null,
      source_updated_at: o.updatedAt, test: o.test, currency_code: o.currencyCode,
    });
    for (const t of o.transactions ?? []) {
      const row = transactionRow(t, numericId);
      if (!row) continue;
      (this.memory ? this.directTransactions : this.transactions).push({
        transaction_id: row.transactionId, order_id: orderId, kind: row.kind, status: row.status, gateway: row.gateway,
        processed_at: row.processedAt, amount: row.amount, fee: row.fee, currency_code: row.currencyCode,
      });
    }
    for (const method of shippingMethods(o.shippingLines?.nodes ?? [])) this.shippingLines.push({ order_id: orderId, method });
  }

  addShippingLine(line: ShippingLineNode, orderGid: string) {
    for (const method of shippingMethods([line])) this.shippingLines.push({ order_id: numericId(orderGid), method });
  }

  addAgreement(a: AgreementNode, orderGid: string) {
    const agreementId = numericId(a.id);
    const orderId = numericId(orderGid);
    this.agreements.push({ agreement_id: agreementId, order_id: orderId, happened_at: a.happenedAt, reason: a.reason });
    this.memory?.remember(agreementId, { orderId, happenedAt: a.happenedAt, reason: a.reason });
  }

  addSale(s: SaleNode, agreementGid: string) {
    const item = "lineItem" in s ? s.lineItem : undefined;
    const agreementId = numericId(agreementGid);
    const row = {
      sale_id: numericId(s.id), agreement_id: agreementId, action_type: s.actionType, line_type: s.lineType,
      quantity: s.quantity ?? 0, line_item_id: item ? numericId(item.id) : null,
      product_id: item?.product ? numericId(item.product.id) : null,
      variant_id: item?.variant ? numericId(item.variant.id) : null,
      inventory_item_id: item?.variant?.inventoryItem ? numericId(item.variant.inventoryItem.id) : null,
      total_amount: decimal(s.totalAmount), discount_amount: decimal(s.totalDiscountAmountBeforeTaxes), tax_amount: decimal(s.totalTaxAmount),
    };
    const agreement = this.memory?.find(agreementId);
    if (!agreement) return this.sales.push(row);
    this.directSales.push({ ...row, order_id: agreement.orderId, agreement_reason: agreement.reason, happened_at: agreement.happenedAt });
  }

  /** A bulk JSONL line: orders at the top, agreements, sales and shipping lines carry __parentId. */
  addBulkLine(raw: string) {
    const node = JSON.parse(raw) as Record<string, unknown> & { __parentId?: string };
    if (!node.__parentId) return this.addOrder(node as unknown as OrderNode);
    if ("actionType" in node) return this.addSale(node as unknown as SaleNode, node.__parentId);
    if ("happenedAt" in node) return this.addAgreement(node as unknown as AgreementNode, node.__parentId);
    if ("title" in node) return this.addShippingLine(node as unknown as ShippingLineNode, node.__parentId);
    throw new Error(`unrecognised bulk line with keys ${Object.keys(node).slice(0, 6).join(",")}`);
  }

  /**
   * The batch as one statement (the three inserts as data-modifying CTEs: one
   * round trip), its parameters built now: the array literals are most of the JS
   * work of a write, so the caller builds them before it opens the transaction,
   * which then only waits on the database.
   */
  statement(shop: string, runId: string): SQL | null {
    const inserts = this.parts(shop, runId).map((build) => build()).filter((q): q is SQL => q !== null);
    return joinStatements(inserts);
  }

  /** The batch's writes, each built on demand: the staged tables', then a direct run's ledger writes. */
  private parts(shop: string, runId: string): Array<() => SQL | null> {
    return [
      () => insertStaged("staged_orders", shop, runId, this.orders),
      () => insertStaged("staged_agreements", shop, runId, this.agreements),
      () => insertStaged("staged_sales", shop, runId, this.sales),
      () => insertStaged("staged_transactions", shop, runId, this.transactions),
      () => insertStaged("staged_shipping_lines", shop, runId, this.shippingLines),
      () => insertDirectSales(shop, this.directSales),
      () => insertDirectTransactions(shop, this.directTransactions),
    ];
  }

  /**
   * The same statement, built a table at a time with a yield between tables (the
   * array literals of 5,000 lines take milliseconds to build): a write in flight
   * meanwhile gets its replies and sends its next statement without waiting for
   * the whole build.
   */
  async statementYielding(shop: string, runId: string): Promise<SQL | null> {
    const inserts: SQL[] = [];
    for (const build of this.parts(shop, runId)) {
      const insert = build();
      if (insert) inserts.push(insert);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return joinStatements(inserts);
  }

  /**
   * A live re-read's rows, written under the ledger lock the caller holds: an order
   * whose version in the ledger is newer (Shopify's updatedAt) is not staged, so the
   * finalize applies nothing of it (finalizeRun's "discard stale", in the same statement).
   */
  async writeLive(tx: Tx, shop: string, runId: string): Promise<void> {
    const parts = this.parts(shop, runId);
    parts[0] = () => insertStaged("staged_orders", shop, runId, this.orders, sql`not exists (
      select 1 from orders o where o.shop_id = ${shop} and o.order_id = r.order_id and o.source_updated_at > r.source_updated_at)`);
    const statement = joinStatements(parts.map((build) => build()).filter((q): q is SQL => q !== null));
    if (statement) await tx.execute(statement);
  }

  async write(tx: Tx, shop: string, runId: string): Promise<void> {
    const statement = this.statement(shop, runId);
    if (statement) await tx.execute(statement);
  }
}

/** Writes as one statement (data-modifying CTEs: one round trip). */
function joinStatements(inserts: SQL[]): SQL | null {
  return inserts.length === 0 ? null : asOneStatement(inserts);
}
