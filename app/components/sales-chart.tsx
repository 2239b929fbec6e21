/**
 * The sales and profit trend. The chart library is the heaviest thing on the
 * page, so it is loaded lazily and in the browser only: the server and the first
 * paint render a placeholder of exactly the chart's height, and the chart takes
 * its place without moving anything (CLS) or delaying the KPI cards (LCP).
 *
 * One figure at a time (net sales, gross profit, or net profit where the series
 * carries it), the period's line solid and the comparison period's grey and dashed,
 * aligned by position in the period (app/lib/series.ts); a single day is drawn by the
 * hour on the shop's clock (app/reports/hourly.ts). The legend names both periods by
 * their dates, or says why there is no comparison line.
 *
 * The drawing is reachable by keyboard (arrow keys move the tooltip from point to
 * point); every figure is also in a visually hidden table, and the drawing has a
 * one-sentence summary.
 */
import { BlockStack, Box, Button, ButtonGroup, Card, InlineStack, Text } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";

import { formatMoney, formatPeriod } from "~/lib/format";
import {
  bucketSeries, comparisonDrawn, describePartial, grainFor, hourChartPoints, withComparison,
  type ChartGrain, type ChartMetric, type ChartPoint, type DayPoint, type HourPoint,
} from "~/lib/series";
import { includesEstimate } from "~/profit/net-profit";
import { hasComparisonData } from "~/reports/change";
import type { Metrics } from "~/reports/metrics";
import type { CompareMode, Period } from "~/reports/period";

import { COMPARE_COLOR, METRIC_COLOR, METRIC_LABEL } from "./sales-chart-style";
import { SalesChartTable } from "./sales-chart-table";

const SalesChartCanvas = lazy(() => import("./sales-chart.client"));

/** Reserved in every state (placeholder, loading, drawn): nothing below moves. */
export const CHART_HEIGHT = 280;

const GRAIN_WORD: Record<ChartGrain, string> = { hour: "hour", day: "day", week: "week", month: "month" };
const COMPARE_WORD: Record<CompareMode, string> = { previous_period: "Previous period", previous_year: "Previous year", none: "" };

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
  period: Period;
  /** The period's totals: the summary's figures, and whether net profit includes estimates (as the KPI card says). */
  totals: Pick<Metrics, "netSales" | "grossProfit"> & Partial<Pick<Metrics, "netProfit" | "paymentFeesEstimated">>;
  /** The shop's today, on a live dashboard: its bucket is still filling (a snapshot has none). */
  today?: string;
  /** The comparison: its dates, the dashboard's choice, its totals (no data: no line) and days. */
  comparePeriod?: Period | null;
  compareMode?: CompareMode;
  previous?: Metrics | null;
  compareSeries?: DayPoint[];
  /** A single day's hours (and the comparison day's), when the report has them. */
  hours?: { current: HourPoint[]; compare: HourPoint[] | null };
}

/** The chart's points and what they are, from the report's figures. */
function chartPoints(props: SalesChartProps, withCompare: boolean): { grain: ChartGrain; points: ChartPoint[] } {
  const { series, today, hours, compareSeries, period } = props;
  if (hours && period.from === period.to && hours.current.length) {
    return { grain: "hour", points: hourChartPoints(period.from, hours.current, withCompare ? hours.compare : null) };
  }
  const grain = grainFor(series.length);
  const points = bucketSeries(series, grain, today);
  return { grain, points: withCompare && compareSeries ? withComparison(points, series, compareSeries) : points };
}

/** Why there is no comparison line, in the legend's words; null when there is one. */
function missingComparison(props: SalesChartProps, drawn: boolean): string | null {
  if (!props.comparePeriod || props.compareMode === "none") return "No comparison period chosen";
  if (!hasComparisonData(props.previous)) return `No data for the comparison period (${formatPeriod(props.comparePeriod)})`;
  return drawn ? null : `No data for the comparison period (${formatPeriod(props.comparePeriod)})`;
}

function LegendSwatch({ dashed, color }: { dashed?: boolean; color: string }) {
  return (
    <svg width="24" height="10" aria-hidden="true" focusable="false" style={{ flex: "none" }}>
      <line x1="0" y1="5" x2="24" y2="5" stroke={color} strokeWidth={dashed ? 2 : 3} strokeDasharray={dashed ? "4 3" : undefined} />
    </svg>
  );
}

/** What a day drawn by the hour needs said: a clock change, and why net profit is not among the lines. */
function hoursNoteOf(hours: number, withNetProfit: boolean): string {
  const clock = hours === 23 ? "The clocks went forward on this day: it has 23 hours." : hours === 25 ? "The clocks went back on this day: it has 25 hours, one of them twice." : "";
  const profit = withNetProfit ? "Net profit is figured by the day (fees, shipping and custom costs are booked per day), so hours show net sales and gross profit." : "";
  return [clock, profit].filter(Boolean).join(" ");
}


export function SalesChart(props: SalesChartProps) {
  const { currency, period, totals, comparePeriod, compareMode = "previous_period" } = props;
  const hydrated = useHydrated();
  const [metric, setMetric] = useState<ChartMetric>("netSales");
  const hasData = Boolean(comparePeriod) && compareMode !== "none" && hasComparisonData(props.previous);
  const { grain, points } = chartPoints(props, hasData);
  const drawn = hasData && comparisonDrawn(points);
  const noComparison = missingComparison(props, drawn);
  // Net profit is a choice only where every point carries it (hours and older snapshots do not).
  const metrics: ChartMetric[] = ["netSales", "grossProfit", ...(points.length && points.every((p) => p.netProfit !== null) ? (["netProfit"] as const) : [])];
  const shown = metrics.includes(metric) ? metric : "netSales";
  const estimate = shown === "netProfit" && includesEstimate(totals);
  const metricName = `${METRIC_LABEL[shown]}${estimate ? " (includes estimates)" : ""}`;
  const partial = points.filter((p) => p.partial);
  const periodLabel = formatPeriod(period);
  const compareLabel = comparePeriod ? formatPeriod(comparePeriod) : "";
  const summary =
    `Line chart of ${metricName.toLowerCase()} per ${GRAIN_WORD[grain]}, ${periodLabel}` +
    (drawn ? `, with the ${COMPARE_WORD[compareMode].toLowerCase()} (${compareLabel}) as a second line` : "") +
    `: net sales ${formatMoney(totals.netSales, currency)}, gross profit ${formatMoney(totals.grossProfit, currency)}` +
    (totals.netProfit !== undefined ? `, net profit ${formatMoney(totals.netProfit, currency)}` : "") +
    " in total. The figures follow in a table.";
  const hoursNote = grain === "hour" ? hoursNoteOf(points.length, totals.netProfit !== undefined) : "";

  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="050">
            <Text as="h2" variant="headingMd">Sales and profit</Text>
            <Text as="p" tone="subdued" variant="bodySm">
              {grain === "hour" ? "Per hour, on the shop's clock" : `Per ${GRAIN_WORD[grain]}`}
            </Text>
          </BlockStack>
          <div role="group" aria-label="Figure to draw">
            <ButtonGroup variant="segmented">
              {metrics.map((m) => (
                <Button key={m} size="slim" pressed={m === shown} onClick={() => setMetric(m)}>
                  {METRIC_LABEL[m]}
                </Button>
              ))}
            </ButtonGroup>
          </div>
        </InlineStack>
        <div data-testid="chart-legend">
          <InlineStack gap="400" wrap blockAlign="center">
            <InlineStack gap="150" blockAlign="center" wrap={false}>
              <LegendSwatch color={METRIC_COLOR[shown]} />
              <Text as="span" variant="bodySm">{`${metricName}, ${periodLabel}`}</Text>
            </InlineStack>
            {drawn ? (
              <InlineStack gap="150" blockAlign="center" wrap={false}>
                <LegendSwatch color={COMPARE_COLOR} dashed />
                <Text as="span" variant="bodySm" tone="subdued">{`${COMPARE_WORD[compareMode]}, ${compareLabel}`}</Text>
              </InlineStack>
            ) : (
              <Text as="span" variant="bodySm" tone="subdued">{noComparison}</Text>
            )}
          </InlineStack>
        </div>
        <Box>
          <div style={{ height: CHART_HEIGHT, overflow: "hidden" }} data-testid="sales-chart" data-metric={shown} data-grain={grain}>
            {hydrated ? (
              <Suspense fallback={<ChartPlaceholder />}>
                <SalesChartCanvas
                  points={points} metric={shown} metricName={metricName} comparison={drawn ? COMPARE_WORD[compareMode] : null}
                  currency={currency} height={CHART_HEIGHT} summary={summary}
                />
              </Suspense>
            ) : (
              <div role="img" aria-label={summary}><ChartPlaceholder /></div>
            )}
          </div>
        </Box>
        {partial.length ? (
          <div data-testid="chart-partial-note">
            <Text as="p" tone="subdued" variant="bodySm">
              {`Partial ${GRAIN_WORD[grain]}${partial.length > 1 ? "s" : ""}, drawn dashed with an open dot: ` +
                `${partial.map(describePartial).join("; ")}. Their totals cover only ${grain === "hour" ? "that hour" : "those days"}, so far.`}
            </Text>
          </div>
        ) : null}
        {hoursNote ? (
          <div data-testid="chart-hours-note">
            <Text as="p" tone="subdued" variant="bodySm">{hoursNote}</Text>
          </div>
        ) : null}
        {estimate ? (
          <Text as="p" tone="subdued" variant="bodySm">Net profit includes estimated payment fees (your fee rates, on transactions Shopify gave no fee for).</Text>
        ) : null}
        <SalesChartTable points={points} grain={grain} currency={currency} withNetProfit={metrics.includes("netProfit")} comparison={drawn ? COMPARE_WORD[compareMode] : null} />
      </BlockStack>
    </Card>
  );
}
