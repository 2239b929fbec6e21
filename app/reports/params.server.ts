/**
 * Report URL params → validated values, or a 400 Response whose text says what is
 * wrong. Pages render it in their ErrorBoundary; the export returns it as is.
 * Never a 500 for a bad address, never an echo of markup.
 */
import { z } from "zod";

import { securityHeaders } from "~/security/headers.server";

import type { ExportSource } from "./export.server";

import { parseRange, PeriodError, presetRange, PRESETS, todayIn, type CompareMode, type PresetKey, type ReportRange } from "./period";
import { DEFAULT_PRODUCT_SORT, parseProductSort, type ProductSort } from "./product-sort";

export function badRequest(message: string): Response {
  return new Response(message, {
    status: 400,
    headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" })),
  });
}

/** The period and comparison in the URL (`preset=` or `from=&to=`, plus `compare=`). */
export function rangeFromParams(params: URLSearchParams, timeZone: string, now?: Date): ReportRange {
  try {
    return parseRange(params, timeZone, now);
  } catch (error) {
    if (error instanceof PeriodError) throw badRequest(`${error.message}.`);
    throw error;
  }
}

/** The top-products order in the URL (`sort=&dir=`). */
export function sortFromParams(params: URLSearchParams): ProductSort {
  const result = parseProductSort(params);
  if (!result.ok) throw badRequest(`${result.message}.`);
  return result.sort;
}

const RANGE_KEYS = ["preset", "from", "to", "compare"];

/**
 * A page's period and table order, never an error page: params the server refuses give the
 * default period (or order) and the message saying why, so the page keeps its date controls
 * and the merchant picks again. The export and the form posts stay strict (a 400).
 */
export function reportParamsOrDefault(params: URLSearchParams, timeZone: string, now?: Date): { range: ReportRange; sort: ProductSort; problems: string[] } {
  const problems: string[] = [];
  let range: ReportRange;
  try {
    range = parseRange(params, timeZone, now);
  } catch (error) {
    if (!(error instanceof PeriodError)) throw error;
    problems.push(`${error.message}.`);
    const fallback = new URLSearchParams(params);
    for (const key of RANGE_KEYS) fallback.delete(key);
    range = parseRange(fallback, timeZone, now);
  }
  const sorted = parseProductSort(params);
  if (!sorted.ok) problems.push(`${sorted.message}.`);
  return { range, sort: sorted.ok ? sorted.sort : DEFAULT_PRODUCT_SORT, problems };
}

const ReportId = z.uuid();

/** A saved report's id (a UUID); anything else is a 400 rather than a lookup. */
export function reportIdFromParam(value: string | null | undefined): string {
  const parsed = ReportId.safeParse(value ?? "");
  if (!parsed.success) throw badRequest("This address does not lead to a saved report.");
  return parsed.data;
}

/** What to export: `?reportId=` (a snapshot) or the same range params as the dashboard. */
export function exportSourceFromParams(params: URLSearchParams, shop: { ianaTimezone: string; currencyCode: string }): ExportSource {
  if (params.has("reportId")) return { kind: "snapshot", reportId: reportIdFromParam(params.get("reportId")) };
  return { kind: "range", range: rangeFromParams(params, shop.ianaTimezone), currencyCode: shop.currencyCode };
}

/** The shop's today and the presets, each resolved in the shop's zone, for the date control. */
export function dateControlOptions(timeZone: string, now = new Date()) {
  return {
    today: todayIn(timeZone, now),
    presets: (Object.keys(PRESETS) as PresetKey[]).map((key) => ({ key, label: PRESETS[key].label, ...presetRange(key, timeZone, now) })),
  };
}

/** What the URL selected, for the date control: the preset it named (or the default one). */
export function selectionOf(params: URLSearchParams, range: ReportRange): { preset: PresetKey | null; from: string; to: string; compare: CompareMode } {
  const named = params.get("preset");
  const preset = named && Object.hasOwn(PRESETS, named) ? (named as PresetKey) : !params.get("from") && !params.get("to") ? "last30" : null;
  return { preset, ...range.period, compare: range.compareMode };
}

const DashboardAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry-sync") }),
  z.object({ intent: z.literal("save-report"), from: z.string().max(40), to: z.string().max(40), compare: z.string().max(40).optional() }),
]);
export type DashboardActionInput = z.infer<typeof DashboardAction>;

/** The dashboard's form posts; null for anything else. */
export function dashboardActionFromForm(form: FormData): DashboardActionInput | null {
  const parsed = DashboardAction.safeParse(Object.fromEntries(form));
  return parsed.success ? parsed.data : null;
}

/** A range from a form post, or the message to show next to the button that sent it. */
export function rangeOrMessage(input: { from: string; to: string; compare?: string }, timeZone: string): { range: ReportRange } | { message: string } {
  try {
    return { range: parseRange(new URLSearchParams({ from: input.from, to: input.to, compare: input.compare ?? "" }), timeZone) };
  } catch (error) {
    if (error instanceof PeriodError) return { message: `${error.message}.` };
    throw error;
  }
}
