/**
 * The Costs page in the simulated admin, on the demo store (whose owner is the
 * demo user): the dashboard's coverage note leads to the products without a cost;
 * a cost is edited from a date and its re-cost's progress ends in "re-costed"; an
 * import with a bad row is previewed with the row's line and message and cannot be
 * applied, a clean one is previewed then applied; the history shows both sources.
 * Screenshots at 1440×900 and 390×844; axe finds nothing.
 */
import path from "node:path";

import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openDashboardWithData, openViaAdminNav } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const historyTable = (app: Frame) => app.locator("table").filter({ has: app.getByRole("columnheader", { name: "Recorded" }) });

async function upload(app: Frame, name: string, text: string) {
  await app.locator('input[type="file"]').setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text) });
  await app.getByText(name).waitFor();
}

describe("Costs", () => {
  it("leads from the dashboard to the gaps, edits a cost from a date, imports a CSV with a preview, shows the history", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, userAgent: MERCHANT_UA });
    // The demo's first load installs, migrates and starts a sync: slow on a busy machine.
    page.setDefaultNavigationTimeout(120_000);
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    let app = await openDashboardWithData(page, inject("e2e").adminUrl);

    // When the period has net sales without a cost, the coverage note links to the products lacking one.
    const basis = await app.locator('[data-testid="profit-basis"]').innerText();
    const without = /([\d,]+\.\d\d) without/.exec(basis)?.[1];
    const link = app.locator('[data-testid="fix-costs-link"]');
    if (without && without !== "0.00") {
      expect(await link.getAttribute("href")).toBe("/app/costs?filter=missing");
      await link.click();
      await app.getByText("Margin Notes never writes costs to Shopify").waitFor();
      expect(new URL(app.url()).searchParams.get("filter")).toBe("missing");
    } else {
      expect(await link.count()).toBe(0);
      app = await openViaAdminNav(page, inject("e2e").adminUrl, "Costs", "/app/costs");
      await app.getByRole("tab", { name: "No cost recorded" }).click();
      await expect.poll(() => new URL(app.url()).searchParams.get("filter"), { timeout: 60_000 }).toBe("missing");
    }
    expect(await app.getByRole("tab", { name: "No cost recorded", selected: true }).count()).toBe(1);
    const badge = app.locator(".Polaris-Badge", { hasText: "No cost recorded" });
    await expect.poll(() => badge.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await axeViolations(app)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "costs-missing-1440.png"), fullPage: true });

    // Edit the first uncosted variant from the 1st of last month.
    const firstEdit = app.getByRole("button", { name: /^Edit cost and history of / }).first();
    await firstEdit.click();
    await historyTable(app).or(app.getByText("No cost recorded yet.")).first().waitFor();
    await expect.poll(() => new URL(app.url()).searchParams.get("variant"), { timeout: 30_000 }).toMatch(/^\d+$/);
    const variantId = new URL(app.url()).searchParams.get("variant");
    expect(variantId).toMatch(/^\d+$/);
    const currency = /Unit cost \(([A-Z]{3})\)/.exec(await app.locator("form").filter({ has: app.getByLabel(/Unit cost/) }).innerText())?.[1]
      ?? /\(([A-Z]{3}) only\)/.exec(await app.locator("body").innerText())![1]!;
    const today = await app.getByLabel("Effective from").inputValue();
    // Three weeks back: a date of its own, before today's import below.
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - 21 * 86_400_000).toISOString().slice(0, 10);

    // A bad amount is an inline error and saves nothing.
    await app.getByLabel(/Unit cost/).fill("12,50");
    await app.getByRole("button", { name: "Save cost" }).click();
    await app.getByText('Unit cost "12,50" is not a number').waitFor();
    expect(await app.getByLabel(/Unit cost/).getAttribute("aria-invalid")).toBe("true");

    await app.getByLabel(/Unit cost/).fill("7.25");
    await app.getByLabel("Effective from").fill(from);
    await app.getByRole("button", { name: "Save cost" }).click();
    // The re-cost runs as a job; the page follows its progress until it is done.
    await app.getByText(/Cost edit: re-costed \d+ sales? in \d+ orders?; reports are up to date\./).waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await historyTable(app).innerText()).includes("Edited in Margin Notes"), { timeout: 20_000 }).toBe(true);
    expect(await historyTable(app).innerText()).toContain(from);

    // Import: a file with a bad row is previewed with its line and cannot be applied.
    await upload(app, "bad-costs.csv", `Variant ID,Unit cost,Currency,Effective date\n${variantId},8.5,${currency},${today}\n${variantId},-2,${currency},${from}\n`);
    await app.getByRole("button", { name: "Preview", exact: true }).click();
    await app.getByText("Nothing was applied: fix these rows").waitFor();
    await app.getByText("Unit cost -2 is negative: costs are 0 or more.").waitFor();
    expect(await app.locator("table").filter({ has: app.getByRole("columnheader", { name: "Error" }) }).innerText()).toMatch(/^Line\s+Error\s+3\s/m);
    expect(await app.getByRole("button", { name: /^Apply/ }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "costs-import-errors-1440.png"), fullPage: true });

    // A clean file: preview, then apply its one change.
    await upload(app, "costs.csv", `Variant ID,Unit cost,Currency,Effective date\n${variantId},8.5,${currency},${today}\n`);
    await app.getByRole("button", { name: "Preview", exact: true }).click();
    await app.getByText("1 row: 1 to change, 0 unchanged, 0 with errors.").waitFor();
    await app.getByRole("button", { name: "Apply 1 change" }).click();
    await app.getByText("Imported: 1 cost changed").waitFor();
    await app.getByText(/Import of 1 cost: re-costed \d+ sales? in \d+ orders?; reports are up to date\./).waitFor({ timeout: 60_000 });
    await expect.poll(async () => (await historyTable(app).innerText()).includes("CSV import"), { timeout: 20_000 }).toBe(true);
    const history = await historyTable(app).innerText();
    expect(history.indexOf("CSV import")).toBeLessThan(history.indexOf("Edited in Margin Notes"));
    expect(await axeViolations(app)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "costs-history-1440.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();

    // A phone: the admin's nav reaches the page, which reads and scrolls at 390 px.
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, userAgent: MERCHANT_UA });
    phone.setDefaultNavigationTimeout(120_000);
    phone.setDefaultTimeout(60_000);
    app = await openViaAdminNav(phone, inject("e2e").adminUrl, "Costs", "/app/costs");
    await app.getByText("Margin Notes never writes costs to Shopify").waitFor();
    await app.getByRole("button", { name: /^Edit cost and history of / }).first().waitFor();
    const overflow = await app.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await axeViolations(app)).toEqual([]);
    await phone.screenshot({ path: path.join(ARTIFACTS, "costs-390.png"), fullPage: true });
    await phone.close();
  }, 420_000);
});
