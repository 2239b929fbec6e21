/**
 * A report as one CSV file a merchant can open in any spreadsheet: a header block
 * (shop, period, comparison, currency), the metrics with their comparison, the
 * daily series and the top products, separated by blank records.
 *
 * Every record has the same number of fields (RFC 4180 asks for it, and some
 * importers insist), so short sections are padded. Money is plain decimals in the
 * shop currency named in the header, exactly as computed (no symbols, no
 * grouping), so a spreadsheet reads them as numbers. Text cells (product titles
 * are merchant-controlled) go through the formula-injection guard in csvLine.
 * "Change %" follows change.ts's rule, stated in the header; it is recomputed from
 * the report's figures, so an older snapshot exports under the same rule.
 */
import { csvLine, type CsvValue } from "~/lib/csv";

import type { ReportData } from "./build.server";
import { CHANGE_RULE, changesOf, hasComparisonData } from "./change";
import type { Metrics } from "./metrics";

const WIDTH = 9;
const record = (...cells: CsvValue[]) => csvLine([...cells, ...Array<CsvValue>(Math.max(0, WIDTH - cells.length)).fill("")]);

type MetricRow = [label: string, key: keyof Metrics];
const METRIC_ROWS: MetricRow[] = [
  ["Gross sales", "grossSales"],
  ["Discounts", "discounts"],
  ["Returns", "returns"],
  ["Net sales", "netSales"],
  ["Shipping", "shipping"],
  ["Duties", "duties"],
  ["Fees", "fees"],
  ["Taxes", "taxes"],
  ["Total sales", "totalSales"],
  ["Tips (not in total sales)", "tips"],
  ["Orders", "orders"],
  ["Units", "units"],
  ["Average order value", "averageOrderValue"],
  ["Net sales with cost recorded", "netSalesWithCost"],
  ["Net sales without cost recorded", "netSalesWithoutCost"],
  ["Cost of goods sold", "cogs"],
  ["Gross profit (net sales with cost - cost of goods sold)", "grossProfit"],
  ["Gross margin % (gross profit / net sales with cost)", "grossMarginPercent"],
  ["Cost coverage % (net sales with a recorded cost)", "costCoveragePercent"],
  ["Backfilled cost % (older sales at today's cost)", "backfilledCostPercent"],
  ["Payment fees (Shopify's + estimated)", "paymentFees"],
  ["Payment fees from Shopify", "paymentFeesActual"],
  ["Payment fees estimated from your rates (transactions without fee data)", "paymentFeesEstimated"],
  ["Transactions without fee data or rate (fees unknown)", "unratedTransactions"],
  ["Shipping costs (your rules)", "shippingCosts"],
  ["Custom costs", "customCosts"],
  ["Net profit (gross profit - payment fees - shipping costs - custom costs)", "netProfit"],
];

export interface ReportCsvSource {
  shop: string;
  /** Set for a saved snapshot. */
  reportId?: string;
  savedAt?: string;
}

export function reportCsv(data: ReportData, source: ReportCsvSource): string {
  const { period, compare, compareMode } = data.range;
  const out: string[] = [];
  out.push(record("Margin Notes report"));
  out.push(record("Shop", source.shop));
  out.push(record("Period", period.from, period.to));
  const withData = hasComparisonData(data.previous);
  const compareLabel = compareMode === "previous_year" ? "Compared with (previous year)" : "Compared with (previous period)";
  out.push(compare ? record(compareLabel, compare.from, compare.to, data.previous && !withData ? "no data for the comparison period" : "") : record("Compared with", "none"));
  out.push(record("Currency", data.currencyCode));
  if (source.reportId) out.push(record("Saved report", source.reportId, source.savedAt ?? ""));
  if (data.previous && withData) out.push(record("Change %", CHANGE_RULE));
  out.push(record());

  const compared = data.previous && withData ? data.previous : null;
  const changes = changesOf(data);
  out.push(record("Metric", "Value", compared ? "Comparison" : "", compared ? "Change %" : ""));
  for (const [label, key] of METRIC_ROWS) {
    // A snapshot saved before net sales were split by cost, or before net profit, has no such figure.
    if (data.current[key] === undefined) continue;
    out.push(record(label, data.current[key], compared ? compared[key] : "", compared ? (changes[key as keyof typeof changes] ?? "") : ""));
  }
  out.push(record());

  const withNet = data.series.some((p) => p.netProfit !== undefined);
  out.push(record("Day", "Net sales", "Total sales", "Gross profit", "Orders", ...(withNet ? ["Net profit"] : [])));
  for (const p of data.series) out.push(record(p.day, p.netSales, p.totalSales, p.grossProfit, p.orders, ...(withNet ? [p.netProfit ?? ""] : [])));
  out.push(record());

  out.push(record(
    "Product ID", "Product", "Net sales", "Net sales without cost recorded", "Net sales with cost recorded", "Cost of goods sold",
    "Gross profit", "Gross margin %", "Units",
  ));
  for (const p of data.topProducts) {
    out.push(record(p.productId, p.title, p.netSales, p.netSalesWithoutCost, p.netSalesWithCost, p.cogs, p.grossProfit, p.grossMarginPercent, p.units));
  }
  return out.join("");
}

export function reportFilename(shop: string, data: Pick<ReportData, "range">): string {
  const { from, to } = data.range.period;
  return `margin-notes-report-${shop}-${from}-to-${to}.csv`;
}
