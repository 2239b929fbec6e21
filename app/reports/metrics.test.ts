import { describe, expect, it } from "vitest";

import { computeMetrics, emptyComponents, percentChange, sumComponents } from "./metrics";

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
