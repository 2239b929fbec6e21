/**
 * The chart's figures as a table for assistive technology (visually hidden): every
 * point with net sales, gross profit, net profit where the series has it, orders,
 * and the comparison at the same position with its dates.
 */
import { formatMoney } from "~/lib/format";
import { describePartial, type ChartGrain, type ChartPoint } from "~/lib/series";

const visuallyHidden = {
  position: "absolute", width: 1, height: 1, padding: 0, margin: -1, overflow: "hidden", clip: "rect(0, 0, 0, 0)", whiteSpace: "nowrap", border: 0,
} as const;

const FIRST_COLUMN: Record<ChartGrain, string> = { hour: "Hour", day: "Day", week: "Week", month: "Month" };

interface Props {
  points: ChartPoint[];
  grain: ChartGrain;
  currency: string;
  withNetProfit: boolean;
  /** "Previous period" / "Previous year" when the comparison is drawn. */
  comparison: string | null;
}

export function SalesChartTable({ points, grain, currency, withNetProfit, comparison }: Props) {
  const money = (value: string | null | undefined) => formatMoney(value, currency);
  return (
    <div style={visuallyHidden} data-testid="sales-chart-table">
      <table>
        <caption>{`Net sales and profit per ${grain}${comparison ? `, with the ${comparison.toLowerCase()}` : ""}`}</caption>
        <thead>
          <tr>
            <th scope="col">{FIRST_COLUMN[grain]}</th>
            <th scope="col">Net sales</th>
            <th scope="col">Gross profit</th>
            {withNetProfit ? <th scope="col">Net profit</th> : null}
            <th scope="col">Orders</th>
            {comparison ? (
              <>
                <th scope="col">{`${comparison}: dates`}</th>
                <th scope="col">{`${comparison}: net sales`}</th>
                <th scope="col">{`${comparison}: gross profit`}</th>
                {withNetProfit ? <th scope="col">{`${comparison}: net profit`}</th> : null}
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={`${p.start}:${i}`}>
              <th scope="row">{p.future ? `${p.longLabel}, not reached yet` : p.partial ? `${describePartial(p)}, partial` : p.longLabel}</th>
              <td>{p.future ? "—" : money(p.netSales)}</td>
              <td>{p.future ? "—" : money(p.grossProfit)}</td>
              {withNetProfit ? <td>{p.future ? "—" : money(p.netProfit)}</td> : null}
              <td>{p.future ? "—" : p.orders}</td>
              {comparison ? (
                <>
                  <td>{p.compare?.longLabel ?? "—"}</td>
                  <td>{money(p.compare?.netSales)}</td>
                  <td>{money(p.compare?.grossProfit)}</td>
                  {withNetProfit ? <td>{money(p.compare?.netProfit)}</td> : null}
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
