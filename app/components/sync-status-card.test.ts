import { describe, expect, it } from "vitest";

import { describeSync, type SyncStatusView } from "./sync-status-card";

const view = (over: Partial<SyncStatusView>): SyncStatusView => ({
  state: "running", kind: "orders", phase: "importing", processed: 0, total: null, etaSeconds: null,
  lastCompletedAt: null, error: null, ...over,
});

describe("describeSync", () => {
  it("says where the import is in orders, with an estimate once there is one", () => {
    expect(describeSync(view({ processed: 120_000, total: 1_000_000, etaSeconds: 95 }), "orders"))
      .toBe("Importing orders: 120,000 of 1,000,000 · about 2 minutes left");
    expect(describeSync(view({ processed: 5_000, total: 1_000_000 }), "orders")).toBe("Importing orders: 5,000 of 1,000,000");
  });

  it("never shows a count before Shopify's export is ready, nor lines", () => {
    expect(describeSync(view({ phase: "exporting" }), "orders")).toBe("Shopify is preparing your orders for export…");
    expect(describeSync(view({ state: "never", phase: null }), "orders")).toBe("Preparing your first sync…");
  });

  it("after the last line, says the reports are being added up rather than freezing at 100%", () => {
    expect(describeSync(view({ phase: "finishing", processed: 1_000_000, total: 1_000_000 }), "orders"))
      .toBe("All orders read: adding up your reports…");
  });
});
