import { describe, expect, it } from "vitest";

import { formatShopTime, knownZone } from "./shop-time";

describe("formatShopTime", () => {
  it("prints the instant on the shop's clock with the zone named", () => {
    const instant = new Date("2026-12-02T20:14:59Z");
    expect(formatShopTime(instant, "America/New_York")).toBe("Dec 2, 2026, 3:14 PM EST");
    expect(formatShopTime(instant, "Asia/Kolkata")).toBe("Dec 3, 2026, 1:44 AM GMT+5:30");
    // Summer time is named as such.
    expect(formatShopTime(new Date("2026-07-01T12:00:00Z"), "America/New_York")).toBe("Jul 1, 2026, 8:00 AM EDT");
  });

  it("falls back to UTC, labelled, for a zone the runtime does not know or none", () => {
    const instant = new Date("2026-12-02T20:14:00Z");
    expect(knownZone("Mars/Olympus_Mons")).toBe("UTC");
    expect(knownZone(null)).toBe("UTC");
    expect(knownZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(formatShopTime(instant, "Mars/Olympus_Mons")).toBe("Dec 2, 2026, 8:14 PM UTC");
    expect(formatShopTime(instant, undefined)).not.toMatch(/\u202f/);
  });
});
