/**
 * CSV export of a report: the live figures for a range, or a saved snapshot.
 *
 * The export is recorded as `report.exported` in the same transaction that read
 * the figures, so every export on record happened and every export that happened
 * is on record. A snapshot id of another shop is simply not found: row level
 * security hides it even if a WHERE clause were wrong.
 */
import { and, eq } from "drizzle-orm";

import { reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";

import { readReport, type ReportData } from "./build.server";
import type { ReportRange } from "./period";
import { reportCsv, reportFilename } from "./report-csv";

/** Live exports carry more products than the dashboard shows; snapshots keep what they saved. */
export const EXPORT_TOP_PRODUCTS = 100;

export type ExportSource = { kind: "range"; range: ReportRange; currencyCode: string } | { kind: "snapshot"; reportId: string };

export interface ReportExport {
  csv: string;
  filename: string;
}

function notFound(): Response {
  return new Response("This saved report does not exist.", {
    status: 404,
    headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" })),
  });
}

export async function exportReportCsv(shop: string, source: ExportSource, by: { actor: Actor; origin: RequestOrigin }): Promise<ReportExport> {
  return withShop(shop, async (tx) => {
    let data: ReportData;
    let snapshot: { reportId: string; savedAt: string } | undefined;
    if (source.kind === "range") {
      data = await readReport(tx, shop, source.range, source.currencyCode, { topProducts: EXPORT_TOP_PRODUCTS });
    } else {
      const [row] = await tx.select().from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, source.reportId)));
      if (!row) throw notFound();
      data = row.data as ReportData;
      snapshot = { reportId: row.reportId, savedAt: row.createdAt.toISOString() };
    }
    const { from, to } = data.range.period;
    await audit(tx, shop, {
      action: "report.exported",
      actor: by.actor,
      target: snapshot ? snapshot.reportId : "report.csv",
      meta: { format: "csv", from, to, compare: data.range.compareMode, snapshot: Boolean(snapshot), products: data.topProducts.length },
      origin: by.origin,
    });
    return { csv: reportCsv(data, { shop, ...snapshot }), filename: reportFilename(shop, data) };
  });
}
