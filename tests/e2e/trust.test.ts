import { createRequire } from "node:module";
import path from "node:path";

import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { SECTIONS } from "~/trust/control-types";
import { CONTROLS } from "~/trust/controls";
import { NEVER_STORED, STORED, subprocessors } from "~/trust/data-inventory";

import { appFrame, ARTIFACTS, launchChromium, MERCHANT_UA } from "./browser";

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function seriousAxeViolations(target: Page | Frame): Promise<AxeViolation[]> {
  await target.evaluate(axeSource);
  // A string, not a function: the test transform's helpers do not exist in the page.
  const violations = (await target.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  })))`)) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** Every section heading and every claim with its tests, as the registry has them. */
async function expectWholeReport(target: Page | Frame) {
  for (const section of SECTIONS) {
    expect(await target.getByRole("heading", { name: section.title, level: 2 }).isVisible(), section.title).toBe(true);
  }
  for (const control of CONTROLS) {
    const article = target.locator(`article#${control.id}`);
    expect(await article.getByRole("heading", { name: control.claim, level: 3 }).isVisible(), control.id).toBe(true);
    const text = await article.innerText();
    for (const test of control.tests) expect(text, control.id).toContain(test.name);
  }
  // The demo publishes no evidence: nothing may show as verified.
  expect(await target.getByText("Evidence not available for this build").isVisible()).toBe(true);
  expect(await target.getByText("Verified on this build").count()).toBe(0);
}

/** The app's own origin: the public pages live there, outside the admin frame. */
async function appOriginOf(): Promise<string> {
  const admin = await browser.newPage({ userAgent: MERCHANT_UA });
  await admin.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });
  await admin.waitForFunction(() => document.querySelector("iframe")?.getAttribute("src"));
  const origin = new URL((await admin.locator("iframe").getAttribute("src"))!).origin;
  await admin.close();
  return origin;
}

/** Every part of the privacy policy the data inventory has: kinds stored, never stored, who processes it, deletion. */
async function expectWholePrivacyPolicy(page: Page) {
  for (const name of ["What we collect, why, and how long we keep it", "Where it goes", "How to have it deleted"]) {
    expect(await page.getByRole("heading", { name, level: 2 }).isVisible(), name).toBe(true);
  }
  expect(await page.getByRole("heading", { name: "What we never collect", level: 3 }).isVisible()).toBe(true);
  const table = page.getByRole("table");
  for (const { kind, why, kept } of STORED) {
    const row = table.getByRole("row").filter({ hasText: kind });
    expect(await row.count(), kind).toBe(1);
    expect(await row.isVisible(), kind).toBe(true);
    const text = await row.innerText();
    expect(text, kind).toContain(why);
    expect(text, kind).toContain(kept);
  }
  for (const never of NEVER_STORED) expect(await page.getByText(never, { exact: true }).isVisible(), never).toBe(true);
  // The demo sets neither ANTHROPIC_API_KEY nor SMTP: each is named, with what it receives here.
  for (const processor of subprocessors({ anthropic: false, smtp: false })) {
    expect(await page.getByRole("listitem").filter({ hasText: processor.name }).first().isVisible(), processor.name).toBe(true);
  }
  expect(await page.getByText("Delete my data now", { exact: false }).isVisible()).toBe(true);
}

describe("the trust pages in Chromium", () => {
  it("renders the public /privacy page from the data inventory, linked both ways with /trust, accessible and printable", async () => {
    const appOrigin = await appOriginOf();
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // Reached from /trust's data section (a new tab, as the link asks).
    expect((await page.goto(`${appOrigin}/trust`, { waitUntil: "load" }))?.status()).toBe(200);
    const [policy] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("link", { name: "Privacy policy", exact: true }).click(),
    ]);
    policy.on("pageerror", (e) => errors.push(e.message));
    await policy.waitForLoadState("load");
    expect(new URL(policy.url()).pathname).toBe("/privacy");
    expect(await policy.title()).toBe("Privacy policy · Margin Notes");
    await expectWholePrivacyPolicy(policy);

    const violations = await seriousAxeViolations(policy);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await policy.screenshot({ path: path.join(ARTIFACTS, "privacy.png"), fullPage: true });

    // Printed, the whole policy is still there (nothing hidden by print styles).
    await policy.emulateMedia({ media: "print" });
    await expectWholePrivacyPolicy(policy);
    await policy.screenshot({ path: path.join(ARTIFACTS, "privacy-print.png"), fullPage: true });
    await policy.emulateMedia({ media: "screen" });

    // And back: its link to /trust lands on the trust page.
    await policy.getByRole("link", { name: "security & trust page" }).click();
    await policy.waitForURL((url) => url.pathname === "/trust");
    expect(await policy.getByRole("heading", { name: "Your data and who processes it", level: 2 }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await policy.close();
    await page.close();
  });

  it("renders the public /trust page with every section and claim, unframeable and accessible", async () => {
    const admin = await browser.newPage({ userAgent: MERCHANT_UA });
    await admin.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });
    await admin.waitForFunction(() => document.querySelector("iframe")?.getAttribute("src"));
    const appOrigin = new URL((await admin.locator("iframe").getAttribute("src"))!).origin;
    await admin.close();

    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const response = await page.goto(`${appOrigin}/trust`, { waitUntil: "load" });
    expect(response?.status()).toBe(200);
    // Nobody may frame it: 'none', plus only the local simulator's admin in the demo
    // (SIMULATED_ADMIN_ORIGIN, refused in production). Never a shop or Shopify's admin.
    const frameAncestors = /frame-ancestors ([^;]*)/.exec(response?.headers()["content-security-policy"] ?? "")?.[1];
    expect(frameAncestors).toMatch(/^'none'( http:\/\/127\.0\.0\.1:\d+)?$/);
    expect(await page.title()).toBe("Security & trust · Margin Notes");
    await expectWholeReport(page);

    // A section link moves to its section.
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Responsible disclosure" }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe("#section-disclosure");

    const violations = await seriousAxeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "trust.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the same report on the in-app Security page, reached from the admin nav", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await openSecurityPage(page);
    const frame = appFrame(page);
    await frame.getByRole("heading", { name: SECTIONS[0].title, level: 2 }).waitFor({ timeout: 30_000 });
    await expectWholeReport(frame);
    const violations = await seriousAxeViolations(frame);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lets the store owner download the data export, and asks for the store's domain before erasing", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 }, userAgent: MERCHANT_UA, acceptDownloads: true });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const admin = new URL(inject("e2e").adminUrl);
    await openSecurityPage(page);
    const frame = appFrame(page);
    await frame.getByRole("heading", { name: "Your data", exact: true, level: 2 }).waitFor({ timeout: 30_000 });

    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 30_000 }),
      frame.getByRole("button", { name: "Export all my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^margin-notes-data-demo-store-\d{4}-\d\d-\d\d\.tar\.gz$/);

    await frame.getByRole("button", { name: "Delete my data now" }).click();
    const dialog = frame.getByRole("dialog");
    await dialog.waitFor();
    const confirm = dialog.getByRole("button", { name: "Delete my data now" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type demo-store\.myshopify\.com to confirm/).fill("demo-store.myshopify.com");
    expect(await confirm.isDisabled()).toBe(false);
    const violations = await seriousAxeViolations(frame);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "security-erase-dialog.png") });
    // The demo store is shared by the other browser tests: cancel, never erase it here.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(admin.hostname).toBeTruthy();
    expect(errors).toEqual([]);
    await page.close();
  });
});

/**
 * The admin, then its nav's "Security" link. The nav reaches the app as an event its
 * provider listens for once hydrated: a click that lands before hydration is lost, as
 * in the real admin, so it clicks again until the frame is on /app/trust.
 */
async function openSecurityPage(page: Page) {
  await page.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });
  await appFrame(page).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 60_000 });
  const securityLink = page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Security" });
  await expect
    .poll(async () => {
      await securityLink.click();
      await page.waitForTimeout(500);
      return new URL(appFrame(page).url()).pathname;
    }, { timeout: 30_000 })
    .toBe("/app/trust");
}
