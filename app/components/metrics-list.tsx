/**
 * Every metric of a report with its comparison, as a description list: the full
 * statement behind the dashboard's eight cards (used by saved reports). Changes
 * are recomputed from the snapshot's figures under app/reports/change.ts's rule
 * (a snapshot saved before it holds signed changes).
 */
import { BlockStack, Card, DescriptionList, Text } from "@shopify/polaris";

import { changesOf, hasComparisonData, isLowerBetter } from "~/reports/change";
import type { Metrics } from "~/reports/metrics";
import { describeChange, formatCount, formatMoney, formatPercent, pointChange, type ChangeOptions } from "~/lib/format";

/** The figures of a report, as app/reports/metrics.ts computes them. */
export type FullMetrics = Metrics;

type Row = { key: keyof FullMetrics; term: string; kind: "money" | "count" | "percent"; change?: ChangeOptions };

const ROWS: Row[] = [
  { key: "grossSales", term: "Gross sales", kind: "money" },
  { key: "discounts", term: "Discounts", kind: "money" },
  { key: "returns", term: "Returns", kind: "money" },
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
  { key: "netSalesWithCost", term: "Net sales with cost recorded", kind: "money" },
  { key: "netSalesWithoutCost", term: "Net sales without cost recorded", kind: "money" },
  { key: "cogs", term: "Cost of goods sold", kind: "money" },
  { key: "grossProfit", term: "Gross profit (net sales with cost − cost of goods sold)", kind: "money" },
  { key: "grossMarginPercent", term: "Gross margin (gross profit ÷ net sales with cost)", kind: "percent", change: { unit: "points" } },
  { key: "costCoveragePercent", term: "Share of net sales with a recorded cost", kind: "percent" },
  { key: "backfilledCostPercent", term: "Costed sales using today's cost", kind: "percent" },
  { key: "paymentFees", term: "Payment fees (from Shopify + estimated)", kind: "money" },
  { key: "paymentFeesActual", term: "Payment fees from Shopify", kind: "money" },
  { key: "paymentFeesEstimated", term: "Payment fees estimated from your rates (estimate)", kind: "money" },
  { key: "unratedTransactions", term: "Transactions without fee data or rate (fees unknown)", kind: "count" },
  { key: "shippingCosts", term: "Shipping costs (from your rules)", kind: "money" },
  { key: "customCosts", term: "Custom costs", kind: "money" },
  { key: "netProfit", term: "Net profit (gross profit − payment fees − shipping − custom costs)", kind: "money" },
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
  currency: string;
}

export function MetricsList({ current, previous, currency }: MetricsListProps) {
  const changes = changesOf({ current, previous });
  const withData = hasComparisonData(previous);
  // A snapshot saved before net sales were split by cost, or before net profit, lacks those rows.
  const items = ROWS.filter((row) => current[row.key] !== undefined).map((row) => {
    const value = format(row, current, currency);
    if (!previous) return { term: row.term, description: value };
    if (!withData) {
      return { term: row.term, description: <>{value} <Text as="span" tone="subdued">(no data for the comparison period)</Text></> };
    }
    const raw = row.key === "grossMarginPercent" ? pointChange(current.grossMarginPercent, previous.grossMarginPercent) : changes[row.key as keyof typeof changes];
    const change = row.key in changes || row.key === "grossMarginPercent" ? describeChange(raw, { lowerIsBetter: isLowerBetter(row.key), ...row.change }) : null;
    return {
      term: row.term,
      description: (
        <>
          {value}{" "}
          <Text as="span" tone={change?.tone ?? "subdued"}>
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
