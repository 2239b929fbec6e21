import { describe, expect, it } from "vitest";

import { costCoverageOf } from "./cost-coverage";

describe("costCoverageOf", () => {
  it("flags a row whose sales are only partly costed, or not at all", () => {
    expect(costCoverageOf({ netSalesWithCost: "100.00", netSalesWithoutCost: "0.00" })).toBe("full");
    expect(costCoverageOf({ netSalesWithCost: "60.00", netSalesWithoutCost: "40.00" })).toBe("partial");
    expect(costCoverageOf({ netSalesWithCost: "0.00", netSalesWithoutCost: "40.00" })).toBe("none");
    // A refund of uncosted sales leaves a negative part: still partial.
    expect(costCoverageOf({ netSalesWithCost: "60.00", netSalesWithoutCost: "-5.00" })).toBe("partial");
    // Snapshots saved before rows carried their basis: nothing is claimed.
    expect(costCoverageOf({})).toBe("unknown");
  });
});
