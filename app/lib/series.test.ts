import { describe, expect, it } from "vitest";

import { bucketSeries, comparisonDrawn, describePartial, grainFor, hourChartPoints, withComparison, type DayPoint, type HourPoint } from "./series";

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

describe("the comparison beside the period", () => {
  const withProfit = (points: DayPoint[], netProfit: string) => points.map((p) => ({ ...p, netProfit }));

  it("faces each day with the comparison day at the same position, and says when there is none", () => {
    const period = days("2026-03-08", 3, "2.00");
    const compare = days("2026-03-05", 3, "1.00").map((p, i) => ({ ...p, netSales: ["1.00", "0.00", "3.50"][i]! }));
    const points = withComparison(bucketSeries(period), period, compare);
    expect(points.map((p) => [p.start, p.compare?.longLabel, p.compare?.netSales])).toEqual([
      ["2026-03-08", "Mar 5, 2026", "1.00"],
      ["2026-03-09", "Mar 6, 2026", "0.00"],
      ["2026-03-10", "Mar 7, 2026", "3.50"],
    ]);
    expect(comparisonDrawn(points)).toBe(true);
    // A shorter comparison (29 Feb has no twin a year earlier): the last point faces nothing.
    const short = withComparison(bucketSeries(period), period, compare.slice(0, 2));
    expect(short.map((p) => p.compare === null)).toEqual([false, false, true]);
    // No comparison at all: nothing is drawn for it.
    expect(comparisonDrawn(bucketSeries(period))).toBe(false);
  });

  it("sums a bucket's comparison over the comparison days at the bucket's positions, not their weekdays", () => {
    // 10 days from Sunday 2026-03-01 in weeks: [1 day][7 days][2 days]; the year before starts on a Saturday.
    const period = days("2026-03-01", 10);
    const compare = days("2025-03-01", 10, "0.10");
    const points = withComparison(bucketSeries(period, "week"), period, compare);
    expect(points.map((p) => [p.compare?.longLabel, p.compare?.netSales, p.compare?.orders])).toEqual([
      ["Mar 1, 2025", "0.10", 1],
      ["Mar 2 – 8, 2025", "0.70", 7],
      ["Mar 9 – 10, 2025", "0.20", 2],
    ]);
    // The comparison adds up to its period's total, bucket by bucket.
    const total = points.reduce((sum, p) => sum + Math.round(Number(p.compare!.netSales) * 100), 0);
    expect(total).toBe(100);
  });

  it("carries net profit where every day has it, and null where one lacks it (an older snapshot)", () => {
    const period = withProfit(days("2026-03-02", 7), "-0.05");
    const [week] = withComparison(bucketSeries(period, "week"), period, withProfit(days("2026-02-23", 7), "0.20"));
    expect(week).toMatchObject({ netProfit: "-0.35", compare: { netProfit: "1.40" } });
    expect(bucketSeries(days("2026-03-02", 7), "week")[0]!.netProfit).toBeNull();
  });
});

describe("a single day by the hour", () => {
  const hour = (i: number, net: string, extra: Partial<HourPoint> = {}): HourPoint => ({
    start: new Date(Date.UTC(2026, 2, 8, 5 + i)).toISOString(), label: `${i}`, longLabel: `hour ${i}`,
    netSales: net, grossProfit: "0.00", orders: 0, inProgress: false, future: false, ...extra,
  });

  it("faces each hour with the comparison day's hour at the same position; hours carry no net profit", () => {
    const current = [hour(0, "1.00"), hour(1, "2.00"), hour(2, "0.00", { future: true })];
    const compare = [hour(0, "5.00"), hour(1, "6.00")];
    const points = hourChartPoints("2026-03-08", current, compare);
    expect(points.map((p) => [p.netSales, p.compare?.netSales ?? null, p.future, p.netProfit])).toEqual([
      ["1.00", "5.00", false, null],
      ["2.00", "6.00", false, null],
      ["0.00", null, true, null],
    ]);
    expect(comparisonDrawn(hourChartPoints("2026-03-08", current, null))).toBe(false);
  });
});
