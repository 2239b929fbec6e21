import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { auditEvents } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";

import { SECTIONS } from "~/trust/control-types";
import { CONTROLS } from "~/trust/controls";
import { buildEvidence, type VitestReport } from "~/trust/evidence";
import { parseSecurityTxt } from "~/trust/security-txt";

import { appHandler, BROWSER_UA, embeddedRequest, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { TEST_APP_URL } from "../setup/test-env";

// This file's own evidence path (read by the build at request time): the real
// build/trust-evidence.json, if a developer made one, never leaks into these tests.
const evidenceDir = mkdtempSync(path.join(tmpdir(), "margin-notes-trust-"));
const evidenceFile = path.join(evidenceDir, "trust-evidence.json");
process.env.TRUST_EVIDENCE_PATH = evidenceFile;
afterEach(() => rmSync(evidenceFile, { force: true }));
afterAll(() => rmSync(evidenceDir, { recursive: true, force: true }));

const get = async (pathname: string, address?: string) =>
  (await appHandler())(new Request(`${TEST_APP_URL}${pathname}`, { headers: { "User-Agent": BROWSER_UA } }), address ? { remoteAddress: address } : undefined);

/** The page's text as a reader sees it: tags out, entities decoded. */
const text = (html: string) =>
  html.replace(/<!-- -->/g, "").replace(/<\/?(code|strong|span|a)\b[^>]*>/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ");

/** One control's rendered article. */
function article(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  expect(start, id).toBeGreaterThan(0);
  return text(html.slice(start, html.indexOf("</article>", start)));
}

function expectPublicHeaders(response: Response) {
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp).toMatch(/^frame-ancestors 'none';/);
  expect(csp).toContain("object-src 'none'");
  expect(response.headers.get("x-frame-options")).toBeNull();
  expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
}

/** A vitest report in which every registry test passed, except those named in `failing`. */
function reportWith(failing: Set<string> = new Set()): VitestReport {
  const root = process.cwd();
  const byFile = new Map<string, VitestReport["testResults"][number]["assertionResults"]>();
  for (const control of CONTROLS) {
    for (const test of control.tests) {
      const parts = test.name.split(" > ");
      const results = byFile.get(test.file) ?? [];
      results.push({ ancestorTitles: parts.slice(0, -1), title: parts.at(-1)!, status: failing.has(test.name) ? "failed" : "passed" });
      byFile.set(test.file, results);
    }
  }
  const testResults = [...byFile].map(([file, assertionResults]) => ({ name: path.join(root, file), status: "passed", assertionResults }));
  const total = testResults.reduce((n, f) => n + f.assertionResults.length, 0);
  return { numTotalTests: total, numPassedTests: total - failing.size, numFailedTests: failing.size, testResults };
}

const runningBuildSha256 = () => createHash("sha256").update(readFileSync("build/index.js")).digest("hex");

function writeEvidence(report: VitestReport, buildSha256: string) {
  const evidence = buildEvidence(report, CONTROLS, { commit: "1234567890abcdef1234567890abcdef12345678", generatedAt: new Date("2026-12-01T09:30:00Z"), buildSha256, root: process.cwd() });
  writeFileSync(evidenceFile, JSON.stringify(evidence));
}

describe("/.well-known/security.txt", () => {
  it("is a valid RFC 9116 file: contact, expiry within a year, policy, canonical URL, languages", async () => {
    const response = await get("/.well-known/security.txt");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expectPublicHeaders(response);
    const fields = parseSecurityTxt(await response.text());
    expect(fields.get("contact")).toEqual(["mailto:security@margin-notes.test"]);
    expect(fields.get("policy")).toEqual([`${TEST_APP_URL}/trust#section-disclosure`]);
    expect(fields.get("canonical")).toEqual([`${TEST_APP_URL}/.well-known/security.txt`]);
    expect(fields.get("preferred-languages")).toEqual(["en"]);
    expect(fields.get("expires")).toHaveLength(1);
    const ahead = Date.parse(fields.get("expires")![0]!) - Date.now();
    expect(ahead).toBeGreaterThan(0);
    expect(ahead).toBeLessThan(365 * 86_400_000);
    // The policy it points to is the public trust page's disclosure section.
    expect(await (await get("/trust")).text()).toContain('id="section-disclosure"');
  });
});

describe("/trust", () => {
  it("says evidence is not available, and verifies nothing, when this build has none", async () => {
    const response = await get("/trust");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expectPublicHeaders(response);
    const html = await response.text();
    const page = text(html);
    expect(page).toContain("Evidence not available for this build");
    expect(page).not.toContain("Verified on this build");
    for (const section of SECTIONS) expect(page).toContain(section.title);
    for (const control of CONTROLS) {
      const shown = article(html, control.id);
      expect(shown).toContain(control.claim);
      expect(shown).toContain(control.how);
      expect(shown).toContain("Not verified");
      for (const test of control.tests) expect(shown).toContain(`${test.file}: ${test.name} — no evidence`);
    }
    expect(page).toContain("security@margin-notes.test");
    // What is stored, what never is, and who else receives data in this deployment
    // (the tests configure neither an Anthropic key nor SMTP).
    expect(page).toMatch(/Audit events: action, time, staff user id, IP address, user agent the audit trail 12 months \(daily pruning\)/);
    expect(page).toContain("Customers' names, emails, addresses or phone numbers");
    expect(page).toContain("Anthropic (Claude) (writes report narratives): not used by this deployment; it receives nothing");
    expect(page).toContain("Email (SMTP) provider (delivers weekly report emails): not used by this deployment");
  });

  it("shows each control's result from this build's evidence: verified only when all its tests passed", async () => {
    const failedControl = CONTROLS.find((c) => c.id === "row-level-security")!;
    writeEvidence(reportWith(new Set([failedControl.tests[1]!.name])), runningBuildSha256());
    const html = await (await get("/trust")).text();
    const page = text(html);
    expect(page).toContain("The tests ran on commit 1234567890ab, 2026-12-01 09:30 UTC");
    expect(page).not.toContain("Evidence not available");
    const failed = article(html, failedControl.id);
    expect(failed).toContain("A test failed");
    expect(failed).not.toContain("Verified on this build");
    expect(failed).toContain(`${failedControl.tests[1]!.name} — FAILED`);
    for (const control of CONTROLS.filter((c) => c !== failedControl)) {
      const shown = article(html, control.id);
      expect(shown, control.id).toContain("Verified on this build");
      for (const test of control.tests) expect(shown).toContain(`${test.name} — passed`);
    }
  });

  it("ignores evidence made for another build, and an unreadable evidence file", async () => {
    writeEvidence(reportWith(), "0".repeat(64));
    let page = text(await (await get("/trust")).text());
    expect(page).toContain("the evidence on file was made for a different build");
    expect(page).not.toContain("Verified on this build");
    writeFileSync(evidenceFile, '{"version":1,"commit":"abc"');
    page = text(await (await get("/trust")).text());
    expect(page).toContain("the evidence file could not be read");
    expect(page).not.toContain("Verified on this build");
  });

  it("is the same report inside the admin, on the Security page in the nav", async () => {
    const simulator = startSimulator();
    const shop = newShop("trust");
    await install(simulator, shop);
    const response = await (await appHandler())(embeddedRequest(shop, "/app/trust"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('href="/app/trust"');
    for (const control of CONTROLS) expect(article(html, control.id)).toContain(control.claim);
    expect(text(html)).toContain("Evidence not available for this build");
  });
});

describe("the in-app Security page's facts about the shop", () => {
  it("shows the shop's scopes, token key, verified audit chain, what is held and its lifecycle, and nothing of another shop", async () => {
    const simulator = startSimulator();
    const shop = newShop("facts");
    const other = newShop("other");
    await install(simulator, shop);
    await install(simulator, other);
    const response = await (await appHandler())(embeddedRequest(shop, "/app/trust"));
    expect(response.status).toBe(200);
    const page = text(await response.text());
    expect(page).toMatch(/Access granted: read_orders(, read_all_orders)?, read_products /);
    expect(page).toMatch(/Access token sealed \d{4}-\d\d-\d\d \d\d:\d\d UTC with key "test-1", expires /);
    const [own] = await asSystem("test: count a shop's audit events", (tx) =>
      queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${auditEvents} where ${eq(auditEvents.shopId, shop)}`),
    );
    expect(own!.n).toBeGreaterThan(0);
    expect(page).toContain(`Audit trail: ${own!.n} events, chain verified intact`);
    expect(page).toMatch(new RegExp(`Audit events ${own!.n} `));
    expect(page).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC: Installed/);
    expect(page).not.toContain(other);
  });
});

describe("open doors", () => {
  it("limits the public trust pages per source address: 429 with Retry-After", async () => {
    const address = `198.51.100.${1 + Math.floor(Math.random() * 254)}`;
    for (let i = 0; i < 100; i++) {
      const admitted = await get("/.well-known/security.txt", address);
      expect(admitted.status).toBe(200);
      await admitted.text();
    }
    for (const pathname of ["/trust", "/.well-known/security.txt"]) {
      const refused = await get(pathname, address);
      expect(refused.status, pathname).toBe(429);
      expect(Number(refused.headers.get("retry-after")), pathname).toBeGreaterThan(0);
      expectPublicHeaders(refused);
      expect(await refused.text()).toMatch(/Too many requests/);
    }
    // Another address is not affected.
    const other = await get("/trust", "203.0.113.9");
    expect(other.status).toBe(200);
    expect(await other.text()).toContain("Security &amp; trust");
  });
});
