/**
 * The dashboard's date range in Chromium: the merchant's presets, a picker that cannot apply
 * a range the server would refuse, an address the server refuses still showing the page with
 * its date controls (a message in the picker's words), axe clean with the picker open, and
 * Apply within reach on a phone.
 */
import path from "node:path";

import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, navigateInApp, openDashboardWithData } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const PRESETS = ["Today", "Yesterday", "Last 7 days", "Last 30 days", "Last 90 days", "Last 365 days", "Month to date", "Last month", "Quarter to date", "Year to date", "Custom"];

async function open(width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
  const errors: string[] = [];
  // Any page error fails the test, a hydration mismatch (#418) included: the one a CI run saw
  // here was a navigation landing mid-hydration (app/entry.client.tsx, tests/e2e/hydration.test.ts).
  page.on("pageerror", (e) => errors.push(e.message));
  const frame = await openDashboardWithData(page, inject("e2e").adminUrl);
  return { page, frame, errors };
}

const openPicker = async (frame: Frame) => {
  await frame.getByRole("button", { name: /^Date range:/ }).click();
  await frame.getByRole("button", { name: "Apply" }).waitFor();
};

describe("the date range control", () => {
  it("offers the merchant's presets, refuses a range longer than the server allows, applies a preset; axe clean while open", async () => {
    const { page, frame, errors } = await open(1440, 900);
    await openPicker(frame);
    const list = frame.getByRole("region", { name: "Choose a date range" });
    for (const label of PRESETS) expect(await list.getByRole("button", { name: label, exact: true }).count(), label).toBe(1);
    expect(await axeViolations(frame)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "date-range-open-1440.png") });

    // Six years back: the End date says why and Apply stays off (the server allows five).
    const start = frame.getByLabel("Start date");
    const today = await frame.getByLabel("End date").inputValue();
    await start.fill(`${Number(today.slice(0, 4)) - 6}${today.slice(4)}`);
    await expect.poll(() => frame.getByText("A date range can be at most 5 years").isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await frame.getByRole("button", { name: "Apply" }).isDisabled()).toBe(true);
    expect(await axeViolations(frame)).toEqual([]);

    await list.getByRole("button", { name: "Last month", exact: true }).click();
    await frame.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => new URL(appFrame(page).url()).searchParams.get("preset"), { timeout: 30_000 }).toBe("lastMonth");
    await expect.poll(() => frame.getByRole("button", { name: /^Date range: Last month/ }).isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => frame.getByRole("heading", { name: "Net sales", level: 3 }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("an address the server refuses keeps the page and its date controls, with a message in the picker's words", async () => {
    const { page, errors } = await open(1440, 900);
    await navigateInApp(page, "/app?from=2026-03-07&to=2026-03-01");
    const frame = appFrame(page);
    await expect.poll(() => frame.getByText("These report settings could not be used").isVisible(), { timeout: 30_000 }).toBe(true);
    const text = await frame.locator("body").innerText();
    expect(text).toContain("End date must be on or after the start date.");
    expect(text).not.toMatch(/\b(from|to|preset|compare):/);
    expect(await frame.getByRole("button", { name: /^Date range: Last 30 days/ }).isVisible()).toBe(true);
    expect(await frame.getByRole("heading", { name: "Net sales", level: 3 }).isVisible()).toBe(true);
    // The controls work from there.
    await openPicker(frame);
    await frame.getByRole("region", { name: "Choose a date range" }).getByRole("button", { name: "Year to date", exact: true }).click();
    await frame.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => new URL(appFrame(page).url()).searchParams.get("preset"), { timeout: 30_000 }).toBe("yearToDate");
    await expect.poll(() => frame.getByText("These report settings could not be used").count(), { timeout: 30_000 }).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  it("on a phone the picker fits: presets in a select, one month, Apply on screen; axe clean", async () => {
    const { page, frame, errors } = await open(390, 844);
    await openPicker(frame);
    const apply = frame.getByRole("button", { name: "Apply" });
    const box = await apply.boundingBox();
    expect(box, "Apply has a box").not.toBeNull();
    // Page coordinates (the frame sits inside the admin): on screen without scrolling anything.
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await frame.getByLabel("Date range", { exact: true }).evaluate((el) => el.tagName)).toBe("SELECT");
    expect(await axeViolations(frame)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "date-range-open-390.png") });
    await frame.getByLabel("Date range", { exact: true }).selectOption("monthToDate");
    await apply.click();
    await expect.poll(() => new URL(appFrame(page).url()).searchParams.get("preset"), { timeout: 30_000 }).toBe("monthToDate");
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
