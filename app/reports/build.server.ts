/**
 * Reports read rollups the sync maintains (app/sync/rollups.server.ts),
 * never the orders. The KPI cards and the chart read daily_totals and daily_orders:
 * one row per local day each, so a year is at most 366 + 366 rows (732 with the
 * comparison), whatever the catalogue. Products are ranked from monthly_rollups for
 * the whole months of the period plus daily_rollups for the partial months at its
 * edges (month-split.ts): a 5-year ranking reads 60 months + up to 60 days per
 * product sold, not 1,826 days. Every money figure is computed by metrics.ts.
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql, type SQL } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { reports } from "~/db/schema.server";
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import type { HourPoint } from "~/lib/series";
import { emptyExpenses, netProfitFigures, sumExpenses, type Expenses } from "~/profit/net-profit";
import { readExpenseDays } from "~/profit/net-profit.server";
import { audit, type Actor } from "~/security/audit.server";

import { computeChanges } from "./change";
import { readHours } from "./hourly.server";
import { computeMetrics, emptyComponents, seriesPoint, sumComponents, type Components, type Metrics } from "./metrics";
import { splitByMonths } from "./month-split";
import type { ProductMove } from "./narrative-drivers";
import type { Period, ReportRange } from "./period";
import { DEFAULT_PRODUCT_SORT, type ProductRow, type ProductSort, type ProductSortColumn } from "./product-sort";

export interface SeriesPoint {
  day: string;
  netSales: string;
  totalSales: string;
  grossProfit: string;
  orders: number;
  /** Gross profit − that day's payment fees, shipping and custom costs; absent in snapshots saved before net profit. */
  netProfit?: string;
}

export type { ProductRow };

export interface ReportData {
  range: ReportRange;
  currencyCode: string;
  current: Metrics;
  previous: Metrics | null;
  /**
   * Percent change per metric against the comparison period, under change.ts's
   * sign rule. Snapshots saved before that rule hold signed changes: read a
   * report's changes with changesOf(data), never from here.
   */
  changes: Partial<Record<keyof Metrics, string | null>>;
  series: SeriesPoint[];
  /**
   * The comparison period's days, first to last (the chart draws them aligned by
   * position); absent without a comparison and in snapshots saved before it.
   */
  compareSeries?: SeriesPoint[];
  /**
   * A single-day period's hours on the shop's clock, and the comparison day's
   * (app/reports/hourly.ts); read only when the caller gives the shop's zone.
   */
  hours?: { current: HourPoint[]; compare: HourPoint[] | null };
  topProducts: ProductRow[];
  /**
   * Set when the period asked for started before the history the app holds: the
   * day it asked for (range.period then starts where the history does).
   */
  requestedFrom?: string;
  /**
   * Saved reports with a comparison: each product of either period's top 25 by net
   * sales, with its net sales and units in both periods (the narrative's product
   * drivers). Absent on the dashboard and in snapshots saved before it existed.
   */
  productMoves?: ProductMove[];
}

type DayRow = Omit<Components, "originalNetProduct" | "orders"> & { day: string; orders: number; originalNetProduct: string };

/**
 * Every day of the period and of the comparison, in one statement: each day's
 * totals beside its orders (a day can have one without the other).
 */
async function dailyComponents(tx: Tx, shop: string, periods: Period[]): Promise<Map<string, Components>> {
  const inPeriods = (column: string) =>
    sql.join(periods.map((p) => sql`${sql.identifier(column)} between ${p.from}::date and ${p.to}::date`), sql` or `);
  const rows = await queryRows<DayRow>(tx, sql`
    select coalesce(t.day, o.day)::text as day,
      coalesce(t.gross_sales, 0)::text as "grossSales", coalesce(t.discounts, 0)::text as "discounts",
      coalesce(t.returns, 0)::text as "returns", coalesce(t.shipping, 0)::text as "shipping",
      coalesce(t.duties, 0)::text as "duties", coalesce(t.fees, 0)::text as "fees",
      coalesce(t.taxes, 0)::text as "taxes", coalesce(t.tips, 0)::text as "tips",
      coalesce(t.cogs, 0)::text as "cogs", coalesce(t.net_sales_with_cost, 0)::text as "netSalesWithCost",
      coalesce(t.costed_from_backfill, 0)::text as "costedFromBackfill", coalesce(t.units, 0)::int as "units",
      coalesce(o.orders, 0)::int as orders, coalesce(o.original_net_product, 0)::text as "originalNetProduct"
    from (select * from daily_totals where shop_id = ${shop} and (${inPeriods("day")})) t
    full join (select * from daily_orders where shop_id = ${shop} and (${inPeriods("day")})) o on o.day = t.day`);
  // Each row already is one day's exact components (numeric text from the database).
  return new Map(rows.map((r) => [r.day, r]));
}

const within = <T>(days: Map<string, T>, p: Period) => [...days].filter(([day]) => day >= p.from && day <= p.to).map(([, c]) => c);

/** A period's metrics with net profit and the expenses it deducts (app/profit/net-profit.ts). */
const withNetProfit = (m: Metrics, expenses: Expenses): Metrics => ({ ...m, ...netProfitFigures(m.grossProfit, expenses) });

/*
 * Products are ranked in SQL over the whole period, not re-sorted from a fixed top
 * list: "top 10 by gross profit" must rank every product, not ten of them.
 */
// Gross profit and margin as displayed (metrics.ts: from the parts rounded to the cent;
// PostgreSQL's round() is half away from zero, as money() is), so the order agrees with the figures.
const profit = sql`(round(r.net_sales_with_cost, 2) - round(r.cogs, 2))`;
const ORDER_BY: Record<ProductSortColumn, SQL> = {
  title: sql`lower(coalesce(pr.title, r.product_id::text))`,
  netSales: sql`(r.gross_sales + r.discounts + r.returns)`,
  grossProfit: profit,
  margin: sql`${profit} / nullif(round(r.net_sales_with_cost, 2), 0)`,
  units: sql`r.units`,
};

type RankedRow = Pick<Components, "grossSales" | "discounts" | "returns" | "cogs" | "netSalesWithCost" | "units"> & {
  productId: string;
  title: string | null;
};

const PRODUCT_COLUMNS = sql.raw("product_id, gross_sales, discounts, returns, cogs, net_sales_with_cost, units");

/** The top `limit` products of the period by `sort`, with exact figures; `only`: among these product ids. */
export async function rankProducts(tx: Tx, shop: string, period: Period, sort: ProductSort, limit: number, only?: string[]): Promise<ProductRow[]> {
  if (only && only.length === 0) return [];
  // Product ids are numeric strings from our own rows, bound as parameters.
  const among = only ? sql` and product_id in (${sql.join(only.map((id) => sql`${id}::bigint`), sql`, `)})` : sql``;
  // The direction is one of two literals from a validated enum, never user text.
  const direction = sql.raw(sort.direction === "asc" ? "asc" : "desc");
  const { months, days } = splitByMonths(period);
  // Each part is a range on its table's primary key (shop, month|day, product).
  const parts = [
    ...(months ? [sql`select ${PRODUCT_COLUMNS} from monthly_rollups
      where shop_id = ${shop} and month between ${months.from}::date and ${months.to}::date and product_id <> 0${among}`] : []),
    ...days.map((d) => sql`select ${PRODUCT_COLUMNS} from daily_rollups
      where shop_id = ${shop} and day between ${d.from}::date and ${d.to}::date and product_id <> 0${among}`),
  ];
  const rows = await queryRows<RankedRow>(tx, sql`
    select r.product_id::text as "productId", pr.title,
      r.gross_sales::text as "grossSales", r.discounts::text as "discounts", r.returns::text as "returns",
      r.cogs::text as "cogs", r.net_sales_with_cost::text as "netSalesWithCost", r.units::int as "units"
    from (
      select product_id, sum(gross_sales) as gross_sales, sum(discounts) as discounts, sum(returns) as returns,
        sum(cogs) as cogs, sum(net_sales_with_cost) as net_sales_with_cost, sum(units) as units
      from (${sql.join(parts, sql` union all `)}) parts
      group by product_id) r
    left join products pr on pr.shop_id = ${shop} and pr.product_id = r.product_id
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
      netSalesWithCost: m.netSalesWithCost,
      netSalesWithoutCost: m.netSalesWithoutCost,
      cogs: m.cogs,
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
  /**
   * The first local day of the history the app holds: a period starting earlier
   * is shown from that day (ReportData.requestedFrom says so). Unset: as asked.
   */
  heldFrom?: string | null;
  /** The shop's zone: a single-day period is then read by the hour too. */
  timeZone?: string;
  /** Marks the hour in progress (default: now). */
  now?: Date;
}

/** The period as shown: from the first held day when it asked for days before it. */
function clampToHeld(period: Period, heldFrom: string | null | undefined): Period {
  return heldFrom && period.from < heldFrom && heldFrom <= period.to ? { from: heldFrom, to: period.to } : period;
}

export async function readReport(tx: Tx, shop: string, range: ReportRange, currencyCode: string, options: ReadOptions = {}): Promise<ReportData> {
  const period = clampToHeld(range.period, options.heldFrom);
  // Before the held history there is nothing to read: the comparison's query is
  // clamped too (its figures are the same), its dates as asked.
  const compare = range.compare ? clampToHeld(range.compare, options.heldFrom) : null;
  const periods = compare ? [period, compare] : [period];
  const days = await dailyComponents(tx, shop, periods);
  const expenseDays = await readExpenseDays(tx, shop, periods, currencyCode);
  const current = withNetProfit(computeMetrics(sumComponents(within(days, period))), sumExpenses(within(expenseDays, period)));
  const previous = compare ? withNetProfit(computeMetrics(sumComponents(within(days, compare))), sumExpenses(within(expenseDays, compare))) : null;
  const changes = computeChanges(current, previous);
  const none = emptyComponents();
  const noExpenses = emptyExpenses();
  const seriesOf = (p: Period): SeriesPoint[] => eachDay(p).map((day) => {
    const point = seriesPoint(days.get(day) ?? none);
    return { day, ...point, netProfit: netProfitFigures(point.grossProfit, expenseDays.get(day) ?? noExpenses).netProfit };
  });
  const series = seriesOf(period);
  // The comparison's days as asked (days before the held history read as zeros), so
  // its k-th day faces the period's k-th.
  const compareSeries = range.compare ? seriesOf(range.compare) : undefined;
  const hours = options.timeZone && period.from === period.to ? await readDayHours(tx, shop, range, options.timeZone, options.now ?? new Date()) : undefined;
  const topProducts = await rankProducts(tx, shop, period, options.sort ?? DEFAULT_PRODUCT_SORT, options.topProducts ?? 10);
  return {
    range: period === range.period ? range : { ...range, period },
    currencyCode, current, previous, changes, series, topProducts,
    ...(compareSeries ? { compareSeries } : {}),
    ...(hours ? { hours } : {}),
    ...(period === range.period ? {} : { requestedFrom: range.period.from }),
  };
}

/** A single day's hours and, when it is one day too, the comparison day's. */
async function readDayHours(tx: Tx, shop: string, range: ReportRange, timeZone: string, now: Date): Promise<NonNullable<ReportData["hours"]>> {
  const current = await readHours(tx, shop, range.period.from, timeZone, now);
  const compare = range.compare && range.compare.from === range.compare.to ? await readHours(tx, shop, range.compare.from, timeZone, now) : null;
  return { current, compare };
}

export async function loadReport(shop: string, range: ReportRange, currencyCode: string, options: ReadOptions = {}): Promise<ReportData> {
  return withShop(shop, (tx) => readReport(tx, shop, range, currencyCode, options), { limits: REQUEST_LIMITS });
}

/**
 * Both periods' figures of the products in either period's top `limit` by net sales:
 * a product that fell out of the top (or sold nothing now) is as much a driver as
 * one that rose. A product missing from a period's answer sold nothing in it.
 */
async function readProductMoves(tx: Tx, shop: string, period: Period, compare: Period, current: ProductRow[], limit: number): Promise<ProductMove[]> {
  const sort = { column: "netSales", direction: "desc" } as const;
  const before = await rankProducts(tx, shop, compare, sort, limit);
  const ids = (rows: ProductRow[]) => new Set(rows.map((r) => r.productId));
  const [nowIds, beforeIds] = [ids(current), ids(before)];
  const nowRest = await rankProducts(tx, shop, period, sort, limit, [...beforeIds].filter((id) => !nowIds.has(id)));
  const beforeRest = await rankProducts(tx, shop, compare, sort, limit, [...nowIds].filter((id) => !beforeIds.has(id)));
  const byId = (rows: ProductRow[]) => new Map(rows.map((r) => [r.productId, r]));
  const [now, then] = [byId([...current, ...nowRest]), byId([...before, ...beforeRest])];
  return [...new Set([...nowIds, ...beforeIds])].map((productId) => {
    const a = now.get(productId);
    const b = then.get(productId);
    return {
      productId, title: a?.title ?? b?.title ?? `Product ${productId}`,
      netSales: a?.netSales ?? "0.00", units: a?.units ?? 0, previousNetSales: b?.netSales ?? "0.00", previousUnits: b?.units ?? 0,
    };
  });
}

/** Saves a snapshot of a report; the narrative and scheduled reports work from these. */
export async function buildReport(shop: string, range: ReportRange, currencyCode: string, actor: Actor): Promise<{ reportId: string; data: ReportData }> {
  return withShop(shop, async (tx) => {
    const read = await readReport(tx, shop, range, currencyCode, { topProducts: 25 });
    const compare = read.range.compare;
    const data: ReportData = compare
      ? { ...read, productMoves: await readProductMoves(tx, shop, read.range.period, compare, read.topProducts, 25) }
      : read;
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
