/**
 * Every page of the app, as a merchant reaches it, at a desktop and a phone size: each one
 * names itself in the admin's title bar (App Bridge), is axe clean, never scrolls sideways,
 * throws nothing in the browser, and leaves a screenshot in tests/artifacts/. The per-page
 * tests go deep on one page each; this one makes sure no page is left out of that bar — a
 * page added later without a title bar or a phone layout fails here.
 */
import path from "node:path";

import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, navigateInApp, openDashboardWithData, openViaAdminNav, titleBarButton, waitForHydration } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const SIZES = [[1440, 900], [390, 844]] as const;

/** The admin's nav label, the address it opens and the page's own heading (Polaris Page title, an h1). */
const NAV_PAGES = [
  { label: "Dashboard", pathname: "/app", heading: "Dashboard" },
  { label: "Reports", pathname: "/app/reports", heading: "Saved reports" },
  { label: "Costs", pathname: "/app/costs", heading: "Costs" },
  { label: "Expenses", pathname: "/app/expenses", heading: "Expenses" },
  { label: "Activity", pathname: "/app/activity", heading: "Activity" },
  { label: "Settings", pathname: "/app/settings", heading: "Settings" },
  { label: "Security", pathname: "/app/trust", heading: "Security" },
] as const;

interface Watched {
  page: Page;
  errors: string[];
}

async function watchedPage(width: number, height: number): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  // A failed load is named by its address (the console's own line for it has none).
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${new URL(r.url()).pathname}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console.error: ${m.text()}`);
  });
  return { page, errors };
}

/** What every page must hold to, in the frame it was opened in. */
async function expectPageHolds(page: Page, frame: Frame, name: string, width: number) {
  // The admin draws the page's title from the app's <ui-title-bar>.
  await expect.poll(() => page.locator("#title").innerText(), { timeout: 30_000, message: `${name}: title bar` }).not.toBe("");
  expect(await axeViolations(frame), `${name} at ${width} px`).toEqual([]);
  const sideways = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(sideways, `${name} at ${width} px scrolls sideways by ${sideways} px`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(ARTIFACTS, `every-page-${name}-${width}.png`), fullPage: true });
}

describe("every page, desktop and phone", () => {
  for (const [width, height] of SIZES) {
    for (const target of NAV_PAGES) {
      it(`${target.label} at ${width} px: titled in the admin, axe clean, no sideways scroll, no browser error`, async () => {
        const { page, errors } = await watchedPage(width, height);
        const frame = await openViaAdminNav(page, inject("e2e").adminUrl, target.label, target.pathname);
        await frame.getByRole("heading", { name: target.heading, level: 1 }).waitFor({ timeout: 60_000 });
        await expectPageHolds(page, frame, target.label.toLowerCase(), width);
        expect(errors).toEqual([]);
        await page.close();
      }, 300_000);
    }

    it(`a saved report at ${width} px, saved from the dashboard's title bar`, async () => {
      const { page, errors } = await watchedPage(width, height);
      await waitForHydration(await openDashboardWithData(page, inject("e2e").adminUrl));
      await expect.poll(() => titleBarButton(page, "Save report").isVisible(), { timeout: 30_000 }).toBe(true);
      await titleBarButton(page, "Save report").click();
      await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 60_000 }).toMatch(/^\/app\/reports\/[^/]+$/);
      const frame = appFrame(page);
      await frame.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 60_000 });
      await expectPageHolds(page, frame, "saved-report", width);
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);

    it(`an unknown address inside the app at ${width} px: an in-app 404 with a way back`, async () => {
      const { page, errors } = await watchedPage(width, height);
      await openViaAdminNav(page, inject("e2e").adminUrl, "Dashboard", "/app");
      await navigateInApp(page, "/app/no-such-page");
      const frame = appFrame(page);
      await frame.getByRole("heading", { name: "Page not found", level: 1 }).waitFor({ timeout: 60_000 });
      expect(await frame.getByRole("link", { name: /dashboard/i }).count()).toBeGreaterThan(0);
      await expectPageHolds(page, frame, "not-found", width);
      // The address's own 404 is the answer, not a failure; nothing else may fail.
      expect(errors.filter((e) => !/^HTTP 404: \/app\/no-such-page(\.data)?$/.test(e))).toEqual([]);
      await page.close();
    }, 300_000);

    it(`the public /trust and /privacy pages at ${width} px: axe clean, no sideways scroll`, async () => {
      const { page, errors } = await watchedPage(width, height);
      await page.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => document.querySelector("iframe")?.getAttribute("src"));
      const appOrigin = new URL((await page.locator("iframe").getAttribute("src"))!).origin;
      for (const pathname of ["/trust", "/privacy"]) {
        expect((await page.goto(`${appOrigin}${pathname}`, { waitUntil: "load" }))?.status(), pathname).toBe(200);
        expect(await page.getByRole("heading", { level: 1 }).count(), `${pathname}: one h1`).toBe(1);
        expect(await axeViolations(page.mainFrame()), `${pathname} at ${width} px`).toEqual([]);
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(sideways, `${pathname} at ${width} px scrolls sideways by ${sideways} px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(ARTIFACTS, `every-page${pathname.replace("/", "-")}-${width}.png`), fullPage: true });
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
