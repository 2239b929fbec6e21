/**
 * The Activity page at desktop and phone widths: axe finds nothing (no table region to scroll
 * sideways on a phone: Polaris' condensed list), with screenshots.
 */
import path from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openViaAdminNav, titleBarButton } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe("Activity", () => {
  for (const [width, height] of [[1440, 900], [390, 844]] as const) {
    it(`is axe clean and has no sideways scroll at ${width} px`, async () => {
      const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const app = await openViaAdminNav(page, inject("e2e").adminUrl, "Activity", "/app/activity");
      await app.getByRole("heading", { name: "Activity", level: 1 }).waitFor();
      // Its action is in the admin's title bar.
      await expect.poll(() => titleBarButton(page, "Export CSV").isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await axeViolations(app)).toEqual([]);
      expect(await app.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, `activity-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
