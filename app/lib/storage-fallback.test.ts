import { describe, expect, it } from "vitest";

import { STORAGE_FALLBACK_SCRIPT } from "./storage-fallback";

/** A window whose sessionStorage getter behaves as the browser's (on the prototype). */
function fakeWindow(read: () => unknown) {
  const proto = Object.defineProperty({}, "sessionStorage", { get: read, configurable: true, enumerable: true });
  return Object.create(proto) as { sessionStorage: Storage };
}

const run = (window: object) => new Function("window", STORAGE_FALLBACK_SCRIPT)(window);

describe("the third-party storage fallback", () => {
  it("gives a frame whose storage is blocked an in-memory sessionStorage that works", () => {
    const window = fakeWindow(() => {
      throw new DOMException("Failed to read the 'sessionStorage' property from 'Window': Access is denied for this document.", "SecurityError");
    });
    expect(() => window.sessionStorage).toThrow(/Access is denied/);
    run(window);
    const storage = window.sessionStorage;
    expect(storage.getItem("positions")).toBeNull();
    storage.setItem("positions", JSON.stringify({ a: 12 }));
    storage.setItem("n", 5 as unknown as string);
    expect(JSON.parse(storage.getItem("positions")!)).toEqual({ a: 12 });
    expect(storage.getItem("n")).toBe("5");
    expect(storage.length).toBe(2);
    expect(storage.key(0)).toBe("positions");
    expect(storage.key(7)).toBeNull();
    storage.removeItem("positions");
    expect(storage.getItem("positions")).toBeNull();
    storage.clear();
    expect(storage.length).toBe(0);
  });

  it("leaves a working sessionStorage untouched", () => {
    const real = { getItem: () => "kept" };
    const window = fakeWindow(() => real);
    run(window);
    expect(window.sessionStorage).toBe(real);
    expect(Object.hasOwn(window, "sessionStorage")).toBe(false);
  });
});
