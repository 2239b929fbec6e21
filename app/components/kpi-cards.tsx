/**
 * The period's headline figures, each with its change against the comparison
 * period, and the profit coverage note: gross profit counts only items with a
 * recorded cost (Shopify's rule), so the page says how much of net sales that is.
 */
import { BlockStack, Card, InlineGrid, InlineStack, Text } from "@shopify/polaris";

import { describeChange, formatCount, formatMoney, formatPercent, pointChange, type ChangeOptions } from "~/lib/format";

export interface KpiMetrics {
  netSales: string;
  totalSales: string;
  orders: number;
  averageOrderValue: string | null;
  grossProfit: string;
  grossMarginPercent: string | null;
  cogs: string;
  returns: string;
  costCoveragePercent: string | null;
  backfilledCostPercent: string | null;
}

type KpiKey = "netSales" | "totalSales" | "orders" | "averageOrderValue" | "grossProfit" | "grossMarginPercent" | "cogs" | "returns";

interface KpiDefinition {
  key: KpiKey;
  label: string;
  kind: "money" | "count" | "percent";
  change?: ChangeOptions;
}

const KPIS: KpiDefinition[] = [
  { key: "netSales", label: "Net sales", kind: "money" },
  { key: "totalSales", label: "Total sales", kind: "money" },
  { key: "orders", label: "Orders", kind: "count" },
  { key: "averageOrderValue", label: "Average order value", kind: "money" },
  { key: "grossProfit", label: "Gross profit", kind: "money" },
  { key: "grossMarginPercent", label: "Gross margin", kind: "percent", change: { unit: "points" } },
  { key: "cogs", label: "Cost of goods sold", kind: "money", change: { lowerIsBetter: true } },
  { key: "returns", label: "Returns", kind: "money", change: { lowerIsBetter: true, negativeFigure: true } },
];

function formatValue(kpi: KpiDefinition, metrics: KpiMetrics, currency: string): string {
  const value = metrics[kpi.key];
  if (kpi.kind === "count") return formatCount(Number(value));
  if (kpi.kind === "percent") return formatPercent(value as string | null);
  return formatMoney(value as string | null, currency);
}

export interface KpiCardsProps {
  current: KpiMetrics;
  previous: KpiMetrics | null;
  changes: Partial<Record<string, string | null>>;
  currency: string;
}

function KpiCard({ kpi, props }: { kpi: KpiDefinition; props: KpiCardsProps }) {
  const { current, previous, changes, currency } = props;
  const id = `kpi-${kpi.key}`;
  const change = describeChange(
    kpi.key === "grossMarginPercent" ? pointChange(current.grossMarginPercent, previous?.grossMarginPercent) : changes[kpi.key],
    kpi.change,
  );
  return (
    <Card>
      <section aria-labelledby={id}>
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm" id={id}>{kpi.label}</Text>
          <Text as="p" variant="headingLg" numeric>{formatValue(kpi, current, currency)}</Text>
          <InlineStack gap="200" blockAlign="center" wrap>
            {change ? (
              <Text as="span" variant="bodySm" tone={change.tone} fontWeight="medium">
                <span aria-hidden="true">{change.direction === "up" ? "↑ " : change.direction === "down" ? "↓ " : ""}{change.direction === "flat" ? "No change" : change.text}</span>
                <Text as="span" visuallyHidden>{change.label}</Text>
              </Text>
            ) : null}
            {previous ? (
              <Text as="span" variant="bodySm" tone="subdued">vs {formatValue(kpi, previous, currency)}</Text>
            ) : null}
          </InlineStack>
        </BlockStack>
      </section>
    </Card>
  );
}

export function KpiCards(props: KpiCardsProps) {
  const { current } = props;
  const backfilled = current.backfilledCostPercent !== null && Number(current.backfilledCostPercent) > 0;
  return (
    <BlockStack gap="300">
      <Text as="h2" variant="headingMd" visuallyHidden>Summary</Text>
      <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
        {KPIS.map((kpi) => <KpiCard key={kpi.key} kpi={kpi} props={props} />)}
      </InlineGrid>
      {current.costCoveragePercent !== null ? (
        <BlockStack gap="100">
          <Text as="p" tone="subdued">
            {`Profit covers ${formatPercent(current.costCoveragePercent)} of net sales (items with a recorded cost).`}
          </Text>
          {backfilled ? (
            <Text as="p" tone="subdued">
              {`${formatPercent(current.backfilledCostPercent)} of the costed sales are older than the first sync and use ` +
                "today's cost: Shopify keeps only each item's current cost."}
            </Text>
          ) : null}
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
