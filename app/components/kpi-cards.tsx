/**
 * The period's headline figures, each with its change against the comparison
 * period (app/reports/change.ts: a positive change means the figure got bigger,
 * the colour says whether that is good for the merchant), and how gross profit
 * reconciles with net sales: profit counts only sales with a recorded cost
 * (Shopify's profit reports), so the page shows both parts of net sales.
 */
import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineGrid, InlineStack, Text, useBreakpoints } from "@shopify/polaris";

import { describeChange, formatCount, formatMoney, formatPercent, pointChange, type ChangeOptions } from "~/lib/format";
import { computeChanges, hasComparisonData, isLowerBetter } from "~/reports/change";
import type { Metrics } from "~/reports/metrics";

export type KpiMetrics = Metrics;

type KpiKey = "netSales" | "totalSales" | "orders" | "averageOrderValue" | "grossProfit" | "grossMarginPercent" | "netProfit" | "cogs" | "returns";

interface KpiDefinition {
  key: KpiKey;
  label: string;
  kind: "money" | "count" | "percent";
  change?: ChangeOptions;
  /** How the figure is made, under it: the profit cards' basis. */
  basis?: (m: Metrics, currency: string) => string | null;
}

const KPIS: KpiDefinition[] = [
  { key: "netSales", label: "Net sales", kind: "money" },
  { key: "totalSales", label: "Total sales", kind: "money" },
  { key: "orders", label: "Orders", kind: "count" },
  { key: "averageOrderValue", label: "Average order value", kind: "money" },
  {
    key: "grossProfit", label: "Gross profit", kind: "money",
    basis: (m, c) => (m.netSalesWithCost === undefined ? null : `${formatMoney(m.netSalesWithCost, c)} net sales with cost − ${formatMoney(m.cogs, c)} cost of goods sold`),
  },
  {
    key: "grossMarginPercent", label: "Gross margin", kind: "percent", change: { unit: "points" },
    basis: (m, c) => (m.netSalesWithCost === undefined ? null : `Gross profit ÷ ${formatMoney(m.netSalesWithCost, c)} net sales with cost`),
  },
  {
    // Absent from snapshots saved before net profit: the card is left out for them.
    key: "netProfit", label: "Net profit", kind: "money",
    basis: (m, c) => (m.netProfit === undefined
      ? null
      : `Gross profit − ${formatMoney(m.paymentFees ?? "0", c)} payment fees − ${formatMoney(m.shippingCosts ?? "0", c)} shipping costs − ${formatMoney(m.customCosts ?? "0", c)} custom costs`),
  },
  { key: "cogs", label: "Cost of goods sold", kind: "money" },
  { key: "returns", label: "Returns", kind: "money" },
];

function formatValue(kpi: KpiDefinition, metrics: Metrics, currency: string): string {
  const value = metrics[kpi.key];
  if (kpi.kind === "count") return formatCount(Number(value));
  if (kpi.kind === "percent") return formatPercent(value as string | null);
  return formatMoney(value as string | null, currency);
}

export interface KpiCardsProps {
  current: Metrics;
  previous: Metrics | null;
  currency: string;
  /**
   * The shop's orders are being read again for their payments (synced before the
   * app read fees; app/sync/ledger-backfill.server.ts): net profit lacks those fees.
   */
  feesBackfilling?: boolean;
}

/** Said under net profit while its payment fees are incomplete, so a missing fee never reads as 0. */
export const FEES_BACKFILLING_NOTE =
  "Payment fees are being backfilled: orders synced before Margin Notes read payments are being read again from Shopify. " +
  "Until that finishes, net profit leaves out their fees and is higher than it will be.";

export const NO_COMPARISON_DATA = "No data for the comparison period";

function KpiCard({ kpi, props, withData, compact }: { kpi: KpiDefinition; props: KpiCardsProps; withData: boolean; compact: boolean }) {
  const { current, previous, currency } = props;
  const id = `kpi-${kpi.key}`;
  const changes = computeChanges(current, previous);
  const change = withData
    ? describeChange(
        kpi.key === "grossMarginPercent" ? pointChange(current.grossMarginPercent, previous?.grossMarginPercent) : changes[kpi.key],
        { lowerIsBetter: isLowerBetter(kpi.key), ...kpi.change },
      )
    : null;
  // On a phone the card is half the screen wide: its basis sentence would make it several
  // times taller, and the notes under the cards say the same.
  const basis = compact ? null : kpi.basis?.(current, currency);
  const estimated = kpi.key === "netProfit" && includesEstimate(current);
  return (
    <Card padding={{ xs: "300", sm: "400" }}>
      <section aria-labelledby={id} data-testid={id}>
        <BlockStack gap={compact ? "100" : "200"}>
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingSm" id={id}>{kpi.label}</Text>
            {estimated ? <Badge tone="attention">Includes estimates</Badge> : null}
          </InlineStack>
          <Text as="p" variant="headingLg" numeric>{formatValue(kpi, current, currency)}</Text>
          {basis ? <Text as="p" variant="bodySm" tone="subdued">{basis}</Text> : null}
          <InlineStack gap="200" blockAlign="center" wrap>
            {change ? (
              <Text as="span" variant="bodySm" tone={change.tone} fontWeight="medium">
                <span aria-hidden="true">{change.direction === "up" ? "↑ " : change.direction === "down" ? "↓ " : ""}{change.direction === "flat" ? "No change" : change.text}</span>
                <Text as="span" visuallyHidden>{change.label}</Text>
              </Text>
            ) : null}
            {previous && withData ? (
              <Text as="span" variant="bodySm" tone="subdued">vs {formatValue(kpi, previous, currency)}</Text>
            ) : null}
            {previous && !withData ? <Text as="span" variant="bodySm" tone="subdued">{NO_COMPARISON_DATA}</Text> : null}
          </InlineStack>
        </BlockStack>
      </section>
    </Card>
  );
}

/** How gross profit relates to net sales, in one sentence with the figures. */
function profitBasis(m: Metrics, currency: string): string {
  if (m.netSalesWithCost === undefined || m.netSalesWithoutCost === undefined) {
    return `Profit covers ${formatPercent(m.costCoveragePercent)} of net sales (items with a recorded cost).`;
  }
  const parts =
    `Net sales ${formatMoney(m.netSales, currency)} = ${formatMoney(m.netSalesWithCost, currency)} with a recorded cost + ` +
    `${formatMoney(m.netSalesWithoutCost, currency)} without (${formatPercent(m.costCoveragePercent)} covered).`;
  return Number(m.netSalesWithoutCost) === 0
    ? `${parts} Gross profit = net sales − cost of goods sold.`
    : `${parts} Gross profit and margin count only the sales with a cost, so gross profit is net sales with cost − cost of goods sold, not net sales − cost of goods sold.`;
}

/** Whether estimated payment fees (a merchant's rate on transactions without fee data) went into net profit. */
const includesEstimate = (m: Metrics) => m.paymentFeesEstimated !== undefined && Number(m.paymentFeesEstimated) !== 0;

/** What net profit is made of and how sure it is: estimates, rules, and fees that are unknown. */
function netProfitNote(m: Metrics, currency: string): string | null {
  if (m.netProfit === undefined) return null;
  const parts = [`Payment fees: ${formatMoney(m.paymentFeesActual ?? "0", currency)} from Shopify`];
  if (includesEstimate(m)) parts[0] += ` + ${formatMoney(m.paymentFeesEstimated!, currency)} estimated from your fee rates (transactions Shopify gave no fee for)`;
  parts.push("shipping costs from your shipping rules");
  const unrated = m.unratedTransactions ?? 0;
  const note = `${parts.join("; ")}.`;
  return unrated > 0
    ? `${note} ${formatCount(unrated)} transaction${unrated === 1 ? " has" : "s have"} no fee data and no rate for its gateway: add one on the Expenses page.`
    : note;
}

export function KpiCards(props: KpiCardsProps) {
  const { current, previous, currency } = props;
  const withData = hasComparisonData(previous);
  const backfilled = current.backfilledCostPercent !== null && Number(current.backfilledCostPercent) > 0;
  const compact = useBreakpoints().smDown;
  return (
    <BlockStack gap="300">
      <Text as="h2" variant="headingMd" visuallyHidden>Summary</Text>
      {/* Two cards a row on a phone (Polaris' responsive grid), so the chart is not a screenful of cards away. */}
      <InlineGrid columns={{ xs: 2, lg: current.netProfit === undefined ? 4 : 3 }} gap={{ xs: "200", sm: "400" }}>
        {KPIS.filter((kpi) => current[kpi.key] !== undefined || kpi.key !== "netProfit").map((kpi) => <KpiCard key={kpi.key} kpi={kpi} props={props} withData={withData} compact={compact} />)}
      </InlineGrid>
      {props.feesBackfilling && current.netProfit !== undefined ? (
        <div data-testid="fees-backfilling">
          <Text as="p" tone="caution">{FEES_BACKFILLING_NOTE}</Text>
        </div>
      ) : null}
      {netProfitNote(current, currency) ? (
        <div data-testid="net-profit-basis">
          <Text as="p" tone="subdued">{netProfitNote(current, currency)}</Text>
        </div>
      ) : null}
      {current.costCoveragePercent !== null ? (
        <BlockStack gap="100">
          <div data-testid="profit-basis">
            <Text as="p" tone="subdued">{profitBasis(current, currency)}</Text>
          </div>
          {current.netSalesWithoutCost !== undefined && Number(current.netSalesWithoutCost) !== 0 ? (
            <Text as="p" tone="subdued">
              <RemixLink to="/app/costs?filter=missing" data-testid="fix-costs-link">See which products have no cost recorded, and set their costs</RemixLink>
            </Text>
          ) : null}
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
