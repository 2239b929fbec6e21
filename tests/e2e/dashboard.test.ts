import path from "node:path";

import type { Browser, Frame } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openDashboardWithData, titleBarButton } from "./browser";

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
    await expect.poll(() => app.getByText("Demo Store").first().isVisible(), { timeout: 30_000 }).toBe(true);
    // The first sync runs right after install; the page follows its progress by itself
    // and shows the reports when it ends, without a reload.
    // The sync card by its heading (a substring match would also find other text about store data).
    await expect.poll(() => app.getByRole("heading", { name: "Store data", exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    // The demo's first sync (5,000 orders) shares two cores with the other tests: up to 150 s, as openDashboardWithData allows.
    await expect.poll(() => app.getByText(/Last full sync:/).isVisible(), { timeout: 150_000 }).toBe(true);
    // The KPI card's heading (other "Net sales" texts, such as the chart's metric options, are not shown).
    await expect.poll(() => app.getByRole("heading", { name: "Net sales", level: 3 }).isVisible(), { timeout: 30_000 }).toBe(true);
    // App Bridge's nav menu reaches the admin's sidebar through the stand-in.
    await expect.poll(() => page.getByRole("navigation", { name: "App navigation" }).getByText("Dashboard").isVisible(), { timeout: 30_000 }).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});

/** A box in the frame's document (not the admin page's), so positions do not depend on the admin around it. */
async function boxIn(frame: Frame, selector: string) {
  return frame.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
  });
}

describe("the dashboard at desktop and phone widths", () => {
  for (const [width, height] of [[1440, 900], [390, 844]] as const) {
    it(`lays out its figures for ${width} px, its actions are in the admin's title bar and work, axe clean`, async () => {
      const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const frame = await openDashboardWithData(page, inject("e2e").adminUrl);
      const frameWidth = await frame.evaluate(() => document.documentElement.clientWidth);
      const frameHeight = await frame.evaluate(() => window.innerHeight);

      // KPI cards: two a row on a phone, three on a desktop; none wider than the frame.
      const cards = await Promise.all(["netSales", "totalSales", "orders"].map((key) => boxIn(frame, `[data-testid="kpi-${key}"]`)));
      const [first, second, third] = cards as [typeof cards[0], typeof cards[0], typeof cards[0]];
      expect(Math.abs(first.y - second.y), "the first two cards share a row").toBeLessThan(2);
      expect(second.x).toBeGreaterThan(first.x + first.width - 1);
      if (width === 390) expect(third.y, "the third card starts the next row").toBeGreaterThan(first.y + first.height - 1);
      else expect(Math.abs(third.y - first.y), "three cards a row").toBeLessThan(2);
      for (const card of cards) expect(card.x + card.width).toBeLessThanOrEqual(frameWidth);
      // Where the chart starts, in screens of the frame (printed: a layout figure, not a gate beyond ~1.5 screens).
      const chart = await boxIn(frame, '[data-testid="sales-chart"]');
      console.info(`[dashboard ${width}px] chart starts at ${Math.round(chart.y)} px = ${(chart.y / frameHeight).toFixed(2)} screens of ${frameHeight} px`);
      if (width === 390) expect(chart.y / frameHeight).toBeLessThanOrEqual(1.5);

      await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${width}.png`) });

      // Top products: Units reachable without scrolling sideways (a list on a phone, labelled figures).
      const table = frame.getByRole("heading", { name: /^Top products/ });
      await table.scrollIntoViewIfNeeded();
      const units = width === 390
        ? frame.locator("li").filter({ hasText: "Units" }).first().getByText("Units", { exact: true })
        : frame.getByRole("columnheader", { name: /Units/ });
      const unitsBox = await units.evaluate((el) => el.getBoundingClientRect().toJSON() as DOMRect);
      expect(unitsBox.x + unitsBox.width, "Units is inside the frame").toBeLessThanOrEqual(frameWidth);
      if (width === 390) {
        expect(await frame.getByRole("columnheader", { name: /Units/ }).count(), "no table headings on a phone: rows are a list").toBe(0);
        expect(await frame.getByLabel("Sort by").isVisible()).toBe(true);
      }
      expect(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), "no sideways scroll").toBe(true);

      // The page's actions are the admin's title-bar buttons, and only there.
      expect(await page.locator("#title").innerText()).toBe("Margin Notes");
      await expect.poll(() => titleBarButton(page, "Save report").isEnabled(), { timeout: 30_000 }).toBe(true);
      expect(await titleBarButton(page, "Export CSV").isVisible()).toBe(true);
      expect(await frame.getByRole("button", { name: "Save report" }).count(), "no second Save report in the page").toBe(0);
      expect(await frame.getByRole("button", { name: "Export CSV" }).count(), "no second Export CSV in the page").toBe(0);

      expect(await axeViolations(frame)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${width}-products.png`) });

      // Export from the title bar: the CSV downloads and the admin says so.
      const download = page.waitForEvent("download", { timeout: 60_000 });
      await titleBarButton(page, "Export CSV").click();
      expect((await download).suggestedFilename()).toMatch(/^margin-notes-report.*\.csv$/);
      await expect.poll(() => page.getByRole("status").innerText(), { timeout: 30_000 }).toBe("Report exported");

      if (width === 390) {
        // Save from the title bar, on a phone: the saved report opens, with its own title-bar action.
        await titleBarButton(page, "Save report").click();
        await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 30_000 }).toMatch(/^\/app\/reports\/[0-9a-f-]{36}$/);
        await expect.poll(() => page.locator("#title").innerText(), { timeout: 30_000 }).toBe("Saved report");
        await expect.poll(() => titleBarButton(page, "Export CSV").isVisible()).toBe(true);
        expect(await titleBarButton(page, "Save report").count(), "the dashboard's actions went with it").toBe(0);

        // The admin's nav is behind its Menu button at this width, and reaches the app.
        const reports = page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Reports", exact: true });
        expect(await reports.isVisible(), "the nav is folded").toBe(false);
        await page.getByRole("button", { name: "Menu" }).click();
        expect(await reports.isVisible()).toBe(true);
        await reports.click();
        await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 30_000 }).toBe("/app/reports");
        expect(await reports.isVisible(), "the nav folds again").toBe(false);
      }
      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
