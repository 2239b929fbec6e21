import Big from "big.js";
import { describe, expect, it } from "vitest";

import {
  customCostOn, eachDayOf, expensesByDay, includesEstimate, netProfitFigures, rateOn, shareOfSpread, shippingCostOn, sumExpenses,
  type CustomCost, type FeeRate, type ShippingRule,
} from "./net-profit";

const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new Big(0)).toFixed(4);

describe("shareOfSpread", () => {
  it("spreads an amount over days exactly, to the ten-thousandth", () => {
    const shares = [0, 1, 2].map((i) => shareOfSpread("100", 3, i));
    expect(shares).toEqual(["33.3333", "33.3333", "33.3334"]);
    expect(sum(shares)).toBe("100.0000");
  });
  it("adds up for every month length and awkward amounts", () => {
    for (const n of [28, 29, 30, 31]) {
      for (const amount of ["0.01", "99.99", "1234.5678", "1000000"]) {
        const shares = Array.from({ length: n }, (_, i) => shareOfSpread(amount, n, i));
        expect(sum(shares)).toBe(new Big(amount).toFixed(4));
        const spread = shares.map((s) => new Big(s));
        const max = spread.reduce((a, b) => (a.gt(b) ? a : b));
        const min = spread.reduce((a, b) => (a.lt(b) ? a : b));
        expect(max.minus(min).lte("0.0001")).toBe(true);
      }
    }
  });
  it("refuses a day outside the spread", () => {
    expect(() => shareOfSpread("1", 3, 3)).toThrow(RangeError);
  });
});

describe("custom costs", () => {
  const apps: CustomCost = { kind: "monthly", amount: "310.00", startsOn: "2026-01-01", endsOn: null };
  it("charges a monthly cost over the days of each calendar month", () => {
    expect(customCostOn(apps, "2026-01-15")).toBe("10.0000");
    // February has 28 days: 310 / 28 = 11.0714…; the month adds up exactly.
    const feb = eachDayOf("2026-02-01", "2026-02-28").map((d) => customCostOn(apps, d));
    expect(sum(feb)).toBe("310.0000");
    expect(customCostOn(apps, "2025-12-31")).toBe("0.0000");
  });
  it("charges only the days of a part month that the cost covers (start and end mid-month)", () => {
    const salary: CustomCost = { kind: "monthly", amount: "3000", startsOn: "2026-04-16", endsOn: "2026-05-10" };
    const april = eachDayOf("2026-04-01", "2026-04-30").map((d) => customCostOn(salary, d));
    expect(sum(april)).toBe("1500.0000"); // 15 of 30 days
    const may = eachDayOf("2026-05-01", "2026-05-31").map((d) => customCostOn(salary, d));
    expect(sum(may)).toBe(new Big(sum(eachDayOf("2026-05-01", "2026-05-10").map((d) => shareOfSpread("3000", 31, Number(d.slice(8)) - 1)))).toFixed(4));
    expect(customCostOn(salary, "2026-05-11")).toBe("0.0000");
  });
  it("a DST day (23 or 25 hours) is one day's share like any other", () => {
    // US DST starts 2026-03-08 and ends 2026-11-01: the day's length does not matter.
    expect(customCostOn(apps, "2026-03-08")).toBe(customCostOn(apps, "2026-03-09"));
    expect(customCostOn(apps, "2026-11-01")).toBe(customCostOn(apps, "2026-11-02"));
  });
  it("books a one-off cost on its day, or spreads it over its range", () => {
    const once: CustomCost = { kind: "one_off", amount: "250.50", startsOn: "2026-03-03", endsOn: null };
    expect(customCostOn(once, "2026-03-03")).toBe("250.5000");
    expect(customCostOn(once, "2026-03-04")).toBe("0.0000");
    const fair: CustomCost = { kind: "one_off", amount: "1000", startsOn: "2026-02-27", endsOn: "2026-03-02" };
    const days = eachDayOf("2026-02-20", "2026-03-10").map((d) => customCostOn(fair, d));
    expect(sum(days)).toBe("1000.0000");
    expect(customCostOn(fair, "2026-02-27")).toBe("250.0000");
  });
});

describe("fee rates", () => {
  const rates: FeeRate[] = [
    { gateway: "PayPal", percent: "3.49", fixedAmount: "0.49", effectiveFrom: "2026-01-01" },
    { gateway: "paypal", percent: "2.99", fixedAmount: "0.49", effectiveFrom: "2026-03-01" },
  ];
  it("uses the rate in force on the day, matching the gateway's name without regard to case", () => {
    expect(rateOn(rates, "paypal", "2026-02-28")?.percent).toBe("3.49");
    expect(rateOn(rates, "paypal", "2026-03-01")?.percent).toBe("2.99");
    expect(rateOn(rates, "paypal", "2025-12-31")).toBeNull();
    expect(rateOn(rates, "stripe", "2026-03-01")).toBeNull();
  });
  it("estimates only the uncovered transactions; actual fees are taken as Shopify booked them", () => {
    const days = expensesByDay(["2026-03-01"], {
      feeDays: [
        { day: "2026-03-01", gateway: "shopify_payments", fees: "12.3400", feeTransactions: 4, uncoveredAmount: "0", uncoveredTransactions: 0 },
        { day: "2026-03-01", gateway: "paypal", fees: "0", feeTransactions: 0, uncoveredAmount: "200.00", uncoveredTransactions: 2 },
        { day: "2026-03-01", gateway: "manual", fees: "0", feeTransactions: 0, uncoveredAmount: "50.00", uncoveredTransactions: 1 },
      ],
      shippingDays: [], rates, rules: [], costs: [],
    });
    const e = days.get("2026-03-01")!;
    expect(e.actualFees).toBe("12.34");
    // 200 × 2.99% + 2 × 0.49 = 5.98 + 0.98
    expect(new Big(e.estimatedFees).toFixed(4)).toBe("6.9600");
    // No rate for "manual": its transaction's fee is unknown, never invented.
    expect(e.unratedTransactions).toBe(1);
  });
});

describe("shipping rules", () => {
  const volume = [
    { day: "2026-05-01", method: "Standard", orders: 3, units: 7 },
    { day: "2026-05-01", method: "Express", orders: 2, units: 2 },
  ];
  it("charges per order, per item and per order of a method, only on days the rule is in force", () => {
    const rules: ShippingRule[] = [
      { kind: "per_order", method: null, amount: "1.10", effectiveFrom: "2026-05-01", effectiveTo: null },
      { kind: "per_item", method: null, amount: "0.25", effectiveFrom: "2026-01-01", effectiveTo: "2026-05-01" },
      { kind: "per_method_order", method: "express", amount: "9.00", effectiveFrom: "2026-01-01", effectiveTo: null },
      { kind: "per_order", method: null, amount: "100", effectiveFrom: "2026-05-02", effectiveTo: null },
    ];
    // 5 × 1.10 + 9 × 0.25 + 2 × 9.00
    expect(shippingCostOn(rules, volume, "2026-05-01").toFixed(4)).toBe("25.7500");
    expect(shippingCostOn(rules, volume, "2026-05-02").toFixed(4)).toBe("0.0000");
  });
});

describe("net profit", () => {
  it("is gross profit − payment fees − shipping − custom, from the parts rounded to the cent", () => {
    const f = netProfitFigures("1000.00", { actualFees: "10.005", estimatedFees: "2.004", unratedTransactions: 0, shippingCosts: "33.3333", customCosts: "0.005" });
    expect(f).toMatchObject({ paymentFeesActual: "10.01", paymentFeesEstimated: "2.00", paymentFees: "12.01", shippingCosts: "33.33", customCosts: "0.01", netProfit: "954.65" });
    expect(new Big(f.netProfit).plus(f.paymentFees).plus(f.shippingCosts).plus(f.customCosts).toFixed(2)).toBe("1000.00");
    expect(includesEstimate(f)).toBe(true);
  });
  it("goes negative on a day of costs and no sales, with no estimate marker without estimates", () => {
    const f = netProfitFigures("0.00", { actualFees: "-1.50", estimatedFees: "0", unratedTransactions: 0, shippingCosts: "0", customCosts: "10" });
    expect(f.netProfit).toBe("-8.50"); // a refunded fee is a negative fee: it adds back
    expect(includesEstimate(f)).toBe(false);
  });
  it("a period's sum of days equals the days added up exactly", () => {
    const days = eachDayOf("2026-02-01", "2026-02-28");
    const map = expensesByDay(days, { feeDays: [], shippingDays: [], rates: [], rules: [], costs: [{ kind: "monthly", amount: "100", startsOn: "2026-01-01", endsOn: null }] });
    expect(new Big(sumExpenses(map.values()).customCosts).toFixed(4)).toBe("100.0000");
    // A week of February carries 7 shares of 100/28, not a quarter of "a month".
    expect(new Big(sumExpenses(days.slice(0, 7).map((d) => map.get(d)!)).customCosts).toFixed(2)).toBe("25.00");
  });
});
