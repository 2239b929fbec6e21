import { describe, expect, it } from "vitest";

import { describeChange, formatCompactMoney, formatCount, formatDay, formatMoney, formatPercent, formatPeriod, pointChange } from "./format";

describe("money and numbers", () => {
  it("formats exact decimal strings in the shop currency, without float rounding", () => {
    expect(formatMoney("1234.50", "USD")).toBe("$1,234.50");
    expect(formatMoney("-20.00", "USD")).toBe("-$20.00");
    expect(formatMoney("160.00", "EUR")).toBe("€160.00");
    expect(formatMoney("1000", "JPY")).toBe("¥1,000");
    // 2^53 + 1 cents is not representable as a float; the string path keeps it.
    expect(formatMoney("90071992547409.93", "USD")).toBe("$90,071,992,547,409.93");
    expect(formatMoney(null, "USD")).toBe("—");
  });

  it("falls back to the code for a currency the runtime cannot format", () => {
    expect(formatMoney("5.00", "NOT-A-CODE")).toBe("5.00 NOT-A-CODE");
  });

  it("formats compact axis labels, counts and percentages", () => {
    expect(formatCompactMoney(1250, "USD")).toBe("$1.3K");
    expect(formatCount(12345)).toBe("12,345");
    expect(formatPercent("62.50")).toBe("62.5%");
    expect(formatPercent("66.67")).toBe("66.7%");
    expect(formatPercent("0.05")).toBe("0.0%");
    expect(formatPercent(null)).toBe("—");
  });
});

describe("days and periods", () => {
  it("prints calendar days as they are, whatever the viewer's zone", () => {
    expect(formatDay("2026-03-01")).toBe("Mar 1, 2026");
    // Plain spaces, whatever the ICU version: the server's and the browser's text must match.
    expect(formatPeriod({ from: "2026-03-01", to: "2026-03-07" })).toBe("Mar 1 – 7, 2026");
    expect(formatPeriod({ from: "2026-09-24", to: "2026-10-23" })).toBe("Sep 24 – Oct 23, 2026");
    expect(formatPeriod({ from: "2025-12-30", to: "2026-01-02" })).toBe("Dec 30, 2025 – Jan 2, 2026");
    expect(formatPeriod({ from: "2026-03-01", to: "2026-03-01" })).toBe("Mar 1, 2026");
  });
});

describe("describeChange", () => {
  it("gives direction, text and tone for a rise and a fall", () => {
    expect(describeChange("12.34")).toEqual({ text: "12.3%", direction: "up", tone: "success", label: "Up 12.3% from the comparison period" });
    expect(describeChange("-5.00")).toMatchObject({ text: "5.0%", direction: "down", tone: "critical" });
    expect(describeChange("0.04")).toMatchObject({ direction: "flat", tone: undefined, label: "No change from the comparison period" });
    expect(describeChange(null)).toBeNull();
  });

  it("reads costs the other way round", () => {
    expect(describeChange("87.50", { lowerIsBetter: true })).toMatchObject({ direction: "up", tone: "critical" });
    expect(describeChange("-10.00", { lowerIsBetter: true })).toMatchObject({ direction: "down", tone: "success" });
  });

  it("shows returns growing as returns up, in red (change.ts gives their change as a size)", () => {
    // Returns went from -100 to -200: change.ts says +100.00.
    expect(describeChange("100.00", { lowerIsBetter: true })).toMatchObject({ text: "100.0%", direction: "up", tone: "critical" });
  });

  it("reports margins in percentage points", () => {
    expect(pointChange("62.50", "70.00")).toBe("-7.50");
    expect(describeChange(pointChange("62.50", "70.00"), { unit: "points" })).toMatchObject({ text: "7.5 pts", direction: "down", tone: "critical" });
    expect(pointChange(null, "70.00")).toBeNull();
  });
});
