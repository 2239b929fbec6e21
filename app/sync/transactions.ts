/**
 * Which of an order's transactions the ledger keeps, and the fee each carries: the
 * one rule for the backfill (bulk lines) and the live re-reads.
 *
 * Kept: status SUCCESS and kind SALE, CAPTURE or REFUND — the transactions that move
 * money (https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderTransactionKind:
 * an AUTHORIZATION only reserves funds, "money does not change hands until the
 * authorization is captured"; VOID cancels an authorization; SUGGESTED_REFUND is a
 * proposal; EMV_AUTHORIZATION is an authorization; CHANGE is cash handed back at a
 * point of sale, which no gateway charges a fee on). Pending, failed or errored
 * transactions moved no money (OrderTransactionStatus).
 *
 * The fee: Σ TransactionFee (amount + taxAmount) in shop money. Shopify fills
 * `fees` "only for Shopify Payments transactions"
 * (https://shopify.dev/docs/api/admin-graphql/latest/objects/OrderTransaction#field-fees);
 * the tax charged on a fee (`taxAmount`, https://shopify.dev/docs/api/admin-graphql/latest/objects/TransactionFee)
 * is a cost to the merchant too, and whether it can be reclaimed depends on their
 * tax status, which we do not know: counted (the conservative reading).
 *  - A SALE or CAPTURE without fee entries has no fee data (`null`): another gateway
 *    or manual payment. A per-gateway estimate may apply to it at read time.
 *  - A REFUND without fee entries has fee 0: Shopify Payments charges no fee on a
 *    refund and does not return the original fee ("When processing a refund, no
 *    additional transaction fee is incurred. However, the original credit card
 *    transaction fee isn't refunded to you", Help Center, Shopify Payments refunds:
 *    https://help.shopify.com/en/manual/payments/shopify-payments/getting-paid-with-shopify-payments/refunds).
 *    For other gateways we know nothing, and an estimate on a refund would give
 *    fees back that the gateway may keep: none is applied (conservative).
 *  - A REFUND that does carry fee entries books them with the opposite sign: a fee
 *    given back reduces the fees of the refund's day. The API reference does not say
 *    how a returned fee is signed; fee amounts are reported as positive sizes, like
 *    the transaction's own amount, so a refund's fees are taken as returned.
 *  - A fee in another currency than the transaction's shop money cannot be added
 *    exactly: a sale or capture counts as without fee data (estimated, not guessed),
 *    a refund as fee 0 (no estimate on refunds).
 */
import Big from "big.js";

export interface MoneyV2Node {
  amount: string;
  currencyCode?: string | null;
}

export interface TransactionNode {
  id: string;
  kind: string;
  status: string;
  gateway?: string | null;
  processedAt?: string | null;
  createdAt: string;
  amountSet: { shopMoney: MoneyV2Node };
  fees: Array<{ amount: MoneyV2Node; taxAmount?: MoneyV2Node | null }>;
}

export interface ShippingLineNode {
  title: string;
  code?: string | null;
  source?: string | null;
}

export const KEPT_KINDS = ["SALE", "CAPTURE", "REFUND"] as const;
export type KeptKind = (typeof KEPT_KINDS)[number];

/** The gateway name recorded when Shopify gives none (OrderTransaction.gateway is nullable). */
export const UNKNOWN_GATEWAY = "unknown";

export interface TransactionRow {
  transactionId: string;
  kind: KeptKind;
  status: "SUCCESS";
  gateway: string;
  processedAt: string;
  /** Shop money, as Shopify reports it (positive). */
  amount: string;
  /** Signed fee in shop money; null: no fee data. */
  fee: string | null;
  currencyCode: string;
}

const DECIMAL = /^[+-]?\d{1,16}(\.\d{1,10})?$/;
const money = (m: MoneyV2Node | null | undefined, what: string): string => {
  const value = m?.amount ?? "0";
  if (!DECIMAL.test(String(value))) throw new Error(`not a money amount for ${what}: ${JSON.stringify(String(value).slice(0, 40))}`);
  return String(value);
};

const isKept = (kind: string): kind is KeptKind => (KEPT_KINDS as readonly string[]).includes(kind);

/** The row the ledger keeps for `t`, or null when it moved no money (see the rule above). */
export function transactionRow(t: TransactionNode, numericId: (gid: string) => string): TransactionRow | null {
  if (t.status !== "SUCCESS" || !isKept(t.kind)) return null;
  const amount = money(t.amountSet?.shopMoney, `transaction ${t.id}`);
  const currencyCode = t.amountSet.shopMoney.currencyCode ?? "";
  if (!/^[A-Z]{3}$/.test(currencyCode)) throw new Error(`transaction ${t.id} has no shop currency`);
  return {
    transactionId: numericId(t.id),
    kind: t.kind,
    status: "SUCCESS",
    gateway: t.gateway?.trim() || UNKNOWN_GATEWAY,
    processedAt: t.processedAt ?? t.createdAt,
    amount,
    fee: feeOf(t, t.kind, currencyCode),
    currencyCode,
  };
}

function feeOf(t: TransactionNode, kind: KeptKind, currencyCode: string): string | null {
  const refund = kind === "REFUND";
  const fees = t.fees ?? [];
  // A refund never gets an estimate (see above): no usable fee data is fee 0.
  const noData = refund ? "0" : null;
  if (fees.length === 0) return noData;
  let sum = new Big(0);
  for (const fee of fees) {
    for (const part of [fee.amount, fee.taxAmount]) {
      if (!part) continue;
      if (part.currencyCode && part.currencyCode !== currencyCode) return noData;
      sum = sum.plus(money(part, `a fee of ${t.id}`));
    }
  }
  return (refund ? sum.neg() : sum).toFixed();
}

/** The shipping methods of an order: its lines' titles, distinct, sorted. */
export function shippingMethods(lines: ShippingLineNode[]): string[] {
  return [...new Set(lines.map((l) => l.title.trim()).filter((t) => t.length > 0))].sort();
}
