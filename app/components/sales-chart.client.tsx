/**
 * The drawing itself (recharts), in its own browser-only chunk: sales-chart.tsx
 * imports it lazily. Coordinates are numbers; every figure a person reads
 * (tooltip, table) comes from the exact decimal strings. A partial bucket (series.ts)
 * is drawn on its own dashed, faded segment with an open dot, so a month cut short
 * by the period's end does not read as a collapse.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatCompactMoney, formatMoney } from "~/lib/format";
import { describePartial, type ChartPoint } from "~/lib/series";

interface Props {
  points: ChartPoint[];
  currency: string;
  height: number;
}

const NET_SALES_COLOR = "var(--p-color-bg-fill-info-active, #2c6ecb)";
const PROFIT_COLOR = "var(--p-color-bg-fill-success, #29845a)";
const AXIS_TEXT = { fontSize: 12, fill: "var(--p-color-text-secondary, #616161)" };

/** One bucket's figures, whichever line is hovered (the partial lines repeat their neighbours). */
function PointTooltip({ active, payload, currency }: { active?: boolean; payload?: Array<{ payload?: unknown }>; currency: string }) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <div style={{ background: "var(--p-color-bg-surface, #fff)", border: "1px solid var(--p-color-border, #e3e3e3)", borderRadius: 8, padding: "8px 12px", fontSize: 13 }}>
      <div style={{ fontWeight: 600, marginBottom: 4 }}>{point.partial ? `${describePartial(point)}, partial` : point.longLabel}</div>
      <div>Net sales: {formatMoney(point.netSales, currency)}</div>
      <div>Gross profit: {formatMoney(point.grossProfit, currency)}</div>
    </div>
  );
}

export default function SalesChartCanvas({ points, currency, height }: Props) {
  // Whole buckets on the solid lines; a partial one, with its whole neighbour to join
  // it to, on the dashed ones.
  const joinsPartial = (i: number) => points[i]!.partial || points[i - 1]?.partial === true || points[i + 1]?.partial === true;
  const data = points.map((p, i) => ({
    ...p,
    netSalesValue: p.partial ? null : Number(p.netSales),
    grossProfitValue: p.partial ? null : Number(p.grossProfit),
    netSalesPartial: joinsPartial(i) ? Number(p.netSales) : null,
    grossProfitPartial: joinsPartial(i) ? Number(p.grossProfit) : null,
  }));
  const partialDot = (props: { cx?: number; cy?: number; index?: number; stroke?: string }) =>
    props.index !== undefined && points[props.index]?.partial && props.cx !== undefined && props.cy !== undefined ? (
      <circle key={props.index} cx={props.cx} cy={props.cy} r={4} fill="var(--p-color-bg-surface, #fff)" stroke={props.stroke} strokeWidth={2} />
    ) : (
      <g key={props.index} />
    );
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="var(--p-color-border-secondary, #ebebeb)" />
        <XAxis dataKey="label" tick={AXIS_TEXT} tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis tick={AXIS_TEXT} tickLine={false} axisLine={false} width={72} tickFormatter={(v: number) => formatCompactMoney(v, currency)} />
        <Tooltip content={<PointTooltip currency={currency} />} />
        <Legend verticalAlign="top" align="right" height={28} iconType="plainline" itemSorter={null} />
        <Line type="monotone" dataKey="netSalesValue" name="Net sales" stroke={NET_SALES_COLOR} strokeWidth={2} dot={false} isAnimationActive={false} />
        {/* Dashed as well as coloured: the two lines stay apart without colour vision. */}
        <Line type="monotone" dataKey="grossProfitValue" name="Gross profit" stroke={PROFIT_COLOR} strokeWidth={2} strokeDasharray="6 4" dot={false} isAnimationActive={false} />
        {points.some((p) => p.partial) ? (
          <>
            <Line type="monotone" dataKey="netSalesPartial" name="Net sales (partial)" legendType="none" stroke={NET_SALES_COLOR} strokeOpacity={0.5} strokeWidth={2} strokeDasharray="2 4" dot={partialDot} activeDot={false} isAnimationActive={false} />
            <Line type="monotone" dataKey="grossProfitPartial" name="Gross profit (partial)" legendType="none" stroke={PROFIT_COLOR} strokeOpacity={0.5} strokeWidth={2} strokeDasharray="2 4" dot={partialDot} activeDot={false} isAnimationActive={false} />
          </>
        ) : null}
      </LineChart>
    </ResponsiveContainer>
  );
}
