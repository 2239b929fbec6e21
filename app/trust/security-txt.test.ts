import { describe, expect, it } from "vitest";

import { parseSecurityTxt, securityTxt } from "./security-txt";

describe("security.txt", () => {
  it("writes the required and recommended fields, Expires less than a year ahead", () => {
    const now = new Date("2026-12-02T10:20:30.456Z");
    const text = securityTxt({ appUrl: "https://app.example.com/ignored/path", contact: "mailto:security@example.com", now });
    const fields = parseSecurityTxt(text);
    expect(fields.get("contact")).toEqual(["mailto:security@example.com"]);
    expect(fields.get("policy")).toEqual(["https://app.example.com/trust#section-disclosure"]);
    expect(fields.get("canonical")).toEqual(["https://app.example.com/.well-known/security.txt"]);
    expect(fields.get("preferred-languages")).toEqual(["en"]);
    const [expires] = fields.get("expires")!;
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    const ahead = Date.parse(expires!) - now.getTime();
    expect(ahead).toBeGreaterThan(30 * 86_400_000);
    expect(ahead).toBeLessThan(365 * 86_400_000);
    expect(text.endsWith("\n")).toBe(true);
    // Expires follows the clock: a file served later expires later.
    const later = parseSecurityTxt(securityTxt({ appUrl: "https://app.example.com", contact: "https://example.com/security", now: new Date("2027-06-01T00:00:00Z") }));
    expect(Date.parse(later.get("expires")![0]!)).toBeGreaterThan(Date.parse(expires!));
  });

  it("refuses a contact that is not a mailto: or https: URI", () => {
    for (const contact of ["security@example.com", "http://example.com/security", "mailto:", "javascript:alert(1)", "mailto:a@b\nExpires: never"]) {
      expect(() => securityTxt({ appUrl: "https://app.example.com", contact, now: new Date() }), contact).toThrow(/contact/);
    }
  });
});
