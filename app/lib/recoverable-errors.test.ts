import { describe, expect, it, vi } from "vitest";

import { reportUnlessBoundaryUpdatedEarly } from "./recoverable-errors";

const minified = (code: number) =>
  new Error(`Minified React error #${code}; visit https://reactjs.org/docs/error-decoder.html?invariant=${code} for the full message or use the non-minified dev environment for full errors and additional helpful warnings.`);

describe("recoverable hydration errors", () => {
  it("does not report a boundary updated before it hydrated (#421), minified or not", () => {
    const report = vi.fn();
    reportUnlessBoundaryUpdatedEarly(minified(421), report);
    reportUnlessBoundaryUpdatedEarly(new Error("This Suspense boundary received an update before it finished hydrating. This caused the boundary to switch to client rendering."), report);
    expect(report).not.toHaveBeenCalled();
  });

  it("reports every other recoverable error, a hydration mismatch (#418) first of all", () => {
    const report = vi.fn();
    const mismatch = minified(418);
    reportUnlessBoundaryUpdatedEarly(mismatch, report);
    reportUnlessBoundaryUpdatedEarly(minified(4210), report);
    reportUnlessBoundaryUpdatedEarly("Hydration failed because the initial UI does not match what was rendered on the server.", report);
    expect(report.mock.calls.map(([e]) => (e instanceof Error ? e.message.slice(0, 25) : e))).toEqual([
      "Minified React error #418", "Minified React error #421", "Hydration failed because the initial UI does not match what was rendered on the server.",
    ]);
  });
});
