import { describe, expect, it } from "vitest";

import { exportWindow, historyFromAfterAuth } from "./history.server";

describe("exportWindow: what a complete orders export can prove deleted", () => {
  it("reaches back to the beginning for an operation started with read_all_orders", () => {
    expect(exportWindow("2026-12-01T10:00:00Z", true)).toEqual({ from: null, to: new Date("2026-12-01T10:00:00Z") });
  });

  it("without it, only Shopify's 60 days less a day of margin: older held orders are out of reach, not deleted", () => {
    expect(exportWindow("2026-12-01T10:00:00Z", false)).toEqual({
      from: new Date("2026-10-03T10:00:00Z"),
      to: new Date("2026-12-01T10:00:00Z"),
    });
  });

  it("reconciles nothing when Shopify did not say when the operation began", () => {
    expect(exportWindow(null, true)).toBeUndefined();
    expect(exportWindow("not a date", true)).toBeUndefined();
  });
});

describe("historyFromAfterAuth: from when figures are complete", () => {
  const held = new Date("2026-10-01T00:00:00Z");
  const now = new Date("2026-12-01T00:00:00Z");

  it("keeps the held date when read_all_orders is granted: only a completed full backfill clears it", () => {
    expect(historyFromAfterAuth("read_all_orders,read_orders", held, false, now)).toEqual(held);
    expect(historyFromAfterAuth("read_all_orders,read_orders", null, true, now)).toBeNull();
  });

  it("without it: the window's start for a new installation or when nothing is held, else the held date", () => {
    expect(historyFromAfterAuth("read_orders", null, false, now)).toEqual(new Date("2026-10-02T00:00:00Z"));
    expect(historyFromAfterAuth("read_orders", held, true, now)).toEqual(new Date("2026-10-02T00:00:00Z"));
    expect(historyFromAfterAuth("read_orders", held, false, now)).toEqual(held);
  });
});
