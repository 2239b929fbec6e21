/**
 * The drawing itself (recharts), in its own browser-only chunk: sales-chart.tsx
 * imports it lazily. Coordinates are numbers; every figure a person reads
 * (tooltip, table) comes from the exact decimal strings.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatCompactMoney, formatMoney } from "~/lib/format";
import type { ChartPoint } from "~/lib/series";

interface Props {
  points: ChartPoint[];
  currency: string;
  height: number;
}

const NET_SALES_COLOR = "var(--p-color-bg-fill-info-active, #2c6ecb)";
const PROFIT_COLOR = "var(--p-color-bg-fill-success, #29845a)";
const AXIS_TEXT = { fontSize: 12, fill: "var(--p-color-text-secondary, #616161)" };

export default function SalesChartCanvas({ points, currency, height }: Props) {
  const data = points.map((p) => ({ ...p, netSalesValue: Number(p.netSales), grossProfitValue: Number(p.grossProfit) }));
  return (
    <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 600, height }}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="var(--p-color-border-secondary, #ebebeb)" />
        <XAxis dataKey="label" tick={AXIS_TEXT} tickLine={false} axisLine={false} minTickGap={24} />
        <YAxis tick={AXIS_TEXT} tickLine={false} axisLine={false} width={72} tickFormatter={(v: number) => formatCompactMoney(v, currency)} />
        <Tooltip
          labelFormatter={(_label, payload) => (payload?.[0]?.payload as ChartPoint | undefined)?.longLabel ?? ""}
          formatter={(_value, name, item) => {
            const point = item.payload as ChartPoint;
            return [formatMoney(name === "Net sales" ? point.netSales : point.grossProfit, currency), name];
          }}
        />
        <Legend verticalAlign="top" align="right" height={28} iconType="plainline" itemSorter={null} />
        <Line type="monotone" dataKey="netSalesValue" name="Net sales" stroke={NET_SALES_COLOR} strokeWidth={2} dot={false} isAnimationActive={false} />
        {/* Dashed as well as coloured: the two lines stay apart without colour vision. */}
        <Line type="monotone" dataKey="grossProfitValue" name="Gross profit" stroke={PROFIT_COLOR} strokeWidth={2} strokeDasharray="6 4" dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
