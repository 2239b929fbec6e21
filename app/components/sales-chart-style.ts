/** The chart's line colours and names, shared by its legend (sales-chart.tsx) and its drawing (sales-chart.client.tsx). */
import type { ChartMetric } from "~/lib/series";

export const METRIC_LABEL: Record<ChartMetric, string> = { netSales: "Net sales", grossProfit: "Gross profit", netProfit: "Net profit" };

/** Polaris colour tokens (with fallbacks), one per figure; the comparison is a neutral grey. */
export const METRIC_COLOR: Record<ChartMetric, string> = {
  netSales: "var(--p-color-bg-fill-info-active, #2c6ecb)",
  grossProfit: "var(--p-color-bg-fill-success, #29845a)",
  netProfit: "var(--p-color-bg-fill-magic, #8051ff)",
};
export const COMPARE_COLOR = "var(--p-color-icon-secondary, #8a8a8a)";
