/**
 * Hydration is one uninterrupted step (app/entry.client.tsx). Remix creates its router, and
 * publishes it as window.__remixRouter, inside the hydration render; when that render was a
 * transition, React sliced it and let other tasks run between the slices, so a navigation
 * asked for as soon as the router existed (the date-range test did this; a popstate or any
 * router call can) changed the router's state mid-hydration. The dashboard then rendered a
 * different page than the server sent (the new period loading, or already refused) and React
 * threw #418 and re-rendered everything on the client: seen once in a full CI run on a loaded
 * machine, where hydration is slow.
 *
 * Here the navigation is asked for at the first moment another piece of code can run after the
 * router exists (a microtask queued when Remix publishes it), with the CPU slowed down so the
 * hydration cannot fit in one of React's 5 ms slices. It must land after hydration, and the page
 * must hydrate without an error and then follow the navigation.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, launchChromium, MERCHANT_UA, openDashboardWithData } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** An address the server refuses (end before start): a 400 that still renders the dashboard. */
const TARGET = "/app?from=2026-03-07&to=2026-03-01";

interface EarlyNavigation {
  /** Whether React had hydrated the app's <main> when the navigation started. */
  mainHydrated: boolean;
}

describe("hydration", () => {
  it("a navigation asked for as soon as the router exists starts after hydration: no mismatch (#418), the page follows it", async () => {
    // The demo's first sync must be over, so the dashboard has reports to hydrate.
    const warm = await browser.newPage({ userAgent: MERCHANT_UA });
    await openDashboardWithData(warm, inject("e2e").adminUrl);
    await warm.close();

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error" && /React error|hydrat/i.test(m.text())) errors.push(m.text());
    });
    // Runs in the app's frame before its scripts: when Remix publishes its router, navigate at
    // the first chance any other code gets (the end of the current task).
    await page.addInitScript((target) => {
      if (window === window.top || location.pathname !== "/app") return;
      let router: { navigate(to: string): Promise<void> } | undefined;
      Object.defineProperty(window, "__remixRouter", {
        configurable: true,
        get: () => router,
        set(value: { navigate(to: string): Promise<void> }) {
          const first = router === undefined;
          router = value;
          if (!first) return;
          queueMicrotask(() => {
            const main = document.querySelector("main");
            const early: EarlyNavigation = { mainHydrated: main !== null && Object.keys(main).some((key) => key.startsWith("__reactFiber")) };
            (window as unknown as { __earlyNavigation: EarlyNavigation }).__earlyNavigation = early;
            void value.navigate(target);
          });
        },
      });
    }, TARGET);
    // Slow enough that the dashboard's hydration takes longer than one of React's 5 ms slices.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });

    await page.goto(inject("e2e").adminUrl, { waitUntil: "domcontentloaded", timeout: 150_000 });
    const frame = appFrame(page);
    await expect.poll(() => frame.getByText("These report settings could not be used").isVisible(), { timeout: 120_000 }).toBe(true);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });

    const early = await frame.evaluate(() => (window as unknown as { __earlyNavigation?: EarlyNavigation }).__earlyNavigation);
    console.log(`navigation asked for at the router's creation started with <main> ${early?.mainHydrated ? "hydrated" : "not yet hydrated"}; page errors: ${errors.length ? errors.join(" | ") : "none"}`);
    expect(early, "the router was published and the navigation asked for").toBeDefined();
    expect(early!.mainHydrated, "the navigation started only after hydration").toBe(true);
    // The navigation went through: the refusal's message, the default period's controls.
    expect(new URL(frame.url()).searchParams.get("from")).toBe("2026-03-07");
    expect(await frame.getByText("End date must be on or after the start date.").isVisible()).toBe(true);
    expect(await frame.getByRole("button", { name: /^Date range: Last 30 days/ }).isVisible()).toBe(true);
    // And no hydration error (#418 text mismatch, #423 root re-rendered, #425 text differs).
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
