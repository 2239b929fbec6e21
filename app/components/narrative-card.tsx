/**
 * The narrative of a saved report: headline, insights (each with the metric it
 * cites), risks and suggested actions; who wrote it (Claude and the model, or
 * Margin Notes without AI) and with which prompt version; the exact data sent (or, for
 * a local narrative, the figures it was written from: nothing is sent), behind a
 * keyboard-accessible disclosure; and a Regenerate button that posts to the
 * narrative route (app/routes/app.reports.$reportId.narrative.tsx).
 * Polaris only, no server imports (types only).
 */
import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Collapsible, InlineStack, List, Text } from "@shopify/polaris";
import { useId, useState } from "react";

import type { CitableKey, NarrativeResponse, NarrativeView } from "~/reports/narrative";

export const METRIC_LABELS: Record<CitableKey, string> = {
  grossSales: "Gross sales",
  discounts: "Discounts",
  returns: "Returns",
  netSales: "Net sales",
  shipping: "Shipping",
  duties: "Duties",
  fees: "Fees",
  taxes: "Taxes",
  tips: "Tips",
  totalSales: "Total sales",
  orders: "Orders",
  units: "Units",
  averageOrderValue: "Average order value",
  cogs: "Cost of goods",
  netSalesWithCost: "Net sales with cost",
  netSalesWithoutCost: "Net sales without cost",
  grossProfit: "Gross profit",
  grossMarginPercent: "Gross margin",
  costCoveragePercent: "Cost coverage",
  backfilledCostPercent: "Backfilled costs",
  paymentFees: "Payment fees",
  paymentFeesActual: "Payment fees (Shopify)",
  paymentFeesEstimated: "Payment fees (estimated)",
  unratedTransactions: "Transactions without fee data",
  shippingCosts: "Shipping costs",
  customCosts: "Custom costs",
  netProfit: "Net profit",
  dailySales: "Daily sales",
  topProducts: "Top products",
  netProfitDrivers: "Net profit drivers",
  drivers: "What moved",
  costGaps: "Missing costs",
};

export interface NarrativeCardProps {
  reportId: string;
  /** The newest stored narrative, from the page's loader. */
  narrative: NarrativeView | null;
  /** Who writes new narratives: Claude, nobody's AI because the shop turned it off, or no key configured. */
  ai: "claude" | "off" | "not_configured";
}

/** The disclosure says what happened: data went to Claude, or nothing left the app. */
export const dataDisclosureLabel = (source: NarrativeView["source"]) =>
  source === "anthropic" ? "Data sent to AI" : "Figures this summary was written from (nothing was sent to an AI)";

const writtenBy = (n: NarrativeView) => (n.source === "anthropic" ? `Written by Claude (${n.model ?? "AI"})` : "Written by Margin Notes (no AI)");
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

export function NarrativeCard({ reportId, narrative: initial, ai }: NarrativeCardProps) {
  const fetcher = useFetcher<NarrativeResponse>();
  const [showData, setShowData] = useState(false);
  const [dismissed, setDismissed] = useState<unknown>(null);
  const dataId = useId();
  const pending = fetcher.state !== "idle";
  const answer = fetcher.data && fetcher.data !== dismissed ? fetcher.data : undefined;
  const narrative = (answer?.ok ? answer.narrative : null) ?? initial;

  // Once per press: the button is disabled while a request runs, and the server
  // answers a second request for the same shown narrative with the first one's.
  const submit = (mode: "auto" | "local") => {
    if (fetcher.state !== "idle") return;
    fetcher.submit({ intent: "narrate", mode, replaces: narrative?.id ?? "none" }, { method: "post", action: `/app/reports/${reportId}/narrative` });
  };

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">Narrative</Text>
            {narrative ? <Badge tone={narrative.source === "anthropic" ? "info" : undefined}>{writtenBy(narrative)}</Badge> : null}
          </InlineStack>
          <Button onClick={() => submit("auto")} loading={pending} disabled={pending} variant={narrative ? "secondary" : "primary"}>
            {narrative ? "Regenerate" : "Write narrative"}
          </Button>
        </InlineStack>

        {ai === "off" ? (
          <Banner tone="info" title="AI is off for this store">
            <p>Narratives are written by Margin Notes and nothing is sent to an AI provider. The store owner can turn AI on in Settings.</p>
          </Banner>
        ) : null}
        {answer && !answer.ok ? (
          <Banner
            tone="critical"
            title="The narrative was not written"
            onDismiss={() => setDismissed(answer)}
            action={answer.canWriteLocally ? { content: "Write it without AI", onAction: () => submit("local"), disabled: pending } : undefined}
          >
            <p>{answer.error.message}</p>
          </Banner>
        ) : null}
        {answer?.ok && answer.notice ? (
          <Banner tone="info" onDismiss={() => setDismissed(answer)}>
            <p>{answer.notice}</p>
          </Banner>
        ) : null}

        {narrative ? (
          <BlockStack gap="400">
            <Text as="p" variant="headingLg">{narrative.narrative.headline}</Text>
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Insights</Text>
              <List type="bullet">
                {narrative.narrative.insights.map((insight, i) => (
                  <List.Item key={i}>
                    <InlineStack gap="200" blockAlign="start" wrap={false}>
                      <Badge>{METRIC_LABELS[insight.metric] ?? insight.metric}</Badge>
                      <Text as="span">{insight.text}</Text>
                    </InlineStack>
                  </List.Item>
                ))}
              </List>
            </BlockStack>
            {narrative.narrative.risks.length ? (
              <BlockStack gap="200">
                <Text as="h3" variant="headingSm">Risks</Text>
                <List type="bullet">
                  {narrative.narrative.risks.map((risk, i) => <List.Item key={i}>{risk}</List.Item>)}
                </List>
              </BlockStack>
            ) : null}
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">Suggested actions</Text>
              <List type="number">
                {narrative.narrative.actions.map((action, i) => <List.Item key={i}>{action}</List.Item>)}
              </List>
            </BlockStack>
            <Text as="p" tone="subdued" variant="bodySm">
              {writtenBy(narrative)} · prompt {narrative.promptVersion} · {when(narrative.createdAt)}
            </Text>

            <BlockStack gap="200">
              <Box>
                <Button variant="plain" disclosure={showData ? "up" : "down"} onClick={() => setShowData((open) => !open)} ariaExpanded={showData} ariaControls={dataId}>
                  {dataDisclosureLabel(narrative.source)}
                </Button>
              </Box>
              <Collapsible id={dataId} open={showData} transition={{ duration: "150ms", timingFunction: "ease-in-out" }}>
                <BlockStack gap="200">
                  <Text as="p" tone="subdued">
                    {narrative.source === "anthropic"
                      ? "Exactly this, and nothing else from your store, was sent to Anthropic's Claude with our instructions: totals, merged date ranges and product titles. No order, customer, discount code or id."
                      : "Margin Notes wrote this summary itself, without AI: nothing was sent anywhere. Below are the figures it was written from, the same Claude would receive if AI wrote it: totals, merged date ranges and product titles. No order, customer, discount code or id."}
                  </Text>
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
                    <pre style={{ margin: 0, fontSize: 12, lineHeight: 1.5, whiteSpace: "pre" }} data-testid="narrative-input-json">
                      {narrative.inputJson}
                    </pre>
                  </Box>
                  <Text as="p" tone="subdued" variant="bodySm">SHA-256 of the data: {narrative.inputHash}</Text>
                </BlockStack>
              </Collapsible>
            </BlockStack>
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued">
            {ai === "claude"
              ? "No narrative yet. Claude can write one from this report's totals; you will see exactly what is sent."
              : "No narrative yet. Margin Notes writes one from this report's totals, without AI."}
          </Text>
        )}
      </BlockStack>
    </Card>
  );
}
