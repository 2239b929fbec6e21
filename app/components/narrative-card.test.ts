import { describe, expect, it } from "vitest";

import { dataDisclosureLabel } from "./narrative-card";

describe("narrative card labels say what happened", () => {
  it("says data was sent to AI only when Claude wrote the narrative", () => {
    expect(dataDisclosureLabel("anthropic")).toBe("Data sent to AI");
    expect(dataDisclosureLabel("local")).toBe("Figures this summary was written from (nothing was sent to an AI)");
    expect(dataDisclosureLabel("local")).not.toContain("sent to AI");
  });
});
