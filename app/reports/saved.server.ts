/**
 * Saved report snapshots as the Reports pages show them: times in the shop's
 * zone, who saved them in words, products in the order the URL asked for.
 */
import { securityHeaders } from "~/security/headers.server";
import { loadShop } from "~/shops.server";

import { listSavedReports, loadSavedReport } from "./build.server";
import { todayIn } from "./period";
import { sortProducts, type ProductSort } from "./product-sort";

export const SAVED_REPORTS_LISTED = 50;

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone });
  } catch {
    // A zone this runtime does not know: UTC, labelled by the page, beats a failed page.
    return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  }
}

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
  const zone = await shopZone(shop);
  const format = timeFormat(zone);
  return {
    report: {
      id: saved.reportId,
      // The shop's day when the snapshot was taken: its figures were still filling (the chart marks it).
      savedDay: todayIn(zone, saved.createdAt),
      savedAt: format.format(saved.createdAt),
      savedAtIso: saved.createdAt.toISOString(),
      savedBy: savedByLabel(saved.createdBy),
      data: { ...saved.data, topProducts: sortProducts(saved.data.topProducts, sort) },
    },
    sort,
  };
}

export async function listSavedReportsPage(shop: string) {
  const timezone = await shopZone(shop);
  const format = timeFormat(timezone);
  const rows = await listSavedReports(shop, SAVED_REPORTS_LISTED);
  return {
    timezone,
    rows: rows.map((r) => ({
      reportId: r.reportId,
      period: { from: r.periodFrom, to: r.periodTo },
      savedAt: format.format(r.createdAt),
      savedAtIso: r.createdAt.toISOString(),
      savedBy: savedByLabel(r.createdBy),
    })),
  };
}
