import { describe, expect, it } from "vitest";

import { parseRange, PeriodError, presetRange, PRESETS } from "./period";

const parse = (query: string) => parseRange(new URLSearchParams(query), "UTC", new Date("2026-03-15T12:00:00Z"));
const issues = (query: string) => {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof PeriodError) return error.issues;
    throw error;
  }
  throw new Error(`${query} parsed`);
};

describe("parseRange refuses what is not a period, always with a PeriodError", () => {
  it.each([
    ["from=garbage&to=2026-01-01", "Start date must be a date like 2026-01-31"],
    ["from=2026-13-01&to=2026-12-31", "Start date is not a real calendar date"],
    ["from=2026-02-01&to=2026-02-30", "End date is not a real calendar date"],
    ["from=2026-01-01", "End date must be a date like 2026-01-31"],
    ["to=2026-01-01", "Start date must be a date like 2026-01-31"],
    ["from=2026-03-07&to=2026-03-01", "End date must be on or after the start date"],
    ["from=2020-01-01&to=2026-01-01", "A date range can be at most 5 years"],
    ["preset=nope", "This date range is not one the app offers"],
    ["preset=toString", "This date range is not one the app offers"],
    ["from=2026-03-01&to=2026-03-07&compare=sideways", "Compare to must be the previous period, the previous year or no comparison"],
  ])("%s", (query, issue) => {
    expect(issues(query)).toContain(issue);
    // In the picker's words: never a parameter name, never the input echoed.
    for (const text of issues(query)) expect(text).not.toMatch(/^(from|to|preset|compare|range):|nope|garbage|sideways/);
  });

  it("accepts presets, explicit ranges and the default", () => {
    expect(parse("").period).toEqual({ from: "2026-02-14", to: "2026-03-15" });
    expect(parse("preset=last7&compare=none")).toEqual({ period: { from: "2026-03-09", to: "2026-03-15" }, compare: null, compareMode: "none" });
    expect(parse("from=2024-02-29&to=2024-02-29&compare=previous_year").compare).toEqual({ from: "2023-02-28", to: "2023-02-28" });
  });
});

describe("presets, from the shop's today", () => {
  // 2026-03-15 12:00 UTC; in Pacific/Auckland it is already the 16th, in Pacific/Honolulu still the 15th.
  const now = new Date("2026-03-15T12:00:00Z");
  it.each([
    ["today", "UTC", "2026-03-15", "2026-03-15"],
    ["today", "Pacific/Auckland", "2026-03-16", "2026-03-16"],
    ["yesterday", "UTC", "2026-03-14", "2026-03-14"],
    ["last7", "UTC", "2026-03-09", "2026-03-15"],
    ["monthToDate", "UTC", "2026-03-01", "2026-03-15"],
    ["lastMonth", "UTC", "2026-02-01", "2026-02-28"],
    ["quarterToDate", "UTC", "2026-01-01", "2026-03-15"],
    ["yearToDate", "UTC", "2026-01-01", "2026-03-15"],
  ] as const)("%s in %s", (key, zone, from, to) => {
    expect(presetRange(key, zone, now)).toEqual({ from, to });
  });

  it("last month and quarter to date across a year's edge, and a leap February", () => {
    expect(presetRange("lastMonth", "UTC", new Date("2026-01-10T00:00:00Z"))).toEqual({ from: "2025-12-01", to: "2025-12-31" });
    expect(presetRange("lastMonth", "UTC", new Date("2028-03-01T00:00:00Z"))).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(presetRange("quarterToDate", "UTC", new Date("2026-12-31T00:00:00Z"))).toEqual({ from: "2026-10-01", to: "2026-12-31" });
    expect(presetRange("quarterToDate", "UTC", new Date("2026-07-01T00:00:00Z"))).toEqual({ from: "2026-07-01", to: "2026-07-01" });
  });

  it("every preset is a period the server accepts", () => {
    for (const key of Object.keys(PRESETS) as Array<keyof typeof PRESETS>) {
      expect(parse(`preset=${key}`).period).toEqual(presetRange(key, "UTC", new Date("2026-03-15T12:00:00Z")));
    }
  });
});
