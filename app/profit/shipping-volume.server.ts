/**
 * Shipping volumes by method as the sync recorded them (daily_shipping, kept by
 * app/sync/rollups.server.ts): the door shipping-cost rules read. A method is the
 * shipping line's title (ShippingLine.title); never an address.
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";

import type { Period } from "~/reports/period";

export interface ShippingDay {
  /** The shop's local day (YYYY-MM-DD). */
  day: string;
  method: string;
  /** Orders placed that day with a shipping line of this method (the day rule of daily_orders). */
  orders: number;
  /** Units sold (returns negative) that day by orders shipped with this method (daily_totals' units). */
  units: number;
}

/** Every method-day of the periods (inclusive local days), ordered by day then method. */
export async function loadShippingDays(tx: Tx, shop: string, periods: Period[]): Promise<ShippingDay[]> {
  if (periods.length === 0) return [];
  const inPeriods = sql.join(periods.map((p) => sql`day between ${p.from}::date and ${p.to}::date`), sql` or `);
  return queryRows<ShippingDay>(tx, sql`
    select day::text as day, method, orders, units
    from daily_shipping
    where shop_id = ${shop} and (${inPeriods})
    order by day, method`);
}
