import Big from "big.js";
import { describe, expect, it } from "vitest";

import { buildHourPoints, hourLabel, hourSlots, type HourSums } from "./hourly";

const sum = (values: string[]) => values.reduce((s, v) => s.plus(v), new Big(0)).toFixed(2);

describe("a single day's hours on the shop's clock", () => {
  it("has 24 hours, 0 to 23, starting at the shop's midnight", () => {
    const slots = hourSlots("2026-06-15", "America/New_York");
    expect(slots).toHaveLength(24);
    expect(slots.map((s) => s.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(new Date(slots[0]!.start).toISOString()).toBe("2026-06-15T04:00:00.000Z");
    expect(slots.some((s) => s.repeated)).toBe(false);
    // A zone half an hour off UTC: its hours still start on its own clock's hour.
    expect(new Date(hourSlots("2026-06-15", "Asia/Kolkata")[0]!.start).toISOString()).toBe("2026-06-14T18:30:00.000Z");
  });

  it("has 23 hours when the clocks go forward (no 2 AM) and 25 when they go back (1 AM twice, named)", () => {
    const spring = hourSlots("2026-03-08", "America/New_York");
    expect(spring).toHaveLength(23);
    expect(spring.map((s) => s.hour)).not.toContain(2);
    expect(spring.map((s) => s.hour).slice(0, 4)).toEqual([0, 1, 3, 4]);
    const fall = hourSlots("2026-11-01", "America/New_York");
    expect(fall).toHaveLength(25);
    expect(fall.map((s) => s.hour).slice(0, 4)).toEqual([0, 1, 1, 2]);
    expect(fall.filter((s) => s.repeated).map((s) => s.hour)).toEqual([1]);
    const points = buildHourPoints("2026-11-01", "America/New_York", [], new Date("2027-01-01T00:00:00Z"));
    expect(points.map((p) => p.label).slice(0, 4)).toEqual(["12 AM", "1 AM", "1 AM (2nd)", "2 AM"]);
    expect(points[2]!.longLabel).toBe("Nov 1, 2026, 1 AM, the second time (clocks went back)");
    // Europe goes back on its own Sunday.
    expect(hourSlots("2026-10-25", "Europe/Berlin")).toHaveLength(25);
    expect(hourSlots("2026-11-01", "Europe/Berlin")).toHaveLength(24);
  });

  it("labels hours with fixed text", () => {
    expect([0, 1, 11, 12, 13, 23].map(hourLabel)).toEqual(["12 AM", "1 AM", "11 AM", "12 PM", "1 PM", "11 PM"]);
  });

  it("adds up to the day's totals to the cent, however the four-decimal sums round", () => {
    // Every hour 0.3333: rounded hour by hour they would make 24 × 0.33 = 7.92, the day is 8.00 (7.9992).
    const sums: HourSums[] = Array.from({ length: 24 }, (_, slot) => ({
      slot, netSales: "0.3333", netSalesWithCost: "0.2225", cogs: "0.1115", orders: slot % 3 === 0 ? 1 : 0,
    }));
    const points = buildHourPoints("2026-06-15", "America/New_York", sums, new Date("2027-01-01T00:00:00Z"));
    expect(sum(points.map((p) => p.netSales))).toBe("8.00");
    // Gross profit as metrics.ts makes the day's: with cost 5.34 (5.3400) − COGS 2.68 (2.6760).
    expect(sum(points.map((p) => p.grossProfit))).toBe("2.66");
    expect(points.reduce((n, p) => n + p.orders, 0)).toBe(8);
    // No hour is more than a cent from its own exact figure.
    for (const p of points) expect(Math.abs(Number(p.netSales) - 0.3333)).toBeLessThan(0.01);
    // Not every hour was rounded down.
    expect(new Set(points.map((p) => p.netSales))).toEqual(new Set(["0.33", "0.34"]));
  });

  it("sums negative hours (returns) and a 25-hour day exactly, and nothing past the day's last hour is dropped", () => {
    const sums: HourSums[] = [
      { slot: 0, netSales: "10.0050", netSalesWithCost: "10.0050", cogs: "4.0000", orders: 1 },
      { slot: 2, netSales: "-3.0050", netSalesWithCost: "-3.0050", cogs: "-1.0000", orders: 0 },
      { slot: 24, netSales: "1.0000", netSalesWithCost: "0", cogs: "0", orders: 1 },
      { slot: 30, netSales: "0.5000", netSalesWithCost: "0", cogs: "0", orders: 0 },
    ];
    const points = buildHourPoints("2026-11-01", "America/New_York", sums, new Date("2027-01-01T00:00:00Z"));
    expect(points).toHaveLength(25);
    expect(points.map((p) => p.netSales).slice(0, 3)).toEqual(["10.01", "0.00", "-3.01"]);
    expect(sum(points.map((p) => p.netSales))).toBe("8.50");
    expect(points[24]).toMatchObject({ netSales: "1.50", orders: 1 });
    expect(sum(points.map((p) => p.grossProfit))).toBe("4.00");
  });

  it("marks the hour in progress and the hours not reached yet", () => {
    // 3:30 PM in New York on a summer day.
    const points = buildHourPoints("2026-06-15", "America/New_York", [], new Date("2026-06-15T19:30:00Z"));
    expect(points.findIndex((p) => p.inProgress)).toBe(15);
    expect(points.filter((p) => p.inProgress)).toHaveLength(1);
    expect(points.findIndex((p) => p.future)).toBe(16);
    expect(points.filter((p) => p.future)).toHaveLength(8);
  });
});
