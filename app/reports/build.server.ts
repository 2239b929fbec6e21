/**
 * Reports read the daily rollups, never the orders: a year of figures is ~365 rows
 * per query however large the store. Every money figure is computed by metrics.ts.
 */
import { randomUUID } from "node:crypto";

import { and, desc, eq, sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { audit, type Actor } from "~/security/audit.server";

import { computeMetrics, percentChange, sumComponents, type Components, type Metrics } from "./metrics";
import type { Period, ReportRange } from "./period";
import { DEFAULT_PRODUCT_SORT, type ProductRow, type ProductSort, type ProductSortColumn } from "./product-sort";

export interface SeriesPoint {
  day: string;
  netSales: string;
  totalSales: string;
  grossProfit: string;
  orders: number;
}

export type { ProductRow };

export interface ReportData {
  range: ReportRange;
  currencyCode: string;
  current: Metrics;
  previous: Metrics | null;
  /** Percent change per metric against the comparison period. */
  changes: Partial<Record<keyof Metrics, string | null>>;
  series: SeriesPoint[];
  topProducts: ProductRow[];
}

type DayRow = Omit<Components, "orders" | "originalNetProduct"> & { day: string };

const ROLLUP_SUMS = sql`
  coalesce(sum(gross_sales), 0)::text as "grossSales", coalesce(sum(discounts), 0)::text as "discounts",
  coalesce(sum(returns), 0)::text as "returns", coalesce(sum(shipping), 0)::text as "shipping",
  coalesce(sum(duties), 0)::text as "duties", coalesce(sum(fees), 0)::text as "fees",
  coalesce(sum(taxes), 0)::text as "taxes", coalesce(sum(tips), 0)::text as "tips",
  coalesce(sum(cogs), 0)::text as "cogs", coalesce(sum(net_sales_with_cost), 0)::text as "netSalesWithCost",
  coalesce(sum(costed_from_backfill), 0)::text as "costedFromBackfill", coalesce(sum(units), 0)::int as "units"`;

async function dailyComponents(tx: Tx, shop: string, p: Period): Promise<Map<string, Components>> {
  const rollups = await queryRows<DayRow>(tx, sql`
    select day::text as day, ${ROLLUP_SUMS} from daily_rollups
    where shop_id = ${shop} and day between ${p.from}::date and ${p.to}::date group by day`);
  const orderRows = await queryRows<{ day: string; orders: number; originalNetProduct: string }>(tx, sql`
    select day::text as day, orders, original_net_product::text as "originalNetProduct" from daily_orders
    where shop_id = ${shop} and day between ${p.from}::date and ${p.to}::date`);
  const days = new Map<string, Components>();
  for (const r of rollups) days.set(r.day, sumComponents([r]));
  for (const o of orderRows) days.set(o.day, sumComponents([days.get(o.day) ?? {}, { orders: o.orders, originalNetProduct: o.originalNetProduct }]));
  return days;
}

/*
 * Products are ranked in SQL over the whole period, not re-sorted from a fixed top
 * list: "top 10 by gross profit" must rank every product, not ten of them.
 */
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

function eachDay(p: Period): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${p.from}T00:00:00Z`); t <= Date.parse(`${p.to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Reads a report inside the caller's tenant transaction. */
export interface ReadOptions {
  /** How many products (default 10). */
  topProducts?: number;
  /** Their order (default: net sales, highest first). */
  sort?: ProductSort;
}

export async function readReport(tx: Tx, shop: string, range: ReportRange, currencyCode: string, options: ReadOptions = {}): Promise<ReportData> {
  const days = await dailyComponents(tx, shop, range.period);
  const current = computeMetrics(sumComponents(days.values()));
  const previous = range.compare ? computeMetrics(sumComponents((await dailyComponents(tx, shop, range.compare)).values())) : null;
  const changes: ReportData["changes"] = {};
  if (previous) {
    for (const key of ["grossSales", "netSales", "totalSales", "grossProfit", "averageOrderValue", "cogs", "returns", "discounts", "units", "orders"] as const) {
      changes[key] = percentChange(current[key], previous[key]);
    }
  }
  const series = eachDay(range.period).map((day) => {
    const m = computeMetrics(days.get(day) ?? sumComponents([]));
    return { day, netSales: m.netSales, totalSales: m.totalSales, grossProfit: m.grossProfit, orders: m.orders };
  });
  return { range, currencyCode, current, previous, changes, series, topProducts: await rankProducts(tx, shop, range.period, options.sort ?? DEFAULT_PRODUCT_SORT, options.topProducts ?? 10) };
}

export async function loadReport(shop: string, range: ReportRange, currencyCode: string, options: ReadOptions = {}): Promise<ReportData> {
  return withShop(shop, (tx) => readReport(tx, shop, range, currencyCode, options));
}

/** Saves a snapshot of a report; the narrative and scheduled reports work from these. */
export async function buildReport(shop: string, range: ReportRange, currencyCode: string, actor: Actor): Promise<{ reportId: string; data: ReportData }> {
  return withShop(shop, async (tx) => {
    const data = await readReport(tx, shop, range, currencyCode, { topProducts: 25 });
    const reportId = randomUUID();
    await tx.insert(reports).values({
      shopId: shop, reportId, periodFrom: range.period.from, periodTo: range.period.to,
      compareFrom: range.compare?.from ?? null, compareTo: range.compare?.to ?? null,
      currencyCode, data, createdBy: actor.type === "staff" ? `staff:${actor.id}` : actor.type,
    });
    await audit(tx, shop, { action: "report.built", actor, target: reportId, meta: { from: range.period.from, to: range.period.to } });
    return { reportId, data };
  });
}

export async function loadSavedReport(shop: string, reportId: string) {
  const [row] = await withShop(shop, (tx) => tx.select().from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, reportId))));
  return row ? { ...row, data: row.data as ReportData } : undefined;
}

export async function listSavedReports(shop: string, limit = 20) {
  return withShop(shop, (tx) =>
    tx.select({ reportId: reports.reportId, periodFrom: reports.periodFrom, periodTo: reports.periodTo, createdAt: reports.createdAt, createdBy: reports.createdBy })
      .from(reports).where(eq(reports.shopId, shop)).orderBy(desc(reports.createdAt)).limit(limit),
  );
}
