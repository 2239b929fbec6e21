/**
 * A local day's ledger sums by hour (hourly.ts draws them): the sales and orders of
 * non-test orders whose instant falls in the day, counted as the daily rollups count
 * them (app/sync/rollups.server.ts), so the hours add up to the day: net sales, net
 * sales with a cost and COGS by the sale's instant; an order in the hour it was
 * placed, and an order edited on a later day once more, in the hour of that day's
 * first edit sale (Shopify's "an edit on a later day is a new order"). Two index
 * ranges (sales_happened_idx, orders_placed_idx) over one day.
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import type { HourPoint } from "~/lib/series";

import { buildHourPoints, dayBounds, type HourSums } from "./hourly";

export async function readHours(tx: Tx, shop: string, day: string, timeZone: string, now: Date): Promise<HourPoint[]> {
  const { start, end } = dayBounds(day, timeZone);
  const from = sql`${start.toISOString()}::timestamptz`;
  const to = sql`${end.toISOString()}::timestamptz`;
  // Position of an instant in the day: every hour of a local day is 3,600 s long.
  const slot = (instant: ReturnType<typeof sql>) => sql`floor(extract(epoch from ${instant} - ${from}) / 3600)`;
  const rows = await queryRows<HourSums>(tx, sql`
    select x.slot::int as slot, sum(x.net)::text as "netSales", sum(x.with_cost)::text as "netSalesWithCost",
      sum(x.cogs)::text as cogs, sum(x.orders)::int as orders
    from (
      select ${slot(sql`s.happened_at`)} as slot, s.gross_sales + s.discounts + s.returns as net,
        case when s.cogs is null then 0 else s.gross_sales + s.discounts + s.returns end as with_cost,
        coalesce(s.cogs, 0) as cogs, 0 as orders
      from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
      where s.shop_id = ${shop} and s.happened_at >= ${from} and s.happened_at < ${to} and not o.test
      union all
      select ${slot(sql`o.placed_at`)}, 0, 0, 0, 1
      from orders o
      where o.shop_id = ${shop} and o.placed_at >= ${from} and o.placed_at < ${to} and not o.test
      union all
      select ${slot(sql`min(s.happened_at)`)}, 0, 0, 0, 1
      from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
      where s.shop_id = ${shop} and s.happened_at >= ${from} and s.happened_at < ${to} and not o.test
        and s.agreement_reason = 'ORDER_EDIT' and o.placed_at < ${from}
      group by s.order_id
    ) x
    group by x.slot`);
  return buildHourPoints(day, timeZone, rows, now);
}
