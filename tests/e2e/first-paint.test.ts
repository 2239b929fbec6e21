/**
 * An embedded page's first paint does not wait for Polaris' stylesheet
 * (app/components/boot-skeleton.tsx): with nothing cached and the stylesheet held back, the frame
 * paints the page's title and skeleton, and nothing of the page itself (no unstyled content);
 * once the stylesheet arrives the page replaces the skeleton, styled. No timing is asserted:
 * the stylesheet is held until the paint has happened, whatever the machine's speed.
 */
import path from "node:path";

import type { Browser, Frame, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, launchChromium, MERCHANT_UA, openDashboardWithData } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

const paintsOf = (frame: Frame) =>
  frame.evaluate(() => performance.getEntriesByType("paint").map((entry) => ({ name: entry.name, at: entry.startTime })));

describe("an embedded page's first paint", () => {
  it("shows the page's title and skeleton before Polaris' stylesheet arrives, and never the page unstyled", async () => {
    // The demo's first sync must be over, so the dashboard has its figures.
    const warm = await browser.newPage({ userAgent: MERCHANT_UA });
    await openDashboardWithData(warm, inject("e2e").adminUrl);
    await warm.close();

    // A new context: an empty cache, as on a merchant's first open.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held: Route | null = null;
    await context.route(/\/build\/_assets\/styles-[^/]+\.css$/, async (route) => {
      held = route;
      await released;
      await route.continue();
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded" });

    // The frame paints while the stylesheet is held.
    let frame = appFrame(page);
    await expect.poll(async () => {
      frame = appFrame(page);
      return (await paintsOf(frame).catch(() => [])).some((paint) => paint.name === "first-contentful-paint");
    }, { timeout: 30_000 }).toBe(true);
    expect(held, "the stylesheet was asked for and is still held").not.toBeNull();
    const boot = frame.locator(".mn-boot");
    await expect.poll(() => boot.isVisible()).toBe(true);
    expect(await boot.locator("h1").textContent()).toBe("Dashboard");
    // Hidden from assistive technology: the page's own heading is the one that counts.
    expect(await boot.getAttribute("aria-hidden")).toBe("true");
    // Nothing of the page has been parsed yet: it cannot show unstyled.
    expect(await frame.evaluate(() => document.querySelector("main") === null)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "first-paint-skeleton.png") });

    release();
    await frame.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: 30_000 });
    await expect.poll(() => boot.isVisible()).toBe(false);
    // Polaris styles the page: its Page is centred with its max width (the browser default is none).
    const pageMaxWidth = await frame.locator(".Polaris-Page").first().evaluate((element) => getComputedStyle(element).maxWidth);
    expect(pageMaxWidth).not.toBe("none");
    await page.screenshot({ path: path.join(ARTIFACTS, "first-paint-page.png") });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
