/**
 * Everything the dashboard shows, read in one tenant transaction: the report for
 * the period, its top products in the order the merchant asked for, and whether
 * the shop has any sales data at all (the page shows reports only once it has).
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";

import { readReport, type ReportData } from "./build.server";
import type { ReportRange } from "./period";
import type { ProductSort } from "./product-sort";

export const DASHBOARD_TOP_PRODUCTS = 10;

export interface DashboardData {
  /** False until the first rollup or order row exists for the shop. */
  hasData: boolean;
  report: ReportData;
}

async function shopHasData(tx: Tx, shop: string): Promise<boolean> {
  const [row] = await queryRows<{ has: boolean }>(tx, sql`
    select exists (select 1 from daily_rollups where shop_id = ${shop})
        or exists (select 1 from daily_orders where shop_id = ${shop}) as has`);
  return Boolean(row?.has);
}

export async function loadDashboard(shop: string, range: ReportRange, currencyCode: string, sort: ProductSort): Promise<DashboardData> {
  return withShop(shop, async (tx) => {
    const hasData = await shopHasData(tx, shop);
    const report = await readReport(tx, shop, range, currencyCode, { topProducts: DASHBOARD_TOP_PRODUCTS, sort });
    return { hasData, report };
  });
}
