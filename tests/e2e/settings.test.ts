/**
 * Settings in the simulated admin, as Built for Shopify asks: App Bridge's contextual save bar
 * (drawn by the admin, its Save and Discard acting on the form), errors inline on their fields
 * (never the browser's bubbles), a warning before leaving unsaved changes, and the next weekly
 * report in the shop's time zone (the demo store's is America/New_York).
 */
import path from "node:path";

import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openViaAdminNav } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const saveBar = (page: Page) => page.getByRole("region", { name: "Unsaved changes" });
const limitField = (app: Frame) => app.getByLabel("Narratives per day");

async function openSettings(width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // A clean console: nothing preloaded that the page does not use (the demo is offline).
  // (A navigation the router cancels for a newer one is aborted, not failed.)
  page.on("requestfailed", (r) => {
    if (r.failure()?.errorText !== "net::ERR_ABORTED") errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  const app = await openViaAdminNav(page, inject("e2e").adminUrl, "Settings", "/app/settings");
  await limitField(app).waitFor();
  return { page, app, errors };
}

describe("Settings", () => {
  it("shows the save bar only while the form differs from what is saved; errors inline, nothing saved", async () => {
    const { page, app, errors } = await openSettings(1440, 900);
    expect(await saveBar(page).isVisible()).toBe(false);
    const saved = await limitField(app).inputValue();

    await limitField(app).fill("0");
    await expect.poll(() => saveBar(page).isVisible(), { timeout: 30_000 }).toBe(true);
    // No native validation: the form says novalidate, the message is Polaris'.
    expect(await app.locator("form").first().getAttribute("novalidate")).not.toBeNull();
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await expect.poll(() => app.getByText("Narratives per day must be between 1 and 100").isVisible()).toBe(true);
    expect(await limitField(app).getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => app.evaluate(() => document.activeElement?.id)).toBe("settings-narrativeDailyLimit");
    expect(await app.getByText("Fix the setting marked below, then save.").isVisible()).toBe(true);
    expect(await axeViolations(app)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "settings-error-1440.png"), fullPage: true });

    // Discard puts back what is saved and the bar goes.
    await saveBar(page).getByRole("button", { name: "Discard" }).click();
    await expect.poll(() => limitField(app).inputValue()).toBe(saved);
    await expect.poll(() => saveBar(page).isVisible()).toBe(false);
    expect(await app.getByText("Narratives per day must be between 1 and 100").count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("saves through the save bar and shows the next weekly report in the shop's time zone", async () => {
    const { page, app, errors } = await openSettings(1440, 900);
    const weekly = app.getByLabel("Save a report of the last 7 days every week, with its narrative");
    if (!(await weekly.isChecked())) await weekly.check({ force: true });
    await app.getByLabel("Day", { exact: true }).selectOption("3");
    await app.getByLabel("Time (America/New_York)").selectOption("7");
    await limitField(app).fill("19");
    await expect.poll(() => app.getByText("Save to apply the new schedule.", { exact: false }).isVisible()).toBe(true);
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toBe("Settings saved");
    await expect.poll(() => saveBar(page).isVisible()).toBe(false);
    const next = app.locator("#settings-next-report");
    await expect.poll(() => next.textContent()).toMatch(/^Next weekly report: Wednesday, [A-Z][a-z]+ \d{1,2}, \d{4} at 07:00 \(America\/New_York\)\.$/);
    expect(await limitField(app).inputValue()).toBe("19");

    // Stored: a fresh load of the page shows it.
    const again = await openViaAdminNav(page, inject("e2e").adminUrl, "Settings", "/app/settings");
    await expect.poll(() => limitField(again).inputValue()).toBe("19");
    expect(await again.locator("#settings-next-report").textContent()).toMatch(/Wednesday, .* at 07:00 \(America\/New_York\)/);
    await page.screenshot({ path: path.join(ARTIFACTS, "settings-1440.png"), fullPage: true });

    // Back to the demo's defaults for the other browser tests.
    await limitField(again).fill("20");
    await again.getByLabel("Save a report of the last 7 days every week, with its narrative").uncheck({ force: true });
    await saveBar(page).getByRole("button", { name: "Save" }).click();
    await expect.poll(() => saveBar(page).isVisible()).toBe(false);
    await expect.poll(() => again.locator("#settings-next-report").textContent()).toBe("No weekly report is scheduled.");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("asks before leaving unsaved changes: Stay keeps them, Leave page drops them", async () => {
    const { page, app, errors } = await openSettings(1440, 900);
    const saved = await limitField(app).inputValue();
    await limitField(app).fill("55");
    await expect.poll(() => saveBar(page).isVisible(), { timeout: 30_000 }).toBe(true);
    const reports = page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Reports" });
    const dialog = page.getByRole("dialog", { name: "Leave page with unsaved changes?" });

    await reports.click();
    await expect.poll(() => dialog.isVisible(), { timeout: 30_000 }).toBe(true);
    await dialog.getByRole("button", { name: "Stay" }).click();
    expect(new URL(app.url()).pathname).toBe("/app/settings");
    expect(await limitField(app).inputValue()).toBe("55");
    expect(await saveBar(page).isVisible()).toBe(true);

    await reports.click();
    await dialog.getByRole("button", { name: "Leave page" }).click();
    await expect.poll(() => new URL(app.url()).pathname).toBe("/app/reports");
    expect(await saveBar(page).isVisible()).toBe(false);

    // Nothing was saved.
    const settings = await openViaAdminNav(page, inject("e2e").adminUrl, "Settings", "/app/settings");
    await expect.poll(() => limitField(settings).inputValue()).toBe(saved);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("works at phone width: the admin's nav folds behind Menu, the save bar stays reachable, axe clean", async () => {
    const { page, app, errors } = await openSettings(390, 844);
    expect(await page.getByRole("navigation", { name: "App navigation" }).isVisible()).toBe(false);
    expect(await axeViolations(app)).toEqual([]);
    await limitField(app).fill("21");
    await expect.poll(() => saveBar(page).getByRole("button", { name: "Discard" }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "settings-390.png"), fullPage: true });
    await saveBar(page).getByRole("button", { name: "Discard" }).click();
    await expect.poll(() => saveBar(page).isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
