import { describe, expect, it } from "vitest";

import { afterShellSent, markShellSent } from "./shell-signal.server";

describe("afterShellSent", () => {
  it("waits until the request's shell is marked sent, and only that request's", async () => {
    const context = {};
    const other = {};
    let resumed = false;
    const waiting = afterShellSent(context).then(() => (resumed = true));
    markShellSent(other);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resumed).toBe(false);
    markShellSent(context);
    await waiting;
    expect(resumed).toBe(true);
  });

  it("resolves for a shell marked before anyone waited, and at once without a load context", async () => {
    const context = {};
    markShellSent(context);
    await expect(afterShellSent(context)).resolves.toBeUndefined();
    await expect(afterShellSent(undefined)).resolves.toBeUndefined();
  });
});
