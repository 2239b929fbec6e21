/**
 * The sales and profit trend. The chart library is the heaviest thing on the
 * page, so it is loaded lazily and in the browser only: the server and the first
 * paint render a placeholder of exactly the chart's height, and the chart takes
 * its place without moving anything (CLS) or delaying the KPI cards (LCP).
 *
 * The drawing is hidden from assistive technology; it gets a one-sentence summary
 * (role="img") and the same figures as a visually hidden table.
 */
import { BlockStack, Box, Card, InlineStack, Text } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState, type CSSProperties } from "react";

import { formatMoney, formatPeriod } from "~/lib/format";
import { bucketSeries, describePartial, type DayPoint, type Grain, grainFor } from "~/lib/series";

const SalesChartCanvas = lazy(() => import("./sales-chart.client"));

/** Reserved in every state (placeholder, loading, drawn): nothing below moves. */
export const CHART_HEIGHT = 280;

const visuallyHidden: CSSProperties = {
  position: "absolute", width: 1, height: 1, padding: 0, margin: -1, overflow: "hidden", clip: "rect(0, 0, 0, 0)", whiteSpace: "nowrap", border: 0,
};

const GRAIN_WORD: Record<Grain, string> = { day: "day", week: "week", month: "month" };

export function ChartPlaceholder() {
  return <div style={{ height: CHART_HEIGHT, borderRadius: "var(--p-border-radius-200)", background: "var(--p-color-bg-surface-secondary)" }} />;
}

function useHydrated() {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}

export interface SalesChartProps {
  series: DayPoint[];
  currency: string;
  period: { from: string; to: string };
  totals: { netSales: string; grossProfit: string };
  /** The shop's today, on a live dashboard: its bucket is still filling (a snapshot has none). */
  today?: string;
}

export function SalesChart({ series, currency, period, totals, today }: SalesChartProps) {
  const hydrated = useHydrated();
  const grain = grainFor(series.length);
  const points = bucketSeries(series, grain, today);
  const partial = points.filter((p) => p.partial);
  const summary =
    `Line chart of net sales and gross profit per ${GRAIN_WORD[grain]}, ${formatPeriod(period)}: ` +
    `net sales ${formatMoney(totals.netSales, currency)}, gross profit ${formatMoney(totals.grossProfit, currency)} in total. ` +
    "The figures follow in a table.";

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">Sales and profit</Text>
          <Text as="span" tone="subdued">Per {GRAIN_WORD[grain]}</Text>
        </InlineStack>
        <Box>
          <div role="img" aria-label={summary} style={{ height: CHART_HEIGHT, overflow: "hidden" }} data-testid="sales-chart">
            {hydrated ? (
              <Suspense fallback={<ChartPlaceholder />}>
                <SalesChartCanvas points={points} currency={currency} height={CHART_HEIGHT} />
              </Suspense>
            ) : (
              <ChartPlaceholder />
            )}
          </div>
        </Box>
        {partial.length ? (
          <div data-testid="chart-partial-note">
            <Text as="p" tone="subdued" variant="bodySm">
              {`Partial ${GRAIN_WORD[grain]}${partial.length > 1 ? "s" : ""}, drawn dashed with an open dot: ` +
                `${partial.map(describePartial).join("; ")}. Their totals cover only those days, so far.`}
            </Text>
          </div>
        ) : null}
        <div style={visuallyHidden}>
          <table>
            <caption>Net sales and gross profit per {GRAIN_WORD[grain]}</caption>
            <thead>
              <tr>
                <th scope="col">{grain === "day" ? "Day" : grain === "week" ? "Week" : "Month"}</th>
                <th scope="col">Net sales</th>
                <th scope="col">Gross profit</th>
                <th scope="col">Orders</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.start}>
                  <th scope="row">{p.partial ? `${describePartial(p)}, partial` : p.longLabel}</th>
                  <td>{formatMoney(p.netSales, currency)}</td>
                  <td>{formatMoney(p.grossProfit, currency)}</td>
                  <td>{p.orders}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </BlockStack>
    </Card>
  );
}
