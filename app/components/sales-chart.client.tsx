/**
 * The drawing itself (recharts), in its own browser-only chunk: sales-chart.tsx
 * imports it lazily. Coordinates are numbers; every figure a person reads
 * (tooltip, table) comes from the exact decimal strings. A partial bucket (series.ts)
 * is drawn on its own dashed, faded segment with an open dot, so a month cut short
 * by the period's end does not read as a collapse; an hour not reached yet is not
 * drawn. The comparison is a thinner grey dashed line: secondary at a glance.
 *
 * Keyboard: recharts' accessibility layer makes the drawing one tab stop whose left
 * and right arrow keys move the tooltip from point to point.
 */
import { BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { describeChange, formatCompactMoney, formatMoney } from "~/lib/format";
import { describePartial, type ChartMetric, type ChartPoint } from "~/lib/series";
import { changePercent, isLowerBetter } from "~/reports/change";

import { COMPARE_COLOR, METRIC_COLOR } from "./sales-chart-style";

interface Props {
  points: ChartPoint[];
  metric: ChartMetric;
  /** "Net sales", "Net profit (includes estimates)". */
  metricName: string;
  /** "Previous period" / "Previous year" when the comparison is drawn, else null. */
  comparison: string | null;
  currency: string;
  height: number;
  summary: string;
}

const AXIS_TEXT = { fontSize: 12, fill: "var(--p-color-text-secondary, #616161)" };

const valueOf = (p: ChartPoint | ChartPoint["compare"], metric: ChartMetric): string | null => (p ? p[metric] : null);

/**
 * One point's figure, the comparison's at the same position, and the change between
 * them under the app's one sign rule (app/reports/change.ts, decision 0006): the arrow
 * says which way the figure moved, the colour whether that is good for the merchant.
 */
function PointTooltip({ active, payload, metric, metricName, comparison, currency }: {
  active?: boolean; payload?: Array<{ payload?: unknown }>; metric: ChartMetric; metricName: string; comparison: string | null; currency: string;
}) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  const now = point.future ? null : valueOf(point, metric);
  const before = valueOf(point.compare, metric);
  const change = describeChange(changePercent(metric, now, before), { lowerIsBetter: isLowerBetter(metric) });
  return (
    <div
      data-testid="chart-tooltip"
      style={{
        background: "var(--p-color-bg-surface)", boxShadow: "var(--p-shadow-400)", borderRadius: "var(--p-border-radius-300)",
        padding: "var(--p-space-300)", minWidth: 200, maxWidth: 280,
      }}
    >
      <BlockStack gap="200">
        <Text as="p" variant="headingSm">{point.future ? `${point.longLabel} (not reached yet)` : point.partial ? `${describePartial(point)}, partial` : point.longLabel}</Text>
        <InlineStack align="space-between" gap="400" wrap={false}>
          <Text as="span" variant="bodySm">{metricName}</Text>
          <Text as="span" variant="bodySm" fontWeight="semibold" numeric>{now === null ? "—" : formatMoney(now, currency)}</Text>
        </InlineStack>
        {comparison ? (
          <>
            <InlineStack align="space-between" gap="400" wrap={false}>
              <Text as="span" variant="bodySm" tone="subdued">{point.compare ? `${comparison}, ${point.compare.longLabel}` : comparison}</Text>
              <Text as="span" variant="bodySm" tone="subdued" numeric>{before === null ? "—" : formatMoney(before, currency)}</Text>
            </InlineStack>
            <Box borderBlockStartWidth="025" borderColor="border-secondary" paddingBlockStart="150">
              {change ? (
                <Text as="p" variant="bodySm" tone={change.tone} fontWeight="medium">
                  {change.direction === "flat" ? "No change" : `${change.direction === "up" ? "↑" : "↓"} ${change.text}`}
                </Text>
              ) : (
                <Text as="p" variant="bodySm" tone="subdued">{now === null ? "No figure yet" : "No change to show (nothing to compare with)"}</Text>
              )}
            </Box>
          </>
        ) : null}
      </BlockStack>
    </div>
  );
}

export default function SalesChartCanvas({ points, metric, metricName, comparison, currency, height, summary }: Props) {
  const color = METRIC_COLOR[metric];
  // Whole buckets on the solid line; a partial one, with its whole neighbour to join
  // it to, on the dashed one. Hours not reached yet on neither.
  const joinsPartial = (i: number) => points[i]!.partial || points[i - 1]?.partial === true || points[i + 1]?.partial === true;
  const numberOf = (value: string | null | undefined) => (value === null || value === undefined ? null : Number(value));
  const data = points.map((p, i) => ({
    ...p,
    value: p.partial || p.future ? null : numberOf(p[metric]),
    partialValue: joinsPartial(i) && !p.future ? numberOf(p[metric]) : null,
    compareValue: numberOf(p.compare?.[metric]),
  }));
  const partialDot = (props: { cx?: number; cy?: number; index?: number; stroke?: string }) =>
    props.index !== undefined && points[props.index]?.partial && props.cx !== undefined && props.cy !== undefined ? (
      <circle key={props.index} cx={props.cx} cy={props.cy} r={4} fill="var(--p-color-bg-surface, #fff)" stroke={props.stroke} strokeWidth={2} />
    ) : (
      <g key={props.index} />
    );
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
      <LineChart
        data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer
        role="group" aria-label={`${summary} Left and right arrow keys move between the points.`}
      >
        <CartesianGrid vertical={false} stroke="var(--p-color-border-secondary, #ebebeb)" />
        <XAxis dataKey="label" tick={AXIS_TEXT} tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis tick={AXIS_TEXT} tickLine={false} axisLine={false} width={72} tickFormatter={(v: number) => formatCompactMoney(v, currency)} />
        <Tooltip
          content={<PointTooltip metric={metric} metricName={metricName} comparison={comparison} currency={currency} />}
          cursor={{ stroke: "var(--p-color-border, #e3e3e3)" }}
          wrapperStyle={{ outline: "none", zIndex: 1 }}
          isAnimationActive={false}
        />
        {comparison ? (
          <Line type="monotone" dataKey="compareValue" name={comparison} stroke={COMPARE_COLOR} strokeWidth={1.5} strokeDasharray="4 3" dot={false} activeDot={{ r: 3 }} isAnimationActive={false} />
        ) : null}
        <Line type="monotone" dataKey="value" name={metricName} stroke={color} strokeWidth={2.5} dot={points.length === 1 ? { r: 4 } : false} isAnimationActive={false} />
        {points.some((p) => p.partial) ? (
          <Line type="monotone" dataKey="partialValue" name={`${metricName} (partial)`} legendType="none" stroke={color} strokeOpacity={0.5} strokeWidth={2} strokeDasharray="2 4" dot={partialDot} activeDot={false} isAnimationActive={false} />
        ) : null}
      </LineChart>
    </ResponsiveContainer>
  );
}
