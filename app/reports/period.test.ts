import { describe, expect, it } from "vitest";

import { parseRange, PeriodError } from "./period";

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
    ["from=garbage&to=2026-01-01", "from: must be a date like 2026-01-31"],
    ["from=2026-13-01&to=2026-12-31", "from: is not a real calendar date"],
    ["from=2026-02-01&to=2026-02-30", "to: is not a real calendar date"],
    ["from=2026-01-01", "to: must be a date like 2026-01-31"],
    ["to=2026-01-01", "from: must be a date like 2026-01-31"],
    ["from=2026-03-07&to=2026-03-01", "to: must be on or after the start date"],
    ["from=2020-01-01&to=2026-01-01", "to: ranges are limited to 5 years"],
    ["preset=nope", 'preset: unknown preset "nope"'],
  ])("%s", (query, issue) => {
    expect(issues(query)).toContain(issue);
  });

  it("accepts presets, explicit ranges and the default", () => {
    expect(parse("").period).toEqual({ from: "2026-02-14", to: "2026-03-15" });
    expect(parse("preset=last7&compare=none")).toEqual({ period: { from: "2026-03-09", to: "2026-03-15" }, compare: null, compareMode: "none" });
    expect(parse("from=2024-02-29&to=2024-02-29&compare=previous_year").compare).toEqual({ from: "2023-02-28", to: "2023-02-28" });
  });
});
