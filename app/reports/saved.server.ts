/**
 * Saved report snapshots as the Reports pages show them: times in the shop's
 * zone, who saved them in words, products in the order the URL asked for; and
 * deleting one (the owner's, checked by the route), with its narratives.
 */
import { and, desc, eq, sql } from "drizzle-orm";

import { narrativeRequests, reportNarratives, reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { formatShopTime, knownZone } from "~/lib/shop-time";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { loadShop, readShopTimezone } from "~/shops.server";

import { loadSavedReport } from "./build.server";
import { lockNarratives } from "./narrate.server";
import { todayIn } from "./period";
import { sortProducts, type ProductSort } from "./product-sort";

export const SAVED_REPORTS_LISTED = 50;

/** "staff:42" → "Staff member 42" (createdBy holds the actor, never a name). */
function savedByLabel(createdBy: string): string {
  if (createdBy.startsWith("staff:")) return `Staff member ${createdBy.slice("staff:".length)}`;
  return createdBy === "system" ? "System" : createdBy === "cli" ? "CLI" : createdBy;
}

const shopZone = async (shop: string) => (await loadShop(shop))?.ianaTimezone ?? "UTC";

export async function loadSavedReportPage(shop: string, reportId: string, sort: ProductSort) {
  const saved = await loadSavedReport(shop, reportId);
  if (!saved) {
    throw new Response("No saved report has this id in your store.", {
      status: 404,
      headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" })),
    });
  }
  const zone = knownZone(await shopZone(shop));
  return {
    report: {
      id: saved.reportId,
      // The shop's day when the snapshot was taken: its figures were still filling (the chart marks it).
      savedDay: todayIn(zone, saved.createdAt),
      savedAt: formatShopTime(saved.createdAt, zone),
      savedAtIso: saved.createdAt.toISOString(),
      savedBy: savedByLabel(saved.createdBy),
      data: { ...saved.data, topProducts: sortProducts(saved.data.topProducts, sort) },
    },
    sort,
  };
}

/** Who wrote a report's newest narrative, as report_narratives.source says; null: none yet. */
export type NarrativeSource = "anthropic" | "local";

/**
 * The newest reports with their headline figures, read from each snapshot as saved
 * (net profit only when the snapshot has it), and who wrote the newest narrative.
 */
export async function listSavedReportsPage(shop: string) {
  return withShop(shop, async (tx) => {
    const timezone = knownZone(await readShopTimezone(tx, shop));
    const current = sql`${reports.data} -> 'current'`;
    const rows = await tx
      .select({
        reportId: reports.reportId, periodFrom: reports.periodFrom, periodTo: reports.periodTo,
        createdAt: reports.createdAt, createdBy: reports.createdBy, currencyCode: reports.currencyCode,
        netSales: sql<string | null>`${current} ->> 'netSales'`,
        grossProfit: sql<string | null>`${current} ->> 'grossProfit'`,
        netProfit: sql<string | null>`${current} ->> 'netProfit'`,
        orders: sql<number | null>`(${current} ->> 'orders')::int`,
        // Qualified by hand: drizzle leaves a one-table query's columns unqualified, which
        // inside this subquery would name the narrative's own columns.
        narrative: sql<NarrativeSource | null>`(select n.source from report_narratives n
          where n.shop_id = reports.shop_id and n.report_id = reports.report_id order by n.created_at desc limit 1)`,
      })
      .from(reports)
      .where(eq(reports.shopId, shop))
      .orderBy(desc(reports.createdAt))
      .limit(SAVED_REPORTS_LISTED);
    return {
      timezone,
      rows: rows.map((r) => ({
        reportId: r.reportId,
        period: { from: r.periodFrom, to: r.periodTo },
        currencyCode: r.currencyCode,
        figures: { netSales: r.netSales, grossProfit: r.grossProfit, netProfit: r.netProfit, orders: r.orders },
        narrative: r.narrative,
        savedAt: formatShopTime(r.createdAt, timezone),
        savedAtIso: r.createdAt.toISOString(),
        savedBy: savedByLabel(r.createdBy),
      })),
    };
  });
}

/**
 * Deletes a saved report of `shop` with its narratives and its narrative request, and
 * records `report.deleted`, in one transaction under the shop's role: another shop's id
 * matches no row here (row level security), so it is null, with nothing deleted or
 * recorded.
 */
export async function deleteSavedReport(
  shop: string,
  reportId: string,
  by: { actor: Actor; origin: RequestOrigin },
): Promise<{ narratives: number } | null> {
  return withShop(shop, async (tx) => {
    // Not beside a narrative being saved for it (narrate.server.ts re-checks the report under this lock).
    await lockNarratives(tx, shop);
    const ofReport = <T extends typeof reports | typeof reportNarratives | typeof narrativeRequests>(t: T) =>
      and(eq(t.shopId, shop), eq(t.reportId, reportId));
    const [gone] = await tx.delete(reports).where(ofReport(reports)).returning({ from: reports.periodFrom, to: reports.periodTo });
    if (!gone) return null;
    const narratives = await tx.delete(reportNarratives).where(ofReport(reportNarratives)).returning({ id: reportNarratives.narrativeId });
    await tx.delete(narrativeRequests).where(ofReport(narrativeRequests));
    await audit(tx, shop, {
      action: "report.deleted",
      actor: by.actor,
      target: reportId,
      meta: { from: gone.from, to: gone.to, narratives: narratives.length },
      origin: by.origin,
    });
    return { narratives: narratives.length };
  });
}
