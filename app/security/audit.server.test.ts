import { describe, expect, it } from "vitest";

import { canonicalJson, requestOrigin } from "./audit.server";

const request = (headers: Record<string, string>) => new Request("https://app.test/x", { headers });

describe("requestOrigin", () => {
  it("ignores X-Forwarded-For unless proxies are trusted", () => {
    expect(requestOrigin(request({ "x-forwarded-for": "203.0.113.9" }), 0).ip).toBeNull();
  });

  it("takes the address the trusted proxy saw, not what the client claims", () => {
    // Client forged the first entry; our one proxy appended the real peer.
    const origin = requestOrigin(request({ "x-forwarded-for": "10.9.9.9, 203.0.113.9", "user-agent": "UA" }), 1);
    expect(origin).toEqual({ ip: "203.0.113.9", userAgent: "UA" });
    expect(requestOrigin(request({ "x-forwarded-for": "10.9.9.9, 198.51.100.2, 203.0.113.9" }), 2).ip).toBe("198.51.100.2");
  });

  it("drops values that are not addresses", () => {
    expect(requestOrigin(request({ "x-forwarded-for": "<script>" }), 1).ip).toBeNull();
    expect(requestOrigin(request({}), 1).ip).toBeNull();
  });
});

describe("canonicalJson", () => {
  it("does not depend on key order (jsonb reorders keys)", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }));
  });
});
