import Big from "big.js";
import { describe, expect, it } from "vitest";

import type { ReportData } from "./build.server";
import { CHANGE_RULE } from "./change";
import { writeLocalNarrative } from "./local-narrative";
import { computeMetrics, emptyComponents, type Metrics } from "./metrics";
import { toNarrativeInput, type NarrativeInput } from "./narrative";
import { noiseBand, type ProductMove } from "./narrative-drivers";
import { SYSTEM_PROMPT } from "./narrative-prompt";
import { topDriverLine } from "./narrative-story";

const metrics = (m: Partial<Metrics>): Metrics => ({ ...computeMetrics(emptyComponents()), ...m });
const sum = (values: string[]) => values.reduce((a, v) => a.plus(v), new Big(0)).toFixed(2);
const usd = (amount: string) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(amount as unknown as number);

/** 7 days of net sales alternating a and b (standard deviation ≈ |a − b| / 2). */
const week = (a: string, b: string) =>
  ["01", "02", "03", "04", "05", "06", "07"].map((d, i) => ({ day: `2026-03-${d}`, netSales: i % 2 ? b : a, totalSales: "0.00", grossProfit: i % 2 ? b : a, orders: 15 }));

/**
 * The story of issue 13: orders up 8%, but smaller orders (gross sales per order down
 * 6.5%) and returns up 13.5%, so net sales fell. Previous: 100 orders, $10,000 gross,
 * −$500 discounts, −$1,000 returns = $8,500. Now: 108 orders, $10,100 gross, −$500,
 * −$1,135 = $8,465.
 */
function story(overrides: Partial<ReportData> = {}): ReportData {
  return {
    range: { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" },
    currencyCode: "USD",
    current: metrics({
      grossSales: "10100.00", discounts: "-500.00", returns: "-1135.00", netSales: "8465.00", orders: 108, units: 300, averageOrderValue: "88.89",
      netSalesWithCost: "8000.00", netSalesWithoutCost: "465.00", cogs: "4400.00", grossProfit: "3600.00", grossMarginPercent: "45.00", costCoveragePercent: "94.51",
    }),
    previous: metrics({
      grossSales: "10000.00", discounts: "-500.00", returns: "-1000.00", netSales: "8500.00", orders: 100, units: 280, averageOrderValue: "95.00",
      netSalesWithCost: "8500.00", netSalesWithoutCost: "0.00", cogs: "4675.00", grossProfit: "3825.00", grossMarginPercent: "45.00", costCoveragePercent: "100.00",
    }),
    changes: {},
    series: week("1200.00", "1202.00"),
    topProducts: [
      { productId: "1", title: "Willow Journal", netSales: "4000.00", netSalesWithCost: "3700.00", netSalesWithoutCost: "300.00", cogs: "2000.00", grossProfit: "1700.00", units: 80, grossMarginPercent: "45.95" },
      { productId: "2", title: "Linen Shirt", netSales: "2000.00", netSalesWithCost: "1835.00", netSalesWithoutCost: "165.00", cogs: "1000.00", grossProfit: "835.00", units: 40, grossMarginPercent: "45.50" },
      { productId: "3", title: "Tiny Pin", netSales: "20.00", netSalesWithCost: "0.00", netSalesWithoutCost: "20.00", cogs: "0.00", grossProfit: "0.00", units: 2, grossMarginPercent: null },
    ],
    productMoves: [
      { productId: "1", title: "Willow Journal", netSales: "4000.00", units: 80, previousNetSales: "3100.00", previousUnits: 62 },
      { productId: "2", title: "Linen Shirt", netSales: "2000.00", units: 40, previousNetSales: "2900.55", previousUnits: 58 },
      { productId: "4", title: "Gone Candle", netSales: "0.00", units: 0, previousNetSales: "300.00", previousUnits: 12 },
      // A small cell (3 units before): never named, it stays in "all other products".
      { productId: "3", title: "Tiny Pin", netSales: "20.00", units: 2, previousNetSales: "900.00", previousUnits: 3 },
    ],
    ...overrides,
  };
}

const drivers = (data: ReportData) => toNarrativeInput(data).drivers!;

describe("drivers: exact splits", () => {
  it("splits net sales' change into orders, order size, discounts and returns, summing exactly and ranked by size", () => {
    const d = drivers(story());
    expect(d.netSales.change).toBe("-35.00");
    // orders: 8 × ($100.00 + $93.518518…) / 2 = $774.07; order size: $100.00 − $774.07.
    expect(d.netSales.parts).toEqual([
      { driver: "orders", effect: "774.07" },
      { driver: "orderSize", effect: "-674.07" },
      { driver: "returns", effect: "-135.00" },
    ]);
    // Discounts did not move: a zero part is not listed.
    expect(d.netSales.parts.map((p) => p.driver)).not.toContain("discounts");
    expect(sum(d.netSales.parts.map((p) => p.effect))).toBe(d.netSales.change);
  });

  it("sums to the cent on awkward figures, whatever the rounding of each part", () => {
    for (const [o0, o1, g0, g1] of [[7, 9, "1000.01", "1333.33"], [3, 1, "99.99", "0.01"], [1, 0, "10.00", "0.00"], [0, 5, "0.00", "77.77"]] as const) {
      const data = story({
        current: metrics({ grossSales: g1, discounts: "-0.33", returns: "-0.01", netSales: new Big(g1).minus("0.34").toFixed(2), orders: o1, netSalesWithCost: "10.01", grossProfit: "3.33" }),
        previous: metrics({ grossSales: g0, discounts: "-0.10", returns: "0.00", netSales: new Big(g0).minus("0.10").toFixed(2), orders: o0, units: 1, netSalesWithCost: "7.77", grossProfit: "1.11" }),
      });
      const d = drivers(data);
      expect(sum(d.netSales.parts.map((p) => p.effect))).toBe(d.netSales.change);
      expect(sum(d.grossProfit.parts.map((p) => p.effect))).toBe(d.grossProfit.change);
      expect(sum([...d.products!.moved.map((p) => p.change), d.products!.restChange])).toBe(d.netSales.change);
    }
  });

  it("splits gross profit's change into sales with a cost (at the old margin) and margin", () => {
    const d = drivers(story());
    // −$225.00 = −$500.00 of sales with cost × 45% (−$225.00) + margin $0.00.
    expect(d.grossProfit).toMatchObject({ change: "-225.00", parts: [{ driver: "salesWithCost", effect: "-225.00" }] });
  });
});

describe("drivers: products and cost gaps", () => {
  it("names the products that moved most with their change; small cells stay in the rest", () => {
    const { products } = drivers(story());
    expect(products!.moved).toEqual([
      { title: "Linen Shirt", netSales: "2000.00", previousNetSales: "2900.55", change: "-900.55" },
      { title: "Willow Journal", netSales: "4000.00", previousNetSales: "3100.00", change: "900.00" },
      { title: "Gone Candle", netSales: "0.00", previousNetSales: "300.00", change: "-300.00" },
    ]);
    expect(JSON.stringify(products)).not.toContain("Tiny Pin");
    // −35.00 − (−900.55 + 900.00 − 300.00) = 265.55, Tiny Pin's −880 among it.
    expect(products!.restChange).toBe("265.55");
  });

  it("lists at most five movers, and none from a snapshot saved without product moves", () => {
    const many: ProductMove[] = Array.from({ length: 8 }, (_, i) => ({ productId: `${i}`, title: `P${i}`, netSales: `${100 * (i + 1)}.00`, units: 9, previousNetSales: "0.00", previousUnits: 0 }));
    expect(drivers(story({ productMoves: many })).products!.moved.map((p) => p.title)).toEqual(["P7", "P6", "P5", "P4", "P3"]);
    expect(drivers(story({ productMoves: undefined })).products).toBeNull();
  });

  it("names the products without a cost, biggest gap first, never a small cell", () => {
    const input = toNarrativeInput(story());
    expect(input.costGaps).toEqual({
      netSalesWithoutCost: "465.00",
      products: [{ title: "Willow Journal", netSalesWithoutCost: "300.00" }, { title: "Linen Shirt", netSalesWithoutCost: "165.00" }],
    });
    // Every sale costed: no gaps, whether or not there is a comparison.
    expect(toNarrativeInput(story({ current: { ...story().current, netSalesWithoutCost: "0.00" } })).costGaps).toBeNull();
    expect(toNarrativeInput(story({ previous: null, range: { ...story().range, compare: null, compareMode: "none" } })).costGaps).not.toBeNull();
  });
});

describe("drivers: noise", () => {
  it("is twice the spread day-to-day variation gives a difference of two totals: 2 · s · √(n + m)", () => {
    // 100, 120, … , 110: mean 110, squares 600, s = √(600 / 6) = 10; 7 + 7 days.
    const band = noiseBand(["100", "120", "100", "120", "100", "120", "110"], 7)!;
    expect(band.toFixed(2)).toBe(new Big(20).times(new Big(14).sqrt()).toFixed(2));
    expect(band.toFixed(2)).toBe("74.83");
    // Too few days to judge.
    expect(noiseBand(["100", "120", "100", "120", "100", "120"], 7)).toBeNull();
  });

  it("calls a change smaller than the band noise, and a larger one not", () => {
    const series = ["100.00", "120.00", "100.00", "120.00", "100.00", "120.00", "110.00"].map((v, i) => ({ ...week("0", "0")[i]!, netSales: v }));
    const withChange = (change: string) =>
      drivers(story({ series, current: { ...story().current, netSales: new Big("8500.00").plus(change).toFixed(2), returns: new Big("-1000.00").plus(change).toFixed(2) } })).netSales;
    expect(withChange("70.00")).toMatchObject({ change: "70.00", noiseBand: "74.83", withinNoise: true });
    expect(withChange("-74.84")).toMatchObject({ withinNoise: false });
    // A short period cannot say.
    expect(drivers(story({ series: series.slice(0, 3) })).netSales).toMatchObject({ noiseBand: null, withinNoise: null });
  });
});

describe("the local writer tells the story", () => {
  const write = (data: ReportData) => writeLocalNarrative(toNarrativeInput(data));

  it("returns up while orders up and order size down: leads with the drivers, largest first", () => {
    const n = write(story());
    expect(n.headline).toBe("Net sales of $8,465.00 from 108 orders, down 0.4% on the previous period, mostly from smaller orders (gross sales per order down 6.5%).");
    expect(n.insights[0]).toEqual({
      metric: "drivers",
      text: "Net sales fell $35.00 (down 0.4%) on the previous period. What moved it, largest first: 8 more orders (up 8%, +$774.07), " +
        "smaller orders (gross sales per order down 6.5%, −$674.07) and more returns (up 13.5%, −$135.00).",
    });
    expect(n.insights[1]).toEqual({
      metric: "topProducts",
      text: "The products whose net sales moved most: Linen Shirt −$900.55 ($2,000.00, from $2,900.55), Willow Journal +$900.00 ($4,000.00, from $3,100.00) " +
        "and Gone Candle −$300.00 ($0.00, from $300.00); all other products together +$265.55.",
    });
    const all = JSON.stringify(n);
    expect(all).not.toMatch(/strongest stretch|Tiny Pin/);
    expect(all).not.toMatch(/returns \(down/);
  });

  it("calls a change within normal noise noise, without a story of products", () => {
    const n = write(story({ series: week("1000.00", "1100.00") }));
    expect(n.headline).toBe("Net sales of $8,465.00 from 108 orders, down 0.4% on the previous period: within normal day-to-day variation.");
    expect(n.insights[0]!.text).toMatch(/^Net sales fell \$35\.00 \(down 0\.4%\) on the previous period, within normal day-to-day variation \(day-to-day swings alone would move it by up to \$[\d,.]+\): treat it as noise, not a trend\.$/);
    expect(JSON.stringify(n)).not.toMatch(/mostly from|What moved it|moved most/);
  });

  it("names the products without a cost, in the insight and the action", () => {
    const n = write(story());
    expect(n.insights.find((i) => i.metric === "costGaps")?.text).toBe(
      "$465.00 of net sales has no recorded cost, so its profit is not counted; most of it is Willow Journal ($300.00 without a cost) and Linen Shirt ($165.00 without a cost).",
    );
    expect(n.actions[0]).toBe("Add unit costs on the Costs page for Willow Journal, Linen Shirt, so profit covers their sales.");
    expect(n.actions.join(" ")).not.toContain("for the products that have none");
  });

  it("keeps long product titles within the schema's lengths", () => {
    const long = "L".repeat(120);
    const moves = story().productMoves!.map((p, i) => ({ ...p, title: `${long}${i}`, units: 50, previousUnits: 50 }));
    const tops = story().topProducts.map((p, i) => ({ ...p, title: `${long}${i}`, units: 50 }));
    expect(() => write(story({ productMoves: moves, topProducts: tops }))).not.toThrow();
  });

  it("gives the weekly email one line: the top driver, or that it is noise", () => {
    const line = (data: ReportData) => topDriverLine(toNarrativeInput(data), usd);
    expect(line(story())).toBe("Net sales fell $35.00 on the previous period, mostly from smaller orders (gross sales per order down 6.5%, −$674.07); Linen Shirt moved most (−$900.55).");
    expect(line(story({ series: week("1000.00", "1100.00") }))).toMatch(/^Net sales fell \$35\.00 on the previous period, within normal day-to-day variation/);
    expect(line(story({ previous: null, range: { ...story().range, compare: null, compareMode: "none" } }))).toBeNull();
  });
});

describe("the prompt", () => {
  it("tells Claude to lead with the drivers, name products, use the sign rule and call noise noise", () => {
    expect(SYSTEM_PROMPT).toContain(CHANGE_RULE);
    expect(SYSTEM_PROMPT).toContain("Lead with what explains the change most");
    expect(SYSTEM_PROMPT).toContain("Name the products that moved most");
    expect(SYSTEM_PROMPT).toMatch(/"withinNoise" is true, say the change is within normal day-to-day variation \(noise\)/);
    expect(SYSTEM_PROMPT).toContain("costGaps");
    expect(SYSTEM_PROMPT).toMatch(/Never single out one day/);
  });

  it("the input carries the drivers and says what version it is", () => {
    const input: NarrativeInput = toNarrativeInput(story());
    expect(input.inputVersion).toBe(4);
    expect(Object.keys(input)).toEqual(expect.arrayContaining(["drivers", "costGaps", "netProfitDrivers"]));
  });
});
