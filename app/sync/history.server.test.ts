import { describe, expect, it } from "vitest";

import { exportWindow } from "./history.server";

describe("exportWindow: what a complete orders export can prove deleted", () => {
  it("reaches back to the beginning with read_all_orders", () => {
    expect(exportWindow("2026-12-01T10:00:00Z", "read_all_orders,read_orders,read_products")).toEqual({ from: null, to: new Date("2026-12-01T10:00:00Z") });
  });

  it("without it, only Shopify's 60 days less a day of margin: older held orders are out of reach, not deleted", () => {
    expect(exportWindow("2026-12-01T10:00:00Z", "read_orders,read_products")).toEqual({
      from: new Date("2026-10-03T10:00:00Z"),
      to: new Date("2026-12-01T10:00:00Z"),
    });
  });

  it("reconciles nothing when Shopify did not say when the operation began", () => {
    expect(exportWindow(null, "read_all_orders")).toBeUndefined();
    expect(exportWindow("not a date", "read_all_orders")).toBeUndefined();
  });
});
