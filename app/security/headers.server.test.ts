import { describe, expect, it } from "vitest";

import { fillSecurityHeaders, securityHeaders } from "./headers.server";

const shopifyCsp = "frame-ancestors https://a-shop.myshopify.com https://admin.shopify.com https://*.spin.dev https://admin.myshopify.io https://admin.shop.dev;";

describe("securityHeaders", () => {
  it("keeps Shopify's per-shop frame-ancestors first and appends our directives", () => {
    const headers = securityHeaders(new Headers({ "Content-Security-Policy": shopifyCsp }));
    const csp = headers.get("content-security-policy")!;
    expect(csp.startsWith("frame-ancestors https://a-shop.myshopify.com https://admin.shopify.com")).toBe(true);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp.match(/frame-ancestors/g)).toHaveLength(1);
  });

  it("denies framing when Shopify set no policy (non-embedded responses)", () => {
    expect(securityHeaders(new Headers()).get("content-security-policy")).toMatch(/^frame-ancestors 'none';/);
  });

  it("removes X-Frame-Options, which would stop the admin from framing the app", () => {
    const headers = securityHeaders(new Headers({ "X-Frame-Options": "DENY", "X-Powered-By": "Express" }));
    expect(headers.get("x-frame-options")).toBeNull();
    expect(headers.get("x-powered-by")).toBeNull();
  });

  it("sets HSTS, nosniff, Referrer-Policy and Permissions-Policy", () => {
    const headers = securityHeaders(new Headers());
    expect(headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(headers.get("x-content-type-options")).toBe("nosniff");
    expect(headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(headers.get("permissions-policy")).toMatch(/camera=\(\).*microphone=\(\)/);
  });

  it("adds the local simulator's admin to frame-ancestors only when asked", () => {
    const headers = securityHeaders(new Headers({ "Content-Security-Policy": shopifyCsp }), { extraFrameAncestors: ["http://127.0.0.1:3001"] });
    expect(headers.get("content-security-policy")).toMatch(/frame-ancestors [^;]*http:\/\/127\.0\.0\.1:3001;/);
  });

  it("keeps a page nothing may frame unframeable: no source is added beside 'none' (browsers would ignore the 'none')", () => {
    const unframeable = securityHeaders(new Headers());
    const passedAgain = securityHeaders(new Headers(unframeable), { extraFrameAncestors: ["http://127.0.0.1:3001"] });
    const directive = passedAgain.get("content-security-policy")!.split(";").map((d) => d.trim()).find((d) => d.startsWith("frame-ancestors"));
    expect(directive).toBe("frame-ancestors 'none'");
  });

  it("is idempotent", () => {
    const once = securityHeaders(new Headers({ "Content-Security-Policy": shopifyCsp }));
    const twice = securityHeaders(new Headers(once));
    expect(twice.get("content-security-policy")).toBe(once.get("content-security-policy"));
  });
});

describe("idempotence and filling", () => {
  it("adds an extra frame ancestor once, however often a response passes through", () => {
    const headers = new Headers({ "Content-Security-Policy": shopifyCsp });
    for (let i = 0; i < 3; i++) securityHeaders(headers, { extraFrameAncestors: ["http://127.0.0.1:3001"] });
    expect(headers.get("content-security-policy")?.match(/127\.0\.0\.1:3001/g)).toHaveLength(1);
  });

  it("fills only what a response lacks: a chosen CSP stays", () => {
    const present = new Map<string, string>([["content-security-policy", shopifyCsp]]);
    fillSecurityHeaders((name) => present.has(name.toLowerCase()), (name, value) => present.set(name.toLowerCase(), value));
    expect(present.get("content-security-policy")).toBe(shopifyCsp);
    expect(present.get("x-content-type-options")).toBe("nosniff");
    expect(present.get("strict-transport-security")).toMatch(/max-age=/);
    const bare = new Map<string, string>();
    fillSecurityHeaders((name) => bare.has(name), (name, value) => bare.set(name, value));
    expect(bare.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
  });
});
