/**
 * The Expenses page in the simulated admin (issue 14): reached from the app's nav; a
 * custom cost with a bad amount is refused inline on its field and nothing is listed; a
 * good one is added, edited and deleted; a shipping rule by method asks for the method.
 * axe clean; screenshots in tests/artifacts/. Leaves the demo store as it found it.
 */
import path from "node:path";

import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openViaAdminNav } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Each save is a round trip through the owner check and a write: slow on a loaded machine. */
const SLOW = { timeout: 30_000, interval: 250 };
const customForm = (app: Frame) => app.getByRole("form", { name: "Add a custom cost" });
const shippingForm = (app: Frame) => app.getByRole("form", { name: "Add a shipping rule" });

describe("Expenses", () => {
  it("adds, edits and deletes a custom cost with inline errors; a rule by method asks for the method; axe clean", async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // The shared CI machine can be slow to serve the first document.
    page.setDefaultNavigationTimeout(120_000);
    const app = await openViaAdminNav(page, inject("e2e").adminUrl, "Expenses", "/app/expenses");
    await app.getByRole("heading", { name: "Custom costs" }).waitFor();
    expect(await app.getByRole("heading", { name: "Payment fee rates" }).isVisible()).toBe(true);

    // A bad amount: refused on its field, nothing listed.
    const form = customForm(app);
    await form.getByLabel("Name").fill("Apps (e2e)");
    await form.getByLabel(/^Amount/).fill("-5");
    await form.getByLabel("Start date").fill("2026-01-01");
    await form.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => form.getByText("Amount must be an amount like 12.50 (not negative, at most 4 decimals)").isVisible(), SLOW).toBe(true);
    expect(await form.getByLabel(/^Amount/).getAttribute("aria-invalid")).toBe("true");
    expect(await app.getByRole("list", { name: "Custom costs" }).count()).toBe(0);
    expect(await axeViolations(app)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "expenses-error-1440.png"), fullPage: true });

    // A good one is listed, in the store's currency.
    await form.getByLabel(/^Amount/).fill("310");
    await form.getByRole("button", { name: "Add" }).click();
    const list = app.getByRole("list", { name: "Custom costs" });
    await expect.poll(() => list.getByText("Apps (e2e): $310.00 a month from 2026-01-01").isVisible(), SLOW).toBe(true);
    expect(await form.getByLabel("Name").inputValue()).toBe("");

    // Edit it.
    await list.getByRole("button", { name: "Edit Apps (e2e): $310.00 a month from 2026-01-01" }).click();
    const edit = app.getByRole("form", { name: "Edit a custom cost" });
    await edit.getByLabel(/^Amount/).fill("320.50");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => list.getByText("Apps (e2e): $320.50 a month from 2026-01-01").isVisible(), SLOW).toBe(true);

    // A shipping rule by method asks for the method.
    const rule = shippingForm(app);
    await rule.getByLabel("Charge").selectOption("per_method_order");
    await rule.getByLabel(/^Amount/).fill("4.20");
    await rule.getByRole("button", { name: "Add" }).click();
    await expect.poll(() => rule.getByText("Shipping method is required for a rule by method").isVisible(), SLOW).toBe(true);
    await rule.getByLabel("Shipping method").fill("Express");
    await rule.getByRole("button", { name: "Add" }).click();
    const rules = app.getByRole("list", { name: "Shipping rules" });
    await expect.poll(async () => (await rules.count()) > 0 && (await rules.getByText(/\$4\.20 per order shipped by "Express"/).isVisible()), SLOW).toBe(true);

    expect(await axeViolations(app)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, "expenses-1440.png"), fullPage: true });

    // Delete both: the demo store is left as it was.
    await list.getByRole("button", { name: /^Delete Apps \(e2e\)/ }).click();
    await expect.poll(() => app.getByRole("list", { name: "Custom costs" }).count(), SLOW).toBe(0);
    await rules.getByRole("button", { name: /^Delete \$4\.20 per order shipped by "Express"/ }).click();
    await expect.poll(() => app.getByText('per order shipped by "Express"').count(), SLOW).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
