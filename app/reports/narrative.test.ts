import { describe, expect, it } from "vitest";

import type { ReportData } from "./build.server";
import { writeLocalNarrative } from "./local-narrative";
import { computeMetrics, emptyComponents } from "./metrics";
import { CHANGE_RULE } from "./change";
import { bucketDays, bucketProducts, cleanTitle, NarrativeInputSchema, NarrativeSchema, toNarrativeInput } from "./narrative";
import { SYSTEM_PROMPT } from "./narrative-prompt";
import { nextWeeklyOccurrence, zonedTimeToUtc } from "./zoned-time";

const metrics = (overrides: Partial<ReturnType<typeof computeMetrics>> = {}) => ({ ...computeMetrics(emptyComponents()), ...overrides });

function report(overrides: Partial<ReportData> = {}): ReportData {
  return {
    range: { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" },
    currencyCode: "USD",
    current: metrics({ grossSales: "1200.00", discounts: "-100.00", returns: "-150.00", netSales: "950.00", totalSales: "1100.00", orders: 20, units: 31, averageOrderValue: "55.00", cogs: "400.00", grossProfit: "550.00", grossMarginPercent: "57.89", costCoveragePercent: "100.00", backfilledCostPercent: "0.00" }),
    previous: metrics({ netSales: "800.00", returns: "-100.00", discounts: "-100.00", orders: 16, grossMarginPercent: "61.00" }),
    changes: { netSales: "18.75", orders: "25.00", averageOrderValue: null },
    series: ["01", "02", "03", "04", "05", "06", "07"].map((d, i) => ({ day: `2026-03-${d}`, netSales: `${100 + i}.00`, totalSales: "0.00", grossProfit: "10.00", orders: [6, 1, 2, 3, 0, 7, 1][i]! })),
    topProducts: [
      { productId: "101", title: "Linen Shirt", netSales: "600.00", grossProfit: "300.00", units: 12, grossMarginPercent: "50.00" },
      { productId: "102", title: "Wool Scarf", netSales: "200.00", grossProfit: "90.00", units: 3, grossMarginPercent: "45.00" },
      { productId: "103", title: "Mug", netSales: "50.00", grossProfit: "20.00", units: 1, grossMarginPercent: "40.00" },
    ],
    ...overrides,
  };
}

describe("narrative input", () => {
  it("copies aggregates only: no product ids, merged small days and products", () => {
    const input = toNarrativeInput(report());
    expect(JSON.stringify(input)).not.toMatch(/"productId"|"10[123]"/);
    expect(input.topProducts.products.map((p) => p.title)).toEqual(["Linen Shirt"]);
    // Scarf (3) + Mug (1) = 4 units < 5: the "other" bucket is dropped, and says so.
    expect(input.topProducts).toMatchObject({ otherProducts: null, droppedProducts: 2 });
    expect(input.comparison).toMatchObject({ label: "Previous period", days: 7 });
    // Recomputed from the figures under change.ts's rule, whatever the snapshot stored:
    // returns went from −100 to −150, which is +50%.
    expect(input.changesPercent).toEqual({
      grossSales: null, discounts: "0.00", returns: "50.00", netSales: "18.75", totalSales: null, grossProfit: null,
      averageOrderValue: null, cogs: null, units: null, orders: "25.00",
    });
  });

  it("tells the model the sign rule and the profit basis", () => {
    expect(SYSTEM_PROMPT).toContain(CHANGE_RULE);
    expect(SYSTEM_PROMPT).toContain("gross profit = netSalesWithCost - cogs");
    expect(SYSTEM_PROMPT).toContain("never gross profit / net sales");
    expect(SYSTEM_PROMPT).toMatch(/comparisonMetrics" is null, the comparison period has no data/);
  });

  it("sends no comparison figures or changes when the comparison period has no data", () => {
    const input = toNarrativeInput(report({ previous: metrics() }));
    expect(input.comparison).toMatchObject({ label: "Previous period" });
    expect(input.comparisonMetrics).toBeNull();
    expect(input.changesPercent).toEqual({});
  });

  it("sends each product's profit basis, never its id", () => {
    const row = { productId: "101", title: "Linen Shirt", netSales: "600.00", netSalesWithCost: "400.00", netSalesWithoutCost: "200.00", cogs: "100.00", grossProfit: "300.00", units: 12, grossMarginPercent: "75.00" };
    const input = toNarrativeInput(report({ topProducts: [row] }));
    expect(input.topProducts.products).toEqual([{ title: "Linen Shirt", netSales: "600.00", netSalesWithCost: "400.00", netSalesWithoutCost: "200.00", cogs: "100.00", grossProfit: "300.00", units: 12, grossMarginPercent: "75.00" }]);
  });

  it("merges consecutive days until each bucket has at least 5 orders; a short tail joins the last bucket", () => {
    const { buckets, mergedDays } = bucketDays(report().series);
    expect(buckets).toEqual([
      { from: "2026-03-01", to: "2026-03-01", days: 1, orders: 6, netSales: "100.00", grossProfit: "10.00" },
      { from: "2026-03-02", to: "2026-03-04", days: 3, orders: 6, netSales: "306.00", grossProfit: "30.00" },
      { from: "2026-03-05", to: "2026-03-07", days: 3, orders: 8, netSales: "315.00", grossProfit: "30.00" },
    ]);
    expect(mergedDays).toBe(6);
    for (const bucket of buckets) expect(bucket.orders).toBeGreaterThanOrEqual(5);
    // Fewer than 5 orders in the whole period: no breakdown at all.
    expect(bucketDays(report().series.map((p) => ({ ...p, orders: 0 }))).buckets).toEqual([]);
  });

  it("keeps an 'other products' bucket only when it reaches 5 units", () => {
    const rows = report().topProducts.map((p) => ({ ...p, units: 3 }));
    expect(bucketProducts(rows)).toEqual({ products: [], otherProducts: { products: 3, units: 9, netSales: "850.00", grossProfit: "410.00" }, droppedProducts: 0 });
  });

  it("is strict: an extra key anywhere throws", () => {
    const input = toNarrativeInput(report());
    expect(() => NarrativeInputSchema.parse({ ...input, note: "x" })).toThrow();
    expect(() => NarrativeInputSchema.parse({ ...input, metrics: { ...input.metrics, email: "a@b.c" } })).toThrow();
    expect(() => NarrativeInputSchema.parse({ ...input, topProducts: { ...input.topProducts, products: [{ ...input.topProducts.products[0], productId: "1" }] } })).toThrow();
    // A snapshot with a stray field is copied field by field: the stray field never arrives.
    const drifted = { ...report(), customerEmail: "jane@example.com", current: { ...report().current, note: "leave at door" } } as ReportData;
    expect(JSON.stringify(toNarrativeInput(drifted))).not.toMatch(/jane@example.com|leave at door/);
  });

  it("cleans titles: control characters out, 120 characters at most", () => {
    expect(cleanTitle("Shirt\n\u0000Blue\u2028 ")).toBe("Shirt Blue");
    expect([...cleanTitle("x".repeat(500))]).toHaveLength(120);
    expect(cleanTitle("   ")).toBe("Untitled product");
  });
});

describe("net profit in the narrative input (v3)", () => {
  const net = (gp: string, fees: string, est: string, ship: string, custom: string, netProfit: string) =>
    ({ grossProfit: gp, paymentFees: fees, paymentFeesActual: (Number(fees) - Number(est)).toFixed(2), paymentFeesEstimated: est, unratedTransactions: 0, shippingCosts: ship, customCosts: custom, netProfit });
  const withNet = () => report({
    current: { ...report().current, ...net("550.00", "40.00", "12.00", "60.00", "300.00", "150.00") },
    previous: { ...report().previous!, ...net("500.00", "30.00", "0.00", "50.00", "100.00", "320.00") },
    series: report().series.map((p) => ({ ...p, netProfit: "-2.50" })),
  });

  it("sends net profit, its expenses and their changes, and splits the change into what moved it", () => {
    const input = toNarrativeInput(withNet());
    expect(input.inputVersion).toBe(4);
    expect(input.metrics).toMatchObject({ netProfit: "150.00", paymentFees: "40.00", paymentFeesEstimated: "12.00", shippingCosts: "60.00", customCosts: "300.00" });
    expect(input.changesPercent).toMatchObject({ netProfit: "-53.13", paymentFees: "33.33", shippingCosts: "20.00", customCosts: "200.00" });
    // −170 = +50 (gross profit) −10 (fees) −10 (shipping) −200 (custom costs): custom costs moved it most.
    expect(input.netProfitDrivers).toEqual({
      netProfitChange: "-170.00",
      effects: { grossProfit: "50.00", paymentFees: "-10.00", shippingCosts: "-10.00", customCosts: "-200.00" },
      largest: "customCosts",
    });
    const e = input.netProfitDrivers!.effects;
    expect((Number(e.grossProfit) + Number(e.paymentFees) + Number(e.shippingCosts) + Number(e.customCosts)).toFixed(2)).toBe(input.netProfitDrivers!.netProfitChange);
    expect(input.dailySales.buckets[0]).toMatchObject({ netProfit: "-2.50" });
  });

  it("reads a snapshot saved before net profit without inventing it", () => {
    const input = toNarrativeInput(report());
    expect(input.metrics.netProfit).toBeUndefined();
    expect(input.changesPercent).not.toHaveProperty("netProfit");
    expect(input.netProfitDrivers).toBeNull();
    expect(input.dailySales.buckets[0]).not.toHaveProperty("netProfit");
    expect(JSON.stringify(writeLocalNarrative(input))).not.toMatch(/net profit/i);
  });

  it("the local writer explains net profit and names the expense that moved it; the prompt explains the drivers", () => {
    const n = writeLocalNarrative(toNarrativeInput(withNet()));
    const insight = n.insights.find((i) => i.metric === "netProfitDrivers");
    expect(insight?.text).toBe(
      "Net profit was $150.00: gross profit of $550.00, less $40.00 of payment fees ($12.00 of the fees estimated from your rates), $60.00 of shipping costs and $300.00 of custom costs, down 53.1% on the previous period. " +
      "The biggest mover against the previous period was higher custom costs (−$200.00 on net profit).",
    );
    expect(SYSTEM_PROMPT).toContain("netProfitDrivers");
    expect(SYSTEM_PROMPT).toContain("paymentFeesEstimated");
  });
});

describe("local narrative", () => {
  it("is deterministic and valid, and cites only known metrics", () => {
    const input = toNarrativeInput(report());
    const a = writeLocalNarrative(input);
    expect(writeLocalNarrative(structuredClone(input))).toEqual(a);
    expect(NarrativeSchema.parse(a)).toEqual(a);
    // The fixture's previous week has no gross sales, so its change is all order size (drivers).
    expect(a.headline).toBe("Net sales of $950.00 from 20 orders, up 18.8% on the previous period, mostly from larger orders.");
    expect(a.insights.length).toBeGreaterThanOrEqual(3);
    expect(a.risks).toContain("Returns are 12.5% of gross sales.");
    expect(a.risks).toContain("Gross margin slipped from 61.00% to 57.89%.");
  });

  it("writes something sensible for an empty period", () => {
    const empty = writeLocalNarrative(toNarrativeInput(report({ current: metrics(), previous: null, changes: {}, topProducts: [], series: [] })));
    expect(empty.headline).toBe("No sales were recorded in this period.");
    expect(empty.insights.length).toBeGreaterThanOrEqual(3);
  });
});

describe("shop-local schedule", () => {
  it("turns a wall-clock hour in the shop's zone into an instant, across DST", () => {
    expect(zonedTimeToUtc("2026-01-12", 8, "America/New_York").toISOString()).toBe("2026-01-12T13:00:00.000Z");
    expect(zonedTimeToUtc("2026-07-13", 8, "America/New_York").toISOString()).toBe("2026-07-13T12:00:00.000Z");
    expect(zonedTimeToUtc("2026-03-30", 0, "Asia/Kolkata").toISOString()).toBe("2026-03-29T18:30:00.000Z");
  });

  it("finds the next weekday at the local hour, strictly after now", () => {
    // Monday 12 Jan 2026, 07:59 in New York → the same day 08:00.
    const before = new Date("2026-01-12T12:59:00Z");
    expect(nextWeeklyOccurrence(before, "America/New_York", 1, 8)).toEqual({ at: new Date("2026-01-12T13:00:00Z"), localDay: "2026-01-12" });
    // At 08:00 exactly → next Monday.
    expect(nextWeeklyOccurrence(new Date("2026-01-12T13:00:00Z"), "America/New_York", 1, 8).localDay).toBe("2026-01-19");
    // Sunday 8 March 2026 is the spring-forward day in New York: 08:00 EDT is 12:00 UTC.
    expect(nextWeeklyOccurrence(new Date("2026-03-07T00:00:00Z"), "America/New_York", 0, 8).at.toISOString()).toBe("2026-03-08T12:00:00.000Z");
  });
});
