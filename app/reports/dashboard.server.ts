/**
 * Everything the dashboard shows, read in one tenant transaction (one round trip
 * per statement): the shop's row and sync status (loadDashboardPage), where the
 * shop's held history starts (which
 * also says whether it has any sales data: the page shows reports only once it
 * has), the report for the period from that day on, and its top products in the
 * order the merchant asked for. Under REQUEST_LIMITS: a query that runs for
 * seconds fails fast as a 503 (query-limits.server.ts) instead of holding a
 * connection.
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";

import { readShop, type Shop } from "~/shops.server";
import { readSyncStatus, type SyncStatus } from "~/sync/bulk.server";
import { enqueueLedgerBackfill, readLedgerBackfill, type LedgerBackfillState } from "~/sync/ledger-backfill.server";

import { readReport, type ReportData } from "./build.server";
import { historyFromDay } from "./history";
import type { ReportRange } from "./period";
import type { ProductSort } from "./product-sort";

export const DASHBOARD_TOP_PRODUCTS = 10;

export interface DashboardData {
  /** False until the first rollup or order row exists for the shop. */
  hasData: boolean;
  /** The first local day of the history the app holds (null: none yet). */
  heldFrom: string | null;
  report: ReportData;
}

export interface DashboardOptions {
  /**
   * The local day from which the app could read the shop's orders (shops.history_from,
   * without read_all_orders): days from it on are held even when they had no sales.
   */
  historyFromDay?: string | null;
}

/** The first local day with a rollup or an order row: two primary-key lookups. */
async function firstHeldDay(tx: Tx, shop: string): Promise<string | null> {
  const [row] = await queryRows<{ first: string | null }>(tx, sql`
    select least((select min(day) from daily_totals where shop_id = ${shop}),
                 (select min(day) from daily_orders where shop_id = ${shop}))::text as first`);
  return row?.first ?? null;
}

export async function loadDashboard(shop: string, range: ReportRange, currencyCode: string, sort: ProductSort, options: DashboardOptions = {}): Promise<DashboardData> {
  return withShop(shop, (tx) => readDashboard(tx, shop, range, currencyCode, sort, options.historyFromDay ?? null), { limits: REQUEST_LIMITS });
}

/** The report part of a dashboard load, in the caller's transaction. */
async function readDashboard(tx: Tx, shop: string, range: ReportRange, currencyCode: string, sort: ProductSort, historyFromDay: string | null, timeZone?: string): Promise<DashboardData> {
  const first = await firstHeldDay(tx, shop);
  const heldFrom = first && historyFromDay && historyFromDay < first ? historyFromDay : first;
  // With the shop's zone, a single-day period is read by the hour too (the chart draws hours).
  const report = await readReport(tx, shop, range, currencyCode, { topProducts: DASHBOARD_TOP_PRODUCTS, sort, heldFrom, timeZone });
  return { hasData: first !== null, heldFrom, report };
}

export interface DashboardPage extends DashboardData {
  shop: Shop;
  sync: SyncStatus;
  range: ReportRange;
  sort: ProductSort;
  /** Whether payments are being backfilled for orders synced before the app read them. */
  ledgerBackfill: LedgerBackfillState;
}

/**
 * A whole dashboard load in one transaction, under REQUEST_LIMITS: the shop's row,
 * the period the URL asks for in the shop's zone (`choose` may throw a 400 Response,
 * which ends the transaction), the sync status and the report. Null when the shop
 * has no current installation row yet (its very first load: requireShop writes it).
 */
export async function loadDashboardPage(
  shopDomain: string,
  choose: (shop: Shop) => { range: ReportRange; sort: ProductSort },
): Promise<DashboardPage | null> {
  const page = await withShop(shopDomain, async (tx) => {
    const shop = await readShop(tx, shopDomain);
    if (!shop || shop.uninstalledAt) return null;
    const { range, sort } = choose(shop);
    const sync = await readSyncStatus(tx, shopDomain);
    const ledgerBackfill = await readLedgerBackfill(tx, shopDomain);
    const data = await readDashboard(tx, shopDomain, range, shop.currencyCode, sort, historyFromDay(shop.historyFrom, shop.ianaTimezone), shop.ianaTimezone);
    return { shop, sync, range, sort, ledgerBackfill, ...data };
  }, { limits: REQUEST_LIMITS });
  // The first visit after a deploy that reads more per order starts the backfill
  // (the jobs table is app_system's: queued after the tenant transaction).
  if (page?.ledgerBackfill === "needed") await enqueueLedgerBackfill(shopDomain);
  return page;
}
