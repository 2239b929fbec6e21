/**
 * What a report narrative may be written from, and what it must look like. Pure:
 * shared by the server (narrate.server.ts, local-narrative.ts) and, as types only,
 * by the UI.
 *
 * Guarantees (security.md §2f, OWASP LLM02):
 *  - `NarrativeInput` holds only numbers (decimal strings or integers), ISO dates,
 *    the currency code, enumerated period labels and product titles (merchant data).
 *    No order names, notes, discount codes, emails, addresses, staff or customer
 *    names, and no ids of any kind, not even product ids. Every object in the schema
 *    is `.strict()`: an extra key throws before anything is sent.
 *  - Small-cell suppression, k = 5 (SMALL_CELL_MIN):
 *    · days: a day with fewer than 5 orders is MERGED with its neighbours into a
 *      date-range bucket of at least 5 orders; a short tail joins the last bucket.
 *      Merging rather than dropping, because the period totals are sent too: a
 *      dropped day would be exactly "totals minus the listed days".
 *      A period with fewer than 5 orders in all gets no daily breakdown at all.
 *    · products: a product with fewer than 5 units is MERGED into one "other
 *      products" bucket (a count, units, net sales, gross profit; no titles). That
 *      bucket is DROPPED when it has fewer than 5 units itself. Its sum then remains
 *      inside total net sales, which already mixes in every product outside the
 *      saved top 25: it describes a group of products over the whole period, never
 *      a day, an order or a customer.
 *  - Product titles are cut to 120 characters with control characters removed;
 *    they are merchant data and are sent as titles, nowhere else.
 */
import { z } from "zod";

import { CHANGE_KEYS, changesOf, hasComparisonData } from "./change";
import { computeDrivers, costGaps, CostGapsSchema, DriversSchema } from "./narrative-drivers";
import type { Metrics } from "./metrics";
import type { CompareMode } from "./period";
import type { ReportData } from "./build.server";

export const SMALL_CELL_MIN = 5;
/**
 * 2: changes under change.ts's sign rule; net sales split by cost, totals and products.
 * 3: net profit and the expenses it deducts (payment fees actual/estimated, shipping
 *    and custom costs), daily net profit, and `netProfitDrivers` (which expense moved it).
 * 4: `drivers` (net sales, gross profit and net profit changes split into ranked parts,
 *    with the noise band; the products that moved most) and `costGaps` (narrative-drivers.ts).
 *    Stored narratives keep the input they were written from, whatever its version.
 */
export const NARRATIVE_INPUT_VERSION = 4;
const TITLE_MAX = 120;

const Money = z.string().regex(/^-?\d{1,15}\.\d{2}$/, "must be a decimal amount like 1234.50");
const Percent = Money.nullable();
const Count = z.number().int().min(0).max(1_000_000_000);
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be an ISO date");

/** Every metric a narrative may cite; also the keys of `metrics` in the input. */
export const METRIC_KEYS = [
  "grossSales", "discounts", "returns", "netSales", "shipping", "duties", "fees", "taxes", "tips", "totalSales",
  "orders", "units", "averageOrderValue", "cogs", "netSalesWithCost", "netSalesWithoutCost", "grossProfit", "grossMarginPercent",
  "costCoveragePercent", "backfilledCostPercent",
  "paymentFees", "paymentFeesActual", "paymentFeesEstimated", "unratedTransactions", "shippingCosts", "customCosts", "netProfit",
] as const satisfies ReadonlyArray<keyof Metrics>;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** What an insight may cite: a metric, or one of the breakdowns. */
export const CITABLE_KEYS = [...METRIC_KEYS, "dailySales", "topProducts", "netProfitDrivers", "drivers", "costGaps"] as const;
export type CitableKey = (typeof CITABLE_KEYS)[number];

const MetricsSchema = z
  .object({
    grossSales: Money, discounts: Money, returns: Money, netSales: Money, shipping: Money, duties: Money, fees: Money,
    taxes: Money, tips: Money, totalSales: Money, orders: Count, units: Count, averageOrderValue: Money.nullable(),
    // Optional: a snapshot saved before net sales were split by cost lacks them.
    cogs: Money, netSalesWithCost: Money.optional(), netSalesWithoutCost: Money.optional(),
    grossProfit: Money, grossMarginPercent: Percent, costCoveragePercent: Percent, backfilledCostPercent: Percent,
    // Optional: a snapshot saved before net profit lacks them.
    paymentFees: Money.optional(), paymentFeesActual: Money.optional(), paymentFeesEstimated: Money.optional(),
    unratedTransactions: Count.optional(), shippingCosts: Money.optional(), customCosts: Money.optional(), netProfit: Money.optional(),
  })
  .strict();

/** The four parts whose changes add up to net profit's change (each signed as its effect on net profit). */
export const NET_PROFIT_PARTS = ["grossProfit", "paymentFees", "shippingCosts", "customCosts"] as const;

const NetProfitDriversSchema = z
  .object({
    netProfitChange: Money,
    /** Each part's effect on net profit: gross profit's change, and minus each expense's change. */
    effects: z.object({ grossProfit: Money, paymentFees: Money, shippingCosts: Money, customCosts: Money }).strict(),
    /** The part with the largest effect (by size); null when net profit did not move. */
    largest: z.enum(NET_PROFIT_PARTS).nullable(),
  })
  .strict();


export const PERIOD_LABELS = { current: "Report period", previous_period: "Previous period", previous_year: "Same period last year" } as const;

const PeriodSchema = z
  .object({
    label: z.enum([PERIOD_LABELS.current, PERIOD_LABELS.previous_period, PERIOD_LABELS.previous_year]),
    from: IsoDay,
    to: IsoDay,
    days: Count,
  })
  .strict();

const DayBucketSchema = z
  .object({ from: IsoDay, to: IsoDay, days: Count, orders: Count, netSales: Money, grossProfit: Money, netProfit: Money.optional() })
  .strict();

const ProductSchema = z
  .object({
    title: z.string().min(1).max(TITLE_MAX),
    netSales: Money,
    netSalesWithCost: Money.optional(),
    netSalesWithoutCost: Money.optional(),
    cogs: Money.optional(),
    grossProfit: Money,
    units: Count,
    grossMarginPercent: Percent,
  })
  .strict();

const OtherProductsSchema = z.object({ products: Count, units: Count, netSales: Money, grossProfit: Money }).strict();

export const NarrativeInputSchema = z
  .object({
    inputVersion: z.literal(NARRATIVE_INPUT_VERSION),
    currencyCode: z.string().regex(/^[A-Z]{3}$/),
    period: PeriodSchema,
    comparison: PeriodSchema.nullable(),
    metrics: MetricsSchema,
    comparisonMetrics: MetricsSchema.nullable(),
    /** Percent change against the comparison period under change.ts's sign rule; null where it had nothing. */
    changesPercent: z.object(Object.fromEntries(CHANGE_KEYS.map((k) => [k, Percent.optional()])) as Record<(typeof CHANGE_KEYS)[number], z.ZodOptional<typeof Percent>>).strict(),
    dailySales: z
      .object({
        buckets: z.array(DayBucketSchema).max(5 * 366),
        /** Days merged into multi-day buckets because they had fewer than 5 orders. */
        mergedDays: Count,
      })
      .strict(),
    topProducts: z
      .object({
        products: z.array(ProductSchema).max(25),
        otherProducts: OtherProductsSchema.nullable(),
        /** Products left out entirely (their "other" bucket had fewer than 5 units). */
        droppedProducts: Count,
      })
      .strict(),
    /** Why net profit changed against the comparison; null without net profit on both sides or without comparison data. */
    netProfitDrivers: NetProfitDriversSchema.nullable(),
    /** What explains each change, ranked (narrative-drivers.ts); null without comparison data. */
    drivers: DriversSchema.nullable(),
    /** Net sales without a recorded cost and the products carrying most of it; null when every sale has a cost. */
    costGaps: CostGapsSchema,
    smallCellMinimum: z.literal(SMALL_CELL_MIN),
  })
  .strict();

export type NarrativeInput = z.infer<typeof NarrativeInputSchema>;

/** The structured narrative: what the model's tool call and our local writer both produce. */
export const NarrativeSchema = z
  .object({
    headline: z.string().trim().min(1).max(200),
    insights: z
      .array(z.object({ metric: z.enum(CITABLE_KEYS), text: z.string().trim().min(1).max(600) }).strict())
      .min(3)
      .max(5),
    risks: z.array(z.string().trim().min(1).max(400)).max(5),
    actions: z.array(z.string().trim().min(1).max(400)).min(1).max(5),
  })
  .strict();
export type Narrative = z.infer<typeof NarrativeSchema>;

export type NarrativeSource = "anthropic" | "local";

/** A stored narrative as the UI shows it. */
export interface NarrativeView {
  id: string;
  reportId: string;
  narrative: Narrative;
  source: NarrativeSource;
  /** The model id for "anthropic"; null for a narrative written by Margin Notes. */
  model: string | null;
  promptVersion: string;
  /** Exactly the JSON text sent to the model (or that the local writer read). */
  inputJson: string;
  inputHash: string;
  fallbackReason: string | null;
  createdAt: string;
}

/** What the narrative route answers (its POST and GET). */
export type NarrativeResponse =
  | { ok: true; narrative: NarrativeView | null; notice: string | null }
  | { ok: false; error: { code: string; message: string }; canWriteLocally: boolean };

export const LOCAL_LABEL = "Written by Margin Notes (no AI)";

// ---------------------------------------------------------------------------

const cents = (money: string) => BigInt(money.replace(".", ""));
const fromCents = (value: bigint) => {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
};
const sumMoney = (values: string[]) => fromCents(values.reduce((acc, v) => acc + cents(v), 0n));

/** Control characters out, whitespace collapsed, at most 120 characters. */
export function cleanTitle(title: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = title.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(/\s+/g, " ").trim();
  return [...(cleaned || "Untitled product")].slice(0, TITLE_MAX).join("");
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

type DayBucket = z.infer<typeof DayBucketSchema>;

/** Consecutive days merged until each bucket has at least k orders (see the header). */
export function bucketDays(series: ReportData["series"], k = SMALL_CELL_MIN): { buckets: DayBucket[]; mergedDays: number } {
  const buckets: DayBucket[] = [];
  type Open = { from: string; to: string; orders: number; net: string[]; profit: string[]; netProfit: string[] };
  // Daily net profit only when every day has it (a snapshot saved before net profit has none).
  const withNet = series.length > 0 && series.every((p) => p.netProfit !== undefined);
  const netOf = (values: string[]) => (withNet ? { netProfit: sumMoney(values) } : {});
  let open = null as Open | null;
  for (const point of series) {
    if (open) {
      open.to = point.day;
      open.orders += point.orders;
      open.net.push(point.netSales);
      open.profit.push(point.grossProfit);
      open.netProfit.push(point.netProfit ?? "0.00");
    } else {
      open = { from: point.day, to: point.day, orders: point.orders, net: [point.netSales], profit: [point.grossProfit], netProfit: [point.netProfit ?? "0.00"] };
    }
    if (open.orders >= k) {
      buckets.push({
        from: open.from, to: open.to, days: daysBetween(open.from, open.to), orders: open.orders, netSales: sumMoney(open.net), grossProfit: sumMoney(open.profit),
        ...netOf(open.netProfit),
      });
      open = null;
    }
  }
  if (open) {
    const last = buckets.pop();
    if (last) {
      // A tail of fewer than k orders joins the last bucket: never listed on its own.
      buckets.push({
        from: last.from, to: open.to, days: daysBetween(last.from, open.to), orders: last.orders + open.orders,
        netSales: sumMoney([last.netSales, ...open.net]), grossProfit: sumMoney([last.grossProfit, ...open.profit]),
        ...netOf([last.netProfit ?? "0.00", ...open.netProfit]),
      });
    }
    // No bucket reached k: the whole period has fewer than k orders, no breakdown at all.
  }
  const mergedDays = buckets.reduce((n, b) => n + (b.days > 1 ? b.days : 0), 0);
  return { buckets, mergedDays };
}

export function bucketProducts(products: ReportData["topProducts"], k = SMALL_CELL_MIN): NarrativeInput["topProducts"] {
  const listed = products.filter((p) => p.units >= k);
  const small = products.filter((p) => p.units < k);
  const other = small.length
    ? { products: small.length, units: small.reduce((n, p) => n + p.units, 0), netSales: sumMoney(small.map((p) => p.netSales)), grossProfit: sumMoney(small.map((p) => p.grossProfit)) }
    : null;
  const keepOther = other !== null && other.units >= k;
  return {
    // Only these fields are copied: never the product id.
    products: listed.map((p) => ({
      title: cleanTitle(p.title), netSales: p.netSales, netSalesWithCost: p.netSalesWithCost, netSalesWithoutCost: p.netSalesWithoutCost,
      cogs: p.cogs, grossProfit: p.grossProfit, units: p.units, grossMarginPercent: p.grossMarginPercent,
    })),
    otherProducts: keepOther ? other : null,
    droppedProducts: keepOther || !other ? 0 : other.products,
  };
}

const pickMetrics = (m: Metrics): NarrativeInput["metrics"] =>
  // Keys a snapshot lacks (saved before a figure existed) are left out, not sent as undefined.
  Object.fromEntries(METRIC_KEYS.filter((k) => m[k] !== undefined).map((k) => [k, m[k]])) as NarrativeInput["metrics"];

/**
 * Net profit's change split into what moved it: net profit = gross profit − payment fees
 * − shipping − custom costs (all rounded to the cent), so the change of net profit is
 * exactly gross profit's change minus each expense's change.
 */
export function netProfitDrivers(current: Metrics, previous: Metrics): NarrativeInput["netProfitDrivers"] {
  const { netProfit: now, paymentFees, shippingCosts, customCosts } = current;
  if (now === undefined || paymentFees === undefined || shippingCosts === undefined || customCosts === undefined) return null;
  if (previous.netProfit === undefined || previous.paymentFees === undefined || previous.shippingCosts === undefined || previous.customCosts === undefined) return null;
  const delta = (a: string, b: string) => cents(a) - cents(b);
  const effects = {
    grossProfit: delta(current.grossProfit, previous.grossProfit),
    paymentFees: -delta(paymentFees, previous.paymentFees),
    shippingCosts: -delta(shippingCosts, previous.shippingCosts),
    customCosts: -delta(customCosts, previous.customCosts),
  };
  const abs = (v: bigint) => (v < 0n ? -v : v);
  let largest: (typeof NET_PROFIT_PARTS)[number] | null = null;
  for (const part of NET_PROFIT_PARTS) if (effects[part] !== 0n && (largest === null || abs(effects[part]) > abs(effects[largest]))) largest = part;
  return {
    netProfitChange: fromCents(delta(now, previous.netProfit)),
    effects: { grossProfit: fromCents(effects.grossProfit), paymentFees: fromCents(effects.paymentFees), shippingCosts: fromCents(effects.shippingCosts), customCosts: fromCents(effects.customCosts) },
    largest,
  };
}

const periodOf = (label: NarrativeInput["period"]["label"], p: { from: string; to: string }) => ({ label, from: p.from, to: p.to, days: daysBetween(p.from, p.to) });

const COMPARE_LABEL: Record<Exclude<CompareMode, "none">, NarrativeInput["period"]["label"]> = {
  previous_period: PERIOD_LABELS.previous_period,
  previous_year: PERIOD_LABELS.previous_year,
};

/**
 * A saved report's figures → the narrative input. Copies field by field from an
 * allow-list (never spreads a source object) and validates the result strictly.
 */
export function toNarrativeInput(data: ReportData): NarrativeInput {
  const { range } = data;
  const comparison = range.compare && range.compareMode !== "none" ? periodOf(COMPARE_LABEL[range.compareMode], range.compare) : null;
  // Recomputed from the figures (change.ts), never read from the snapshot: older
  // snapshots stored discounts' and returns' changes with the opposite sign.
  const computed = changesOf(data);
  const changes: Record<string, string | null> = {};
  // A figure the snapshot does not hold (saved before net profit) has no change to send.
  for (const key of CHANGE_KEYS) if (computed[key] !== undefined && data.current[key] !== undefined) changes[key] = computed[key] ?? null;
  // A comparison period without any data is not a comparison with zero.
  const compared = comparison !== null && data.previous !== null && hasComparisonData(data.previous);
  const netProfit = compared ? netProfitDrivers(data.current, data.previous!) : null;
  return NarrativeInputSchema.parse({
    inputVersion: NARRATIVE_INPUT_VERSION,
    currencyCode: data.currencyCode,
    period: periodOf(PERIOD_LABELS.current, range.period),
    comparison,
    metrics: pickMetrics(data.current),
    comparisonMetrics: compared ? pickMetrics(data.previous!) : null,
    changesPercent: compared ? changes : {},
    dailySales: bucketDays(data.series),
    topProducts: bucketProducts(data.topProducts),
    netProfitDrivers: netProfit,
    drivers: compared ? computeDrivers(data, data.previous!, comparison.days, netProfit, SMALL_CELL_MIN, cleanTitle) : null,
    costGaps: costGaps(data, SMALL_CELL_MIN, cleanTitle),
    smallCellMinimum: SMALL_CELL_MIN,
  });
}
