import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { computeMetrics, emptyComponents, percentChange, seriesPoint, sumComponents } from "./metrics";

describe("computeMetrics", () => {
  const day = (over: Partial<ReturnType<typeof emptyComponents>>) => ({ ...emptyComponents(), ...over });

  it("derives net, total, AOV, profit, margin and coverage", () => {
    const m = computeMetrics(day({
      grossSales: "1000", discounts: "-100", returns: "-50", shipping: "40", duties: "5", fees: "3", taxes: "85", tips: "10",
      cogs: "300", netSalesWithCost: "765", orders: 9, units: 20, originalNetProduct: "900",
    }));
    expect(m).toMatchObject({
      netSales: "850.00",
      totalSales: "983.00", // tips excluded
      averageOrderValue: "100.00",
      grossProfit: "465.00",
      grossMarginPercent: "60.78",
      costCoveragePercent: "90.00",
    });
  });

  it("counts an order cancelled on a later day on its order day, and the return on the cancel day", () => {
    const orderDay = computeMetrics(day({ grossSales: "80", orders: 1, originalNetProduct: "80" }));
    const cancelDay = computeMetrics(day({ returns: "-80" }));
    expect([orderDay.netSales, orderDay.orders, cancelDay.netSales, cancelDay.orders]).toEqual(["80.00", 1, "-80.00", 0]);
    expect(computeMetrics(sumComponents([day({ grossSales: "80", orders: 1 }), day({ returns: "-80" })])).netSales).toBe("0.00");
  });

  it("leaves margin empty rather than inventing one when no sale has a recorded cost", () => {
    const m = computeMetrics(day({ grossSales: "100", orders: 1, originalNetProduct: "100" }));
    expect(m.grossMarginPercent).toBeNull();
    expect(m.costCoveragePercent).toBe("0.00");
    expect(m.grossProfit).toBe("0.00");
  });

  it("has no AOV and no coverage for an empty period", () => {
    const m = computeMetrics(emptyComponents());
    expect([m.averageOrderValue, m.costCoveragePercent, m.grossMarginPercent, m.netSales]).toEqual([null, null, null, "0.00"]);
  });

  it("rounds half away from zero at the cent", () => {
    expect(computeMetrics(day({ grossSales: "0.125" })).grossSales).toBe("0.13");
    expect(computeMetrics(day({ returns: "-0.125" })).returns).toBe("-0.13");
    expect(computeMetrics(day({ grossSales: "0.1249" })).grossSales).toBe("0.12");
  });

  it("shows the share of costs that are today's cost applied to older sales", () => {
    expect(computeMetrics(day({ grossSales: "200", netSalesWithCost: "200", costedFromBackfill: "50", cogs: "80" })).backfilledCostPercent).toBe("25.00");
  });
});

describe("profit reconciliation (Shopify's profit report definitions)", () => {
  const amount = fc.integer({ min: -500_000, max: 5_000_000 }).map((c) => (c / 100).toFixed(2));
  const cents = (v: string) => Math.round(Number(v) * 100);

  it("splits net sales into with and without cost, and every displayed figure satisfies its formula", () => {
    fc.assert(
      fc.property(amount, amount, amount, amount, amount, (gross, discount, refund, withCost, cogs) => {
        const m = computeMetrics({
          ...emptyComponents(), grossSales: gross, discounts: `-${discount.replace("-", "")}`, returns: `-${refund.replace("-", "")}`,
          netSalesWithCost: withCost, cogs: cogs.replace("-", ""),
        });
        // net sales = with cost + without cost; gross profit = with cost − COGS; to the cent as shown.
        expect(cents(m.netSalesWithCost!) + cents(m.netSalesWithoutCost!)).toBe(cents(m.netSales));
        expect(cents(m.netSalesWithCost!) - cents(m.cogs)).toBe(cents(m.grossProfit));
        // margin = gross profit / net sales with cost (never / net sales), to the shown 2 decimals.
        if (m.grossMarginPercent !== null) {
          expect(Math.abs(Number(m.grossMarginPercent) - (Number(m.grossProfit) / Number(m.netSalesWithCost)) * 100)).toBeLessThanOrEqual(0.005 + 1e-9);
        } else {
          expect(cents(m.netSalesWithCost!)).toBe(0);
        }
      }),
    );
  });

  it("makes the issue's row add up: margin is on the costed part of net sales", () => {
    // Willow Journal: $15,728.92 net sales, of which $8,650.00 has a cost of $2,863.03.
    const m = computeMetrics({ ...emptyComponents(), grossSales: "15728.92", netSalesWithCost: "8650.00", cogs: "2863.03" });
    expect(m).toMatchObject({ netSales: "15728.92", netSalesWithCost: "8650.00", netSalesWithoutCost: "7078.92", grossProfit: "5786.97", grossMarginPercent: "66.90" });
    expect(seriesPoint({ ...emptyComponents(), grossSales: "15728.92", netSalesWithCost: "8650.00", cogs: "2863.03" }).grossProfit).toBe(m.grossProfit);
  });

  it("computes gross profit from the rounded parts, in the series too", () => {
    const c = { ...emptyComponents(), grossSales: "10.005", netSalesWithCost: "10.005", cogs: "3.005" };
    const m = computeMetrics(c);
    expect([m.netSalesWithCost, m.cogs, m.grossProfit]).toEqual(["10.01", "3.01", "7.00"]);
    expect(seriesPoint(c).grossProfit).toBe("7.00");
  });
});

describe("percentChange", () => {
  it.each([
    ["120", "100", "20.00"],
    ["80", "100", "-20.00"],
    ["-50", "-100", "50.00"],
    ["10", "0", null],
    [null, "5", null],
  ] as const)("%s vs %s → %s", (current, previous, expected) => {
    expect(percentChange(current, previous)).toBe(expected);
  });
});

describe("the exact-integer fast paths agree with big.js", () => {
  const amount = fc.tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: 0, max: 4 }))
    .map(([units, dp]) => {
      // A numeric(20,4) as PostgreSQL prints it, or a fixture's shorter decimals.
      const fixed = new Big(units.toString()).div(10_000).toFixed(4);
      return dp === 4 ? fixed : new Big(fixed).round(dp, Big.roundDown).toFixed(dp);
    });
  const components = fc.record({
    grossSales: amount, discounts: amount, returns: amount, shipping: amount, duties: amount, fees: amount, taxes: amount,
    tips: amount, cogs: amount, netSalesWithCost: amount, costedFromBackfill: amount, originalNetProduct: amount,
    units: fc.nat(1000), orders: fc.nat(1000),
  });

  it("sums to the same strings and yields the same series points", () => {
    fc.assert(fc.property(fc.array(components, { maxLength: 20 }), (rows) => {
      const summed = sumComponents(rows);
      for (const key of ["grossSales", "discounts", "returns", "cogs", "netSalesWithCost", "originalNetProduct"] as const) {
        const exact = rows.reduce((sum, r) => sum.plus(r[key]), new Big(0)).toFixed(4);
        expect(new Big(summed[key]).eq(exact), key).toBe(true);
        expect(summed[key]).toMatch(/^-?\d+\.\d{4}$/);
      }
      const m = computeMetrics(summed);
      expect(seriesPoint(summed)).toEqual({ netSales: m.netSales, totalSales: m.totalSales, grossProfit: m.grossProfit, orders: m.orders });
      for (const row of rows) {
        const r = computeMetrics({ ...row });
        expect(seriesPoint({ ...row })).toEqual({ netSales: r.netSales, totalSales: r.totalSales, grossProfit: r.grossProfit, orders: r.orders });
      }
    }));
  });

  it("rounds half away from zero at the cent, never shows -0.00, and falls back to big.js beyond 4 decimals", () => {
    const c = (grossSales: string) => ({ ...emptyComponents(), grossSales });
    expect(seriesPoint(c("0.0050")).netSales).toBe("0.01");
    expect(seriesPoint(c("-0.0050")).netSales).toBe("-0.01");
    expect(seriesPoint(c("-0.0049")).netSales).toBe("0.00");
    expect(seriesPoint(c("1.234567")).netSales).toBe("1.23");
    expect(sumComponents([c("1.00001"), c("2")]).grossSales).toBe("3.0000");
  });
});
