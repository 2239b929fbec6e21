/**
 * Payment fees as the sync recorded them (app/sync: order_transactions and the
 * daily_payment_fees rollup): the door net profit and the admin order block read.
 * Money is numeric text in shop currency, exact; nothing here estimates — a
 * per-gateway estimate applies to `uncoveredAmount` / `uncoveredTransactions` at
 * read time, in the caller.
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";

import type { Period } from "~/reports/period";

export interface GatewayFeeDay {
  /** The shop's local day of the transactions (YYYY-MM-DD). */
  day: string;
  gateway: string;
  /** Shopify's fees booked that day, signed (a fee given back on a refund reduces it). */
  fees: string;
  feeTransactions: number;
  /** Sales and captures that day without fee data from Shopify: what an estimate applies to. */
  uncoveredAmount: string;
  uncoveredTransactions: number;
}

/** Every gateway-day of the periods (inclusive local days), ordered by day then gateway. */
export async function loadPaymentFeeDays(tx: Tx, shop: string, periods: Period[]): Promise<GatewayFeeDay[]> {
  if (periods.length === 0) return [];
  const inPeriods = sql.join(periods.map((p) => sql`day between ${p.from}::date and ${p.to}::date`), sql` or `);
  return queryRows<GatewayFeeDay>(tx, sql`
    select day::text as day, gateway, fees::text as fees, fee_transactions as "feeTransactions",
      uncovered_amount::text as "uncoveredAmount", uncovered_transactions as "uncoveredTransactions"
    from daily_payment_fees
    where shop_id = ${shop} and (${inPeriods})
    order by day, gateway`);
}

export interface OrderTransactionRow {
  id: string;
  /** SALE, CAPTURE or REFUND (successful ones only: app/sync/transactions.ts). */
  kind: string;
  gateway: string;
  /** ISO 8601, UTC. */
  processedAt: string;
  /** As Shopify reports it (positive; `kind` says the direction). */
  amount: string;
  /** Shopify's fee for it; null: no fee data (an estimate may apply). */
  fee: string | null;
}

/** One order's transactions (numeric order id), oldest first. */
export async function loadOrderTransactions(tx: Tx, shop: string, orderId: string): Promise<OrderTransactionRow[]> {
  if (!/^\d{1,19}$/.test(orderId)) throw new Error(`not an order id: ${orderId.slice(0, 40)}`);
  return queryRows<OrderTransactionRow>(tx, sql`
    select transaction_id::text as id, kind, gateway,
      to_char(processed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "processedAt",
      amount::text as amount, fee::text as fee
    from order_transactions
    where shop_id = ${shop} and order_id = ${orderId}::bigint
    order by processed_at, transaction_id`);
}
