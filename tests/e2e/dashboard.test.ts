import path from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { ARTIFACTS, launchChromium, MERCHANT_UA } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("the demo store in the simulated admin", () => {
  it("installs the app through the admin frame and shows the embedded dashboard", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });
    const app = page.frameLocator("#app-frame");
    await expect.poll(() => app.getByRole("heading", { name: "Dashboard" }).isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => app.getByText("Demo Store").first().isVisible()).toBe(true);
    // The first sync runs right after install; the page follows its progress by itself
    // and shows the reports when it ends, without a reload.
    await expect.poll(() => app.getByText("Store data").isVisible()).toBe(true);
    await expect.poll(() => app.getByText(/Last full sync:/).isVisible(), { timeout: 60_000 }).toBe(true);
    await expect.poll(() => app.getByText("Net sales").first().isVisible()).toBe(true);
    // App Bridge's nav menu reaches the admin's sidebar through the stand-in.
    await expect.poll(() => page.getByRole("navigation", { name: "App navigation" }).getByText("Dashboard").isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
