import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { splitByMonths } from "./month-split";
import { addDays } from "./period";
import { daysIn } from "./period-length";

describe("splitByMonths", () => {
  it("reads whole months from the monthly rollup and the partial edges by day", () => {
    expect(splitByMonths({ from: "2026-01-15", to: "2026-05-10" })).toEqual({
      months: { from: "2026-02-01", to: "2026-04-01" },
      days: [{ from: "2026-01-15", to: "2026-01-31" }, { from: "2026-05-01", to: "2026-05-10" }],
    });
    expect(splitByMonths({ from: "2026-02-01", to: "2026-02-28" })).toEqual({ months: { from: "2026-02-01", to: "2026-02-01" }, days: [] });
    expect(splitByMonths({ from: "2024-12-01", to: "2025-01-31" })).toEqual({ months: { from: "2024-12-01", to: "2025-01-01" }, days: [] });
    expect(splitByMonths({ from: "2026-03-02", to: "2026-03-30" })).toEqual({ months: null, days: [{ from: "2026-03-02", to: "2026-03-30" }] });
    expect(splitByMonths({ from: "2026-03-15", to: "2026-04-14" })).toEqual({ months: null, days: [{ from: "2026-03-15", to: "2026-04-14" }] });
    expect(splitByMonths({ from: "2024-02-10", to: "2024-03-31" })).toEqual({
      months: { from: "2024-03-01", to: "2024-03-01" }, days: [{ from: "2024-02-10", to: "2024-02-29" }],
    });
  });

  it("covers every day of any period exactly once", () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((n) => addDays("2022-01-01", n));
    fc.assert(fc.property(day, fc.integer({ min: 0, max: 1830 }), (from, length) => {
      const period = { from, to: addDays(from, length) };
      const { months, days } = splitByMonths(period);
      const covered: string[] = days.flatMap((d) => Array.from({ length: daysIn(d) }, (_, i) => addDays(d.from, i)));
      if (months) {
        expect(months.from.endsWith("-01") && months.to.endsWith("-01")).toBe(true);
        for (let m = months.from; m <= months.to; m = addDays(m, 32).slice(0, 8) + "01") {
          for (let d = m; d.slice(0, 7) === m.slice(0, 7); d = addDays(d, 1)) covered.push(d);
        }
      }
      covered.sort();
      expect(covered).toEqual(Array.from({ length: daysIn(period) }, (_, i) => addDays(from, i)));
    }));
  });
});
