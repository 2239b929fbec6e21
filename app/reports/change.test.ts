import { describe, expect, it } from "vitest";

import { CHANGE_KEYS, changeInWords, changePercent, changesOf, computeChanges, hasComparisonData, isLowerBetter } from "./change";
import { computeMetrics, emptyComponents, sumComponents } from "./metrics";

const metrics = (over: Partial<ReturnType<typeof emptyComponents>>) => computeMetrics(sumComponents([{ ...emptyComponents(), ...over }]));

describe("the change sign rule", () => {
  it("gives a positive change when a figure got bigger, deductions included", () => {
    expect(changePercent("netSales", "120", "100")).toBe("20.00");
    expect(changePercent("netSales", "80", "100")).toBe("-20.00");
    // Returns went from −$1,000 to −$1,135: more was returned, +13.5%, not −13.5%.
    expect(changePercent("returns", "-1135.00", "-1000.00")).toBe("13.50");
    expect(changePercent("discounts", "-97.30", "-100.00")).toBe("-2.70");
    // Any other figure keeps its sign: net sales climbing out of a loss is up.
    expect(changePercent("netSales", "-50", "-100")).toBe("50.00");
  });

  it("has no change without a comparison figure or from zero", () => {
    expect(changePercent("netSales", "10", "0")).toBeNull();
    expect(changePercent("returns", "-10", "0.00")).toBeNull();
    expect(changePercent("averageOrderValue", "10", null)).toBeNull();
  });

  it("says which rises are bad news: costs, discounts and returns only", () => {
    expect(CHANGE_KEYS.filter(isLowerBetter)).toEqual(["discounts", "returns", "cogs", "paymentFees", "shippingCosts", "customCosts"]);
  });

  it("treats a comparison period without any figure as no data, never as zeros to compare with", () => {
    const now = metrics({ grossSales: "100", returns: "-10", orders: 2, originalNetProduct: "100" });
    expect(hasComparisonData(null)).toBe(false);
    expect(hasComparisonData(metrics({}))).toBe(false);
    expect(hasComparisonData(metrics({ returns: "-5" }))).toBe(true);
    const empty = computeChanges(now, metrics({}));
    expect(Object.keys(empty).sort()).toEqual([...CHANGE_KEYS].sort());
    expect(Object.values(empty).every((v) => v === null)).toBe(true);
    expect(computeChanges(now, null)).toEqual({});
  });

  it("recomputes an old snapshot's changes under the rule instead of trusting the stored ones", () => {
    const current = metrics({ grossSales: "200", returns: "-30", orders: 2, originalNetProduct: "200" });
    const previous = metrics({ grossSales: "100", returns: "-20", orders: 1, originalNetProduct: "100" });
    // A snapshot saved under the old rule stored returns' signed change, −50.00.
    const snapshot = { current, previous, changes: { returns: "-50.00" } };
    expect(changesOf(snapshot)).toMatchObject({ returns: "50.00", grossSales: "100.00", netSales: "112.50", orders: "100.00" });
  });

  it("says a change in words with the same sign", () => {
    expect(changeInWords(changePercent("returns", "-1135.00", "-1000.00"))).toBe("up 13.5%");
    expect(changeInWords("-2.70")).toBe("down 2.7%");
    expect(changeInWords("0.04")).toBe("unchanged");
    expect(changeInWords(null)).toBeNull();
  });
});

describe("net profit's changes", () => {
  it("read costs as positive deductions (a rise is bad) and net profit by its signed value", () => {
    expect(changePercent("paymentFees", "110.00", "100.00")).toBe("10.00");
    expect(isLowerBetter("paymentFees")).toBe(true);
    expect(isLowerBetter("netProfit")).toBe(false);
    // A loss halved: net profit got bigger.
    expect(changePercent("netProfit", "-50.00", "-100.00")).toBe("50.00");
  });
  it("has no change for a snapshot saved before net profit existed", () => {
    expect(changePercent("netProfit", undefined, "10.00")).toBeNull();
  });
});
