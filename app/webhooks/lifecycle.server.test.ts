import { describe, expect, it } from "vitest";

import { exchangedAfterUninstall } from "./lifecycle.server";

describe("exchangedAfterUninstall: an exchange proves a later installation only past the session token's minute and the clock margin", () => {
  const uninstalledAt = new Date("2026-12-02T10:00:00.000Z");
  const after = (ms: number) => new Date(uninstalledAt.getTime() + ms);

  it("is false up to two minutes after the uninstall (a session token from before it may still be exchanged)", () => {
    expect(exchangedAfterUninstall(uninstalledAt, after(-5_000))).toBe(false);
    expect(exchangedAfterUninstall(uninstalledAt, after(59_000))).toBe(false);
    expect(exchangedAfterUninstall(uninstalledAt, after(120_000))).toBe(false);
  });

  it("is true past two minutes", () => {
    expect(exchangedAfterUninstall(uninstalledAt, after(120_001))).toBe(true);
    expect(exchangedAfterUninstall(uninstalledAt, after(3_600_000))).toBe(true);
  });
});
