/**
 * What an Activity row's target is, in words, and where it leads when it still exists:
 * a saved report → its page; a variant whose cost was edited → the Costs page, searched
 * to its product with the variant's history open. A target that is gone (a deleted
 * report, a variant no longer in the store) is named, never linked. Everything else is
 * shown as recorded. Read in the page's transaction, so row level security keeps every
 * look-up inside the shop. Passed to the Activity reader by its routes (the security
 * layer reads no report or catalogue table).
 */
import { and, eq, inArray } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { reports } from "~/db/schema.server";
import { formatPeriod } from "~/lib/format";
import type { ActivityEventTarget, ResolvedTarget } from "~/security/audit-log.server";
import { readVariantNames } from "~/sync/costs/variant-names.server";

/** Actions whose target is a saved report's id. */
const REPORT_ACTIONS = new Set(["report.built", "report.exported", "report.deleted", "report.narrated", "narrative.limit_reached"]);
const REPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VARIANT_TARGET = /^variant:(\d{1,19})$/;

type EventTarget = ActivityEventTarget;

const reportIdOf = (e: EventTarget) => (e.target && REPORT_ACTIONS.has(e.action) && REPORT_ID.test(e.target) ? e.target : null);
const variantIdOf = (e: EventTarget) => (e.target ? VARIANT_TARGET.exec(e.target)?.[1] ?? null : null);

const periodOf = (meta: Record<string, unknown>) =>
  typeof meta.from === "string" && typeof meta.to === "string" ? formatPeriod({ from: meta.from, to: meta.to }) : null;

/** One look-up per kind for the whole page, then each event's target from the maps. */
export async function resolveActivityTargets(tx: Tx, shop: string, events: EventTarget[]): Promise<ResolvedTarget[]> {
  const reportIds = [...new Set(events.map(reportIdOf).filter((id): id is string => id !== null))];
  const variantIds = [...new Set(events.map(variantIdOf).filter((id): id is string => id !== null))];

  const savedReports = new Map(
    reportIds.length
      ? (await tx.select({ id: reports.reportId, from: reports.periodFrom, to: reports.periodTo }).from(reports)
        .where(and(eq(reports.shopId, shop), inArray(reports.reportId, reportIds)))).map((r) => [r.id, r] as const)
      : [],
  );
  const liveVariants = await readVariantNames(tx, shop, variantIds);

  return events.map((event) => {
    const reportId = reportIdOf(event);
    if (reportId) {
      const saved = savedReports.get(reportId);
      if (saved) return { text: `Report ${formatPeriod(saved)}`, url: `/app/reports/${reportId}` };
      const period = periodOf(event.meta);
      return { text: period ? `Deleted report (${period})` : "Deleted report", url: null };
    }
    const variantId = variantIdOf(event);
    if (variantId) {
      const variant = liveVariants.get(variantId);
      if (!variant) return { text: `Variant ${variantId} (no longer in the store)`, url: null };
      const product = variant.productTitle ?? `Product of variant ${variantId}`;
      const name = variant.variantTitle && variant.variantTitle !== "Default Title" ? `${product} · ${variant.variantTitle}` : product;
      const params = new URLSearchParams({ q: product.slice(0, 100), variant: variantId });
      return { text: name, url: `/app/costs?${params}` };
    }
    // A dashboard export has no saved report to point at.
    if (event.action === "report.exported" && event.target === "report.csv") return { text: "Dashboard CSV", url: null };
    return { text: event.target, url: null };
  });
}
