/**
 * The saved reports list in Chromium at desktop and phone widths (issue 13): each report's
 * headline figures, summary and saved time (zone named), axe clean, nothing scrolling
 * sideways; the owner deletes a report through Polaris' confirmation, and Activity then
 * says so in words. Screenshots in tests/artifacts/.
 */
import path from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, navigateInApp, openDashboardWithData, titleBarButton } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const noSidewaysScroll = () => document.documentElement.scrollWidth <= document.documentElement.clientWidth;
// A raw audit code on screen ("report.deleted") instead of its label.
const RAW_ACTION = /\b(app|report|narrative|sync|audit|costs|expenses|settings|data|keys|shop|customers|webhook)\.[a-z_]+\b/;

describe("the saved reports list", () => {
  it("shows a saved report's figures at 1440 and 390 px, and its owner deletes it after confirming", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await openDashboardWithData(page, inject("e2e").adminUrl);
    await expect.poll(() => titleBarButton(page, "Save report").isEnabled(), { timeout: 30_000 }).toBe(true);
    await titleBarButton(page, "Save report").click();
    await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 30_000 }).toMatch(/^\/app\/reports\/[0-9a-f-]{36}$/);
    const reportId = new URL(appFrame(page).url()).pathname.split("/").at(-1)!;

    await navigateInApp(page, "/app/reports");
    const frame = appFrame(page);
    await frame.getByRole("heading", { name: "Saved reports", level: 1 }).waitFor({ timeout: 30_000 });
    const row = frame.locator("tr", { has: frame.locator(`a[href$="/app/reports/${reportId}"]`) });
    await row.waitFor({ timeout: 30_000 });
    const text = await row.innerText();
    // Net sales, gross profit, net profit as money; the orders count; no summary yet; the saved time with its zone.
    expect(text.match(/\$[\d,]+\.\d\d/g)?.length ?? 0, text).toBeGreaterThanOrEqual(3);
    expect(text).toContain("No summary");
    expect(text).toMatch(/\d{1,2}:\d\d [AP]M [A-Z]{3,4}|GMT[+-]\d/);
    for (const heading of ["Net sales", "Gross profit", "Net profit", "Orders", "Summary", "Saved"]) {
      expect(await frame.getByRole("columnheader", { name: heading, exact: true }).count(), heading).toBe(1);
    }
    expect(await axeViolations(frame)).toEqual([]);
    expect(await frame.evaluate(noSidewaysScroll)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "reports-list-1440.png"), fullPage: true });

    // A phone: Polaris' condensed list, each figure named (no column headings), nothing sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    const item = frame.locator("li", { has: frame.locator(`a[href$="/app/reports/${reportId}"]`) });
    await item.waitFor({ timeout: 30_000 });
    const itemText = await item.innerText();
    for (const label of ["Net sales", "Gross profit", "Net profit"]) expect(itemText).toMatch(new RegExp(`${label}: \\$[\\d,]+\\.\\d\\d`));
    expect(itemText).toMatch(/Orders: [\d,]+/);
    // Readable, not clipped: every line of the item fits its width (a row laid out sideways would not).
    expect(await item.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    expect(await frame.getByText(/^Gross profit:/).first().isVisible()).toBe(true);
    await expect.poll(() => frame.evaluate(noSidewaysScroll), { timeout: 10_000 }).toBe(true);
    expect(await axeViolations(frame)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "reports-list-390.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await row.waitFor({ timeout: 30_000 });

    // The owner's delete: a confirmation first (Cancel keeps it), then the report is gone.
    await row.getByRole("button", { name: /^Delete/ }).click();
    const dialog = frame.getByRole("dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached", timeout: 10_000 });
    expect(await row.count()).toBe(1);
    await row.getByRole("button", { name: /^Delete/ }).click();
    await dialog.getByRole("button", { name: "Delete report" }).waitFor();
    expect(await dialog.innerText()).toMatch(/deleted for good/);
    expect(await axeViolations(frame)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "reports-delete-confirm-1440.png") });
    await dialog.getByRole("button", { name: "Delete report" }).click();
    await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe("Report deleted");
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(0);

    // Activity says it in words, the deleted report named, not linked.
    await navigateInApp(page, "/app/activity");
    await frame.getByRole("heading", { name: "Activity", level: 1 }).waitFor({ timeout: 30_000 });
    const deleted = frame.locator("tr", { hasText: "Report deleted" }).first();
    await deleted.waitFor({ timeout: 30_000 });
    expect(await deleted.innerText()).toMatch(/Deleted report \(/);
    expect(await deleted.getByRole("link").count()).toBe(0);
    // The Action column (targets and details may hold dotted names such as a shop's domain).
    for (const action of await frame.locator("table tbody tr > :nth-child(2)").allInnerTexts()) expect(action).not.toMatch(RAW_ACTION);

    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
