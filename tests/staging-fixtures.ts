/**
 * Staged runs written straight into the staging tables (generate_series), for
 * tests of the ledger's finalize: what a bulk file or a re-read would stage.
 * Order n: an ORDER agreement (id n·10) with two product sales and a shipping
 * line; every 10th order also a REFUND agreement (n·10+1) returning one unit;
 * payments and shipping methods as described below.
 */
import { sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";

/** A run of `orders` orders, each with an ORDER agreement (2 product sales, 1 shipping) and, for every 10th, a refund. */
export async function stageRun(tx: Tx, shop: string, runId: string, orders: number, firstOrder = 1) {
  const last = firstOrder + orders - 1;
  await tx.execute(sql`
    insert into staged_orders (shop_id, run_id, order_id, created_at, processed_at, cancelled_at, source_updated_at, test, currency_code)
    select ${shop}, ${runId}, n, ts, ts, null, ts + interval '1 day', false, 'USD'
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n,
      lateral (select timestamptz '2026-01-01 12:00:00+00' + (n % 365) * interval '1 day' + (n % 600) * interval '1 minute' as ts) t`);
  await tx.execute(sql`
    insert into staged_agreements (shop_id, run_id, agreement_id, order_id, happened_at, reason)
    select ${shop}, ${runId}, n * 10, n, timestamptz '2026-01-01 12:00:00+00' + (n % 365) * interval '1 day' + (n % 600) * interval '1 minute', 'ORDER'
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n
    union all
    select ${shop}, ${runId}, n * 10 + 1, n, timestamptz '2026-01-03 12:00:00+00' + (n % 365) * interval '1 day', 'REFUND'
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n where n % 10 = 0`);
  await tx.execute(sql`
    insert into staged_sales (shop_id, run_id, sale_id, agreement_id, action_type, line_type, quantity, line_item_id,
      product_id, variant_id, inventory_item_id, total_amount)
    select ${shop}, ${runId}, n * 100 + k, n * 10, 'ORDER', case when k = 2 then 'SHIPPING' else 'PRODUCT' end,
      case when k = 2 then 0 else 1 end, case when k = 2 then null else n * 100 + k end,
      case when k = 2 then null else 1 + (n + k) % 50 end, case when k = 2 then null else 1 + (n + k) % 50 end,
      case when k = 2 then null else 1 + (n + k) % 50 end, 10
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n, generate_series(0, 2) k
    union all
    select ${shop}, ${runId}, n * 100 + 50, n * 10 + 1, 'RETURN', 'PRODUCT', -1, n * 100, 1 + n % 50, 1 + n % 50, 1 + n % 50, -10
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n where n % 10 = 0`);
  // Payments: a SALE at the order's time (every 7th: a CAPTURE a day later), Shopify
  // Payments with its fee (2.9 % + 0.30 of 30.00 = 1.17) except every 5th order, paid
  // manually (no fee data); every 10th a REFUND of 10.00 on the refund's day (fee 0;
  // every 20th gives 0.29 back).
  await tx.execute(sql`
    insert into staged_transactions (shop_id, run_id, transaction_id, order_id, kind, status, gateway, processed_at, amount, fee, currency_code)
    select ${shop}, ${runId}, n * 10 + 1, n, case when n % 7 = 0 then 'CAPTURE' else 'SALE' end, 'SUCCESS',
      case when n % 5 = 0 then 'manual' else 'shopify_payments' end,
      timestamptz '2026-01-01 12:00:00+00' + (n % 365) * interval '1 day' + (n % 600) * interval '1 minute'
        + case when n % 7 = 0 then interval '1 day' else interval '0' end,
      30, case when n % 5 = 0 then null else 1.17 end, 'USD'
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n
    union all
    select ${shop}, ${runId}, n * 10 + 2, n, 'REFUND', 'SUCCESS', case when n % 5 = 0 then 'manual' else 'shopify_payments' end,
      timestamptz '2026-01-03 12:00:00+00' + (n % 365) * interval '1 day', 10, case when n % 20 = 0 then -0.29 else 0 end, 'USD'
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n where n % 10 = 0`);
  // Shipping methods: one per order, two for every 11th.
  await tx.execute(sql`
    insert into staged_shipping_lines (shop_id, run_id, order_id, method)
    select ${shop}, ${runId}, n, (array['Standard', 'Express', 'Local delivery'])[1 + n % 3]
    from generate_series(${firstOrder}::bigint, ${last}::bigint) n
    union all
    select ${shop}, ${runId}, n, 'Pickup' from generate_series(${firstOrder}::bigint, ${last}::bigint) n where n % 11 = 0`);
}

