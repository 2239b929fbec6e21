import fc from "fast-check";
import Big from "big.js";
import { describe, expect, it } from "vitest";

import { sumComponents } from "~/reports/metrics";

import { classifySale, formatUnits, toUnits, type SaleInput } from "./classify-sale";

describe("money as ten-thousandths (the ledger's numeric(20,4))", () => {
  it.each([
    ["0", "0.0000"], ["12.34", "12.3400"], ["-0.5", "-0.5000"], ["-0.00", "0.0000"], ["1234567890123.4567", "1234567890123.4567"],
    ["0.00005", "0.0001"], ["-0.00005", "-0.0001"], ["0.00004999", "0.0000"], ["+3.1", "3.1000"], ["7.", "7.0000"],
  ])("%s → %s (half away from zero past the fourth decimal, as PostgreSQL rounds)", (input, expected) => {
    expect(formatUnits(toUnits(input))).toBe(expected);
  });

  it("refuses what is not a decimal, naming it", () => {
    for (const bad of ["", "1e5", "12,5", "NaN", "0x10", "1.2.3"]) expect(() => toUnits(bad)).toThrow(/not a decimal amount/);
  });

  it("agrees with big.js for sums and differences of any amounts with up to four decimals", () => {
    const amount = fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 4 }))
      .map(([n, scale]) => new Big(n.toString()).div(10 ** scale).toFixed(scale));
    fc.assert(fc.property(amount, amount, (a, b) => {
      expect(formatUnits(toUnits(a) - toUnits(b))).toBe(new Big(a).minus(b).toFixed(4).replace(/^-(0\.0000)$/, "$1"));
      expect(formatUnits(toUnits(a) + toUnits(b))).toBe(new Big(a).plus(b).toFixed(4).replace(/^-(0\.0000)$/, "$1"));
    }), { seed: 20261202, numRuns: 2000 });
  });
});

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

