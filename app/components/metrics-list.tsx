/**
 * Every metric of a report with its comparison, as a description list: the full
 * statement behind the dashboard's eight cards (used by saved reports).
 */
import { BlockStack, Card, DescriptionList, Text } from "@shopify/polaris";

import type { Metrics } from "~/reports/metrics";
import { describeChange, formatCount, formatMoney, formatPercent, pointChange, type ChangeOptions } from "~/lib/format";

/** The figures of a report, as app/reports/metrics.ts computes them. */
export type FullMetrics = Metrics;

type Row = { key: keyof FullMetrics; term: string; kind: "money" | "count" | "percent"; change?: ChangeOptions };

const ROWS: Row[] = [
  { key: "grossSales", term: "Gross sales", kind: "money" },
  { key: "discounts", term: "Discounts", kind: "money", change: { negativeFigure: true, lowerIsBetter: true } },
  { key: "returns", term: "Returns", kind: "money", change: { negativeFigure: true, lowerIsBetter: true } },
  { key: "netSales", term: "Net sales", kind: "money" },
  { key: "shipping", term: "Shipping charges", kind: "money" },
  { key: "duties", term: "Duties", kind: "money" },
  { key: "fees", term: "Additional fees", kind: "money" },
  { key: "taxes", term: "Taxes", kind: "money" },
  { key: "totalSales", term: "Total sales", kind: "money" },
  { key: "tips", term: "Tips (not part of total sales)", kind: "money" },
  { key: "orders", term: "Orders", kind: "count" },
  { key: "units", term: "Units sold (net of returns)", kind: "count" },
  { key: "averageOrderValue", term: "Average order value", kind: "money" },
  { key: "cogs", term: "Cost of goods sold", kind: "money", change: { lowerIsBetter: true } },
  { key: "grossProfit", term: "Gross profit", kind: "money" },
  { key: "grossMarginPercent", term: "Gross margin", kind: "percent", change: { unit: "points" } },
  { key: "costCoveragePercent", term: "Net sales with a recorded cost", kind: "percent" },
  { key: "backfilledCostPercent", term: "Costed sales using today's cost", kind: "percent" },
];

function format(row: Row, metrics: FullMetrics, currency: string): string {
  const value = metrics[row.key];
  if (row.kind === "count") return formatCount(Number(value));
  if (row.kind === "percent") return formatPercent(value as string | null);
  return formatMoney(value as string | null, currency);
}

export interface MetricsListProps {
  current: FullMetrics;
  previous: FullMetrics | null;
  changes: Partial<Record<string, string | null>>;
  currency: string;
}

export function MetricsList({ current, previous, changes, currency }: MetricsListProps) {
  const items = ROWS.map((row) => {
    const value = format(row, current, currency);
    if (!previous) return { term: row.term, description: value };
    const raw = row.key === "grossMarginPercent" ? pointChange(current.grossMarginPercent, previous.grossMarginPercent) : changes[row.key];
    const change = row.key in changes || row.key === "grossMarginPercent" ? describeChange(raw, row.change) : null;
    return {
      term: row.term,
      description: (
        <>
          {value}{" "}
          <Text as="span" tone="subdued">
            (vs {format(row, previous, currency)}
            {change ? `, ${change.direction === "flat" ? "no change" : `${change.direction} ${change.text}`}` : ""})
          </Text>
        </>
      ),
    };
  });
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">All metrics</Text>
        <DescriptionList items={items} gap="tight" />
      </BlockStack>
    </Card>
  );
}
