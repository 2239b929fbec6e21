import fc from "fast-check";
import Big from "big.js";
import { describe, expect, it } from "vitest";

import { formatUnits, toUnits } from "./classify-sale";

describe("money as ten-thousandths (the ledger's numeric(20,4))", () => {
  it.each([
    ["0", "0.0000"], ["12.34", "12.3400"], ["-0.5", "-0.5000"], ["-0.00", "0.0000"], ["1234567890123.4567", "1234567890123.4567"],
    ["0.00005", "0.0001"], ["-0.00005", "-0.0001"], ["0.00004999", "0.0000"], ["+3.1", "3.1000"], ["7.", "7.0000"],
  ])("%s → %s (half away from zero past the fourth decimal, as PostgreSQL rounds)", (input, expected) => {
    expect(formatUnits(toUnits(input))).toBe(expected);
  });

  it("refuses what is not a decimal, naming it", () => {
    for (const bad of ["", "1e5", "12,5", "NaN", "0x10", "1.2.3"]) expect(() => toUnits(bad)).toThrow(/not a decimal amount/);
  });

  it("agrees with big.js for sums and differences of any amounts with up to four decimals", () => {
    const amount = fc.tuple(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.integer({ min: 0, max: 4 }))
      .map(([n, scale]) => new Big(n.toString()).div(10 ** scale).toFixed(scale));
    fc.assert(fc.property(amount, amount, (a, b) => {
      expect(formatUnits(toUnits(a) - toUnits(b))).toBe(new Big(a).minus(b).toFixed(4).replace(/^-(0\.0000)$/, "$1"));
      expect(formatUnits(toUnits(a) + toUnits(b))).toBe(new Big(a).plus(b).toFixed(4).replace(/^-(0\.0000)$/, "$1"));
    }), { seed: 20261202, numRuns: 2000 });
  });
});
