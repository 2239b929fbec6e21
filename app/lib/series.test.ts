import { describe, expect, it } from "vitest";

import { bucketSeries, describePartial, grainFor, type DayPoint } from "./series";

const days = (from: string, count: number, value = "1.10"): DayPoint[] =>
  Array.from({ length: count }, (_, i) => ({
    day: new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
    netSales: value, totalSales: value, grossProfit: "0.10", orders: 1,
  }));

describe("chart buckets", () => {
  it("keeps days up to three months, then weeks, then months", () => {
    expect(grainFor(7)).toBe("day");
    expect(grainFor(92)).toBe("day");
    expect(grainFor(93)).toBe("week");
    expect(grainFor(365)).toBe("week");
    expect(grainFor(1827)).toBe("month");
  });

  it("passes days through with their labels", () => {
    const points = bucketSeries(days("2026-03-01", 3));
    expect(points.map((p) => [p.start, p.label, p.longLabel, p.netSales])).toEqual([
      ["2026-03-01", "Mar 1", "Mar 1, 2026", "1.10"],
      ["2026-03-02", "Mar 2", "Mar 2, 2026", "1.10"],
      ["2026-03-03", "Mar 3", "Mar 3, 2026", "1.10"],
    ]);
  });

  it("sums ISO weeks (Monday first) exactly, with partial weeks at the ends", () => {
    // 2026-03-01 is a Sunday.
    const points = bucketSeries(days("2026-03-01", 10), "week");
    expect(points.map((p) => [p.start, p.end, p.netSales, p.grossProfit, p.orders])).toEqual([
      ["2026-03-01", "2026-03-01", "1.10", "0.10", 1],
      ["2026-03-02", "2026-03-08", "7.70", "0.70", 7],
      ["2026-03-09", "2026-03-10", "2.20", "0.20", 2],
    ]);
    expect(points[1]!.longLabel).toBe("Mar 2 – 8, 2026");
  });

  it("sums months without float drift over five years", () => {
    const points = bucketSeries(days("2021-01-01", 1826, "0.10"));
    expect(points).toHaveLength(60);
    expect(points[0]).toMatchObject({ label: "Jan 2021", netSales: "3.10", orders: 31 });
    expect(points[1]).toMatchObject({ label: "Feb 2021", netSales: "2.80" });
  });

  it("marks the buckets cut by the period's edges as partial, and only those", () => {
    // Five years ending on Dec 2, 2026: the last month holds 2 of its 31 days.
    const points = bucketSeries(days("2021-12-03", 1826, "0.10"));
    const last = points.at(-1)!;
    expect(last).toMatchObject({ label: "Dec 2026", days: 2, fullDays: 31, partial: true, netSales: "0.20" });
    expect(describePartial(last)).toBe("Dec 1 – 2, 2026 (2 of 31 days)");
    // On a live dashboard today is still filling: its bucket is partial, a single day too.
    const live = bucketSeries(days("2026-11-03", 30), "day", "2026-12-02");
    expect(live.filter((p) => p.partial).map(describePartial)).toEqual(["Dec 2, 2026 (in progress)"]);
    expect(bucketSeries(days("2021-12-03", 1826), undefined, "2026-12-02").at(-1)).toMatchObject({ inProgress: true, partial: true });
    expect(describePartial(bucketSeries(days("2021-12-03", 1826), undefined, "2026-12-02").at(-1)!)).toBe("Dec 1 – 2, 2026 (2 of 31 days, in progress)");
    expect(points[0]).toMatchObject({ label: "Dec 2021", days: 29, fullDays: 31, partial: true });
    expect(points.slice(1, -1).every((p) => !p.partial && p.days === p.fullDays)).toBe(true);
    // February in a leap year is whole at 29 days.
    expect(points.find((p) => p.label === "Feb 2024")).toMatchObject({ days: 29, fullDays: 29, partial: false });
    // Weeks: the Sunday alone and the two-day tail are partial; days never are.
    expect(bucketSeries(days("2026-03-01", 10), "week").map((p) => p.partial)).toEqual([true, false, true]);
    expect(bucketSeries(days("2026-03-01", 3)).some((p) => p.partial)).toBe(false);
  });
});
