/**
 * Everything the dashboard shows, read in one tenant transaction: the report for
 * the period, its top products in the order the merchant asked for, and whether
 * the shop has any sales data at all (the page shows reports only once it has).
 *
 * The ranking is its own query rather than a re-sort of build.server's top 10 by
 * net sales: "top 10 by gross profit" must rank every product, not ten of them.
 */
import { sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";

import { readReport, type ProductRow, type ReportData } from "./build.server";
import { computeMetrics, sumComponents, type Components } from "./metrics";
import type { Period, ReportRange } from "./period";
import type { ProductSort, ProductSortColumn } from "./product-sort";

export const DASHBOARD_TOP_PRODUCTS = 10;

export interface DashboardData {
  /** False until the first rollup or order row exists for the shop. */
  hasData: boolean;
  report: ReportData;
}

const netSalesWithCost = sql`sum(r.net_sales_with_cost)`;
const profit = sql`(sum(r.net_sales_with_cost) - sum(r.cogs))`;
const ORDER_BY: Record<ProductSortColumn, SQL> = {
  title: sql`lower(coalesce(max(pr.title), r.product_id::text))`,
  netSales: sql`sum(r.gross_sales + r.discounts + r.returns)`,
  grossProfit: profit,
  margin: sql`${profit} / nullif(${netSalesWithCost}, 0)`,
  units: sql`sum(r.units)`,
};

type RankedRow = Pick<Components, "grossSales" | "discounts" | "returns" | "cogs" | "netSalesWithCost" | "units"> & {
  productId: string;
  title: string | null;
};

/** The top `limit` products of the period by `sort`, with exact figures. */
export async function rankProducts(tx: Tx, shop: string, period: Period, sort: ProductSort, limit: number): Promise<ProductRow[]> {
  // The direction is one of two literals from a validated enum, never user text.
  const direction = sql.raw(sort.direction === "asc" ? "asc" : "desc");
  const rows = await queryRows<RankedRow>(tx, sql`
    select r.product_id::text as "productId", max(pr.title) as title,
      coalesce(sum(r.gross_sales), 0)::text as "grossSales", coalesce(sum(r.discounts), 0)::text as "discounts",
      coalesce(sum(r.returns), 0)::text as "returns", coalesce(sum(r.cogs), 0)::text as "cogs",
      coalesce(sum(r.net_sales_with_cost), 0)::text as "netSalesWithCost", coalesce(sum(r.units), 0)::int as "units"
    from daily_rollups r left join products pr on pr.shop_id = r.shop_id and pr.product_id = r.product_id
    where r.shop_id = ${shop} and r.product_id <> 0 and r.day between ${period.from}::date and ${period.to}::date
    group by r.product_id
    order by ${ORDER_BY[sort.column]} ${direction} nulls last, r.product_id
    limit ${limit}`);
  return rows.map((r) => {
    const m = computeMetrics(sumComponents([r]));
    return {
      productId: r.productId,
      title: r.title ?? `Product ${r.productId}`,
      netSales: m.netSales,
      grossProfit: m.grossProfit,
      units: m.units,
      grossMarginPercent: m.grossMarginPercent,
    };
  });
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
    // readReport's own top list is by net sales only; ours follows the table's sort.
    const report = await readReport(tx, shop, range, currencyCode, { topProducts: 0 });
    report.topProducts = await rankProducts(tx, shop, range.period, sort, DASHBOARD_TOP_PRODUCTS);
    return { hasData, report };
  });
}
