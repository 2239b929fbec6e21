import { describe, expect, it } from "vitest";

import { classifySale, type SaleInput } from "./classify-sale";
import { computeMetrics, emptyComponents, percentChange, sumComponents } from "./metrics";

const sale = (s: Partial<SaleInput>): SaleInput => ({
  actionType: "ORDER", lineType: "PRODUCT", quantity: 1, totalAmount: "0", discountAmount: "0", totalTaxAmount: "0", ...s,
});

describe("classifySale: where each sale lands (Shopify's sales model)", () => {
  it.each([
    // name, sale, expected non-zero components
    ["a tax-exclusive product sale with a discount",
      sale({ quantity: 2, totalAmount: "198.00", discountAmount: "20.00", totalTaxAmount: "18.00" }),
      { grossSales: "200.0000", discounts: "-20.0000", taxes: "18.0000", units: 2 }],
    ["a tax-inclusive product sale: tax is taken out of gross",
      sale({ quantity: 1, totalAmount: "99.00", discountAmount: "10.00", totalTaxAmount: "9.00" }),
      { grossSales: "100.0000", discounts: "-10.0000", taxes: "9.0000", units: 1 }],
    ["a return on a later day: negative returns net of its discount, negative units and tax",
      sale({ actionType: "RETURN", quantity: -1, totalAmount: "-99.00", discountAmount: "-10.00", totalTaxAmount: "-9.00" }),
      { returns: "-90.0000", taxes: "-9.0000", units: -1 }],
    ["an order edit adding an item (ORDER action in an edit)",
      sale({ quantity: 1, totalAmount: "25.00" }),
      { grossSales: "25.0000", units: 1 }],
    ["a price change (UPDATE action) moves gross and discounts",
      sale({ actionType: "UPDATE", quantity: 0, totalAmount: "-5.00", discountAmount: "5.00" }),
      { discounts: "-5.0000", units: 0 }],
    ["shipping, net of tax",
      sale({ lineType: "SHIPPING", totalAmount: "11.00", totalTaxAmount: "1.00" }),
      { shipping: "10.0000", taxes: "1.0000" }],
    ["a shipping refund is negative shipping",
      sale({ actionType: "RETURN", lineType: "SHIPPING", totalAmount: "-11.00", totalTaxAmount: "-1.00" }),
      { shipping: "-10.0000", taxes: "-1.0000" }],
    ["a gift card is not a sale at all",
      sale({ lineType: "GIFT_CARD", totalAmount: "50.00" }),
      {}],
    ["a tip is tracked apart from sales",
      sale({ lineType: "TIP", totalAmount: "5.00" }),
      { tips: "5.0000" }],
    ["duties", sale({ lineType: "DUTY", totalAmount: "7.50" }), { duties: "7.5000" }],
    ["fees and additional fees", sale({ lineType: "ADDITIONAL_FEE", totalAmount: "2.00" }), { fees: "2.0000" }],
    ["a refund discrepancy adjustment counts as a return", sale({ lineType: "ADJUSTMENT", actionType: "RETURN", totalAmount: "-1.50" }), { returns: "-1.5000" }],
    ["an UNKNOWN line is not guessed at", sale({ lineType: "UNKNOWN", totalAmount: "9.00", totalTaxAmount: "1.00" }), {}],
  ])("%s", (_name, input, expected) => {
    const zero = { grossSales: "0.0000", discounts: "0.0000", returns: "0.0000", shipping: "0.0000", duties: "0.0000", fees: "0.0000", taxes: "0.0000", tips: "0.0000", units: 0 };
    expect(classifySale(input)).toEqual({ ...zero, ...expected });
  });

  it("is exact where binary floats are not (0.1 + 0.2)", () => {
    const a = classifySale(sale({ totalAmount: "0.10" }));
    const b = classifySale(sale({ totalAmount: "0.20" }));
    expect(sumComponents([a, b]).grossSales).toBe("0.3000");
  });
});

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
