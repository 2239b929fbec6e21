import { existsSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { SECTIONS, testKey } from "./control-types";
import { CONTROLS } from "./controls";

const sectionIds = new Set<string>(SECTIONS.map((s) => s.id));

describe("the control registry", () => {
  it("gives every control a unique kebab-case id, a known section, a claim and how it works", () => {
    const ids = CONTROLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const control of CONTROLS) {
      expect(control.id, control.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(sectionIds.has(control.section), `${control.id}: section ${control.section}`).toBe(true);
      expect(control.claim.length, control.id).toBeGreaterThan(20);
      expect(control.how.length, control.id).toBeGreaterThan(20);
    }
  });

  it("names at least one test for every control, in files that exist, each test once", () => {
    for (const control of CONTROLS) {
      expect(control.tests.length, control.id).toBeGreaterThan(0);
      const keys = control.tests.map(testKey);
      expect(new Set(keys).size, control.id).toBe(keys.length);
      for (const test of control.tests) {
        expect(existsSync(test.file), `${control.id}: ${test.file}`).toBe(true);
        expect(test.file, control.id).toMatch(/\.test\.tsx?$/);
        expect(test.name.trim(), control.id).toBe(test.name);
      }
    }
  });

  it("covers every section the trust page promises", () => {
    for (const section of SECTIONS) {
      expect(CONTROLS.some((c) => c.section === section.id), section.title).toBe(true);
    }
    expect(SECTIONS.map((s) => s.title)).toEqual([
      "Access & OAuth", "Encryption", "Tenant isolation", "Webhooks & lifecycle", "Audit trail", "Abuse & rate limiting",
      "HTTP & browser hardening", "AI & data minimisation", "Data retention & deletion", "Dependencies & supply chain", "Responsible disclosure",
    ]);
  });
});
