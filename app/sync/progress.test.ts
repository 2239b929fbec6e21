import { describe, expect, it } from "vitest";

import { describeProgress, formatEta, type SyncRunProgress } from "./progress";

const started = new Date("2026-12-02T10:00:00Z");
const run = (over: Partial<SyncRunProgress>): SyncRunProgress => ({
  status: "ingesting", linesProcessed: 0, objectCount: 500_000, rootsProcessed: 0, rootObjectCount: 100_000,
  ingestStartedAt: started, ingestStartedLines: 0, ...over,
});
const at = (seconds: number) => new Date(started.getTime() + seconds * 1000);

describe("describeProgress", () => {
  it("counts orders, not lines, and estimates from the attempt's own rate over the lines left", () => {
    // 100,000 of 500,000 lines in 10 s: 400,000 lines left at 10,000 lines/s.
    expect(describeProgress(run({ linesProcessed: 100_000, rootsProcessed: 20_000 }), at(10)))
      .toEqual({ phase: "importing", done: 20_000, total: 100_000, etaSeconds: 40 });
  });

  it("a resumed attempt's rate counts only the lines it read itself", () => {
    // Resumed at line 300,000; 50,000 lines in 10 s: 150,000 left at 5,000 lines/s.
    expect(describeProgress(run({ linesProcessed: 350_000, rootsProcessed: 70_000, ingestStartedLines: 300_000 }), at(10)).etaSeconds).toBe(30);
  });

  it("gives no estimate before a few seconds of rate, nor while Shopify prepares the file", () => {
    expect(describeProgress(run({ linesProcessed: 5_000, rootsProcessed: 1_000 }), at(1)).etaSeconds).toBeNull();
    expect(describeProgress(run({ status: "running", linesProcessed: 0 }), at(60))).toEqual({ phase: "exporting", done: 0, total: null, etaSeconds: null });
  });

  it("once every line is read, the ledger and reports are being written: finishing, no estimate", () => {
    expect(describeProgress(run({ linesProcessed: 500_000, rootsProcessed: 100_000 }), at(50)))
      .toEqual({ phase: "finishing", done: 100_000, total: 100_000, etaSeconds: null });
  });
});

describe("formatEta", () => {
  it("reads as a merchant would say it", () => {
    expect(formatEta(2)).toBe("about 5 seconds");
    expect(formatEta(41)).toBe("about 45 seconds");
    expect(formatEta(61)).toBe("about 2 minutes");
    expect(formatEta(60)).toBe("about 1 minute");
    expect(formatEta(3600)).toBe("about 1 hour");
    expect(formatEta(4200)).toBe("about 1 hour 10 minutes");
  });
});
