import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { chromium, type Browser, type Frame, type Page } from "playwright-core";

export const ARTIFACTS = path.resolve("tests/artifacts");

/**
 * Headless Chromium says "HeadlessChrome" in its user agent, which Shopify's
 * library (isbot) answers with 410 Gone. Merchants use ordinary browsers: so do we.
 */
export const MERCHANT_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/** Debian's Chromium, headless; playwright cannot download browsers on these machines. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"],
  });
}

/** The app's iframe inside the simulated admin page. */
export function appFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.parentFrame() !== null);
  if (!frame) throw new Error("the admin page has no app frame");
  return frame;
}

/**
 * Opens the demo admin and waits for the dashboard's reports, hydrated. The demo syncs its
 * store after the first load and the page follows the sync by itself (no reload),
 * so this only waits. A demo without sales fails here, loudly: no test passes on
 * an empty store.
 */
export async function openDashboardWithData(page: Page, adminUrl: string): Promise<Frame> {
  // The admin page itself is quick; the first test of a run may wait for the app's first load.
  await page.goto(adminUrl, { waitUntil: "domcontentloaded", timeout: 150_000 });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const frame = appFrame(page);
    await frame.getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 60_000 });
    if (await frame.getByRole("heading", { name: "Net sales", level: 3 }).isVisible()) {
      // Ready to use: shown is not yet interactive (hydration follows the first paint).
      await waitForHydration(frame);
      return frame;
    }
    if (Date.now() > deadline) {
      const text = (await frame.locator("body").innerText()).slice(0, 600);
      throw new Error(`The demo store's dashboard shows no report after 120 s (has its first sync finished?). The page says:\n${text}`);
    }
    await page.waitForTimeout(1_000);
  }
}

const axeSource = (createRequire(import.meta.url)("axe-core") as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core's violations in a frame (the app's, inside the admin page). */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(axeSource);
  // A string, not a function: the test transform's helpers do not exist in the page.
  return frame.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  })))`);
}

/**
 * The admin, then its nav's link `label`, until the frame is on `pathname`. The nav reaches the
 * app as an event its provider listens for once hydrated (a click before hydration is lost, as
 * in the real admin), so it clicks once the app is hydrated, and again only if no navigation
 * started. At phone width the admin's nav is behind its Menu button.
 */
export async function openViaAdminNav(page: Page, adminUrl: string, label: string, pathname: string): Promise<Frame> {
  await page.goto(adminUrl, { waitUntil: "domcontentloaded" });
  await appFrame(page).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 60_000 });
  // Clicked again only when a click was lost (before the app listened: no navigation started);
  // a second click while the first navigation loads would interrupt it, and the router logs that.
  await waitForHydration(appFrame(page));
  const link = page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: label, exact: true });
  const arrived = () => new URL(appFrame(page).url()).pathname === pathname;
  const navigating = () => appFrame(page).evaluate(() =>
    (window as unknown as { __remixRouter?: { state: { navigation: { state: string } } } }).__remixRouter?.state.navigation.state !== "idle");
  const deadline = Date.now() + 30_000;
  while (!arrived()) {
    if (Date.now() > deadline) throw new Error(`the admin's "${label}" link did not reach ${pathname}`);
    if (!(await link.isVisible())) await page.getByRole("button", { name: "Menu" }).click();
    await link.click();
    // Started (or already there) within 2 s, or the click was lost.
    const clicked = Date.now();
    while (!arrived() && !(await navigating()) && Date.now() - clicked < 2_000) await page.waitForTimeout(50);
    while (!arrived() && (await navigating()) && Date.now() < deadline) await page.waitForTimeout(100);
  }
  return appFrame(page);
}

/**
 * A button of the admin's title bar: the page's actions are App Bridge title-bar buttons, which
 * the admin draws above the frame (the simulated admin's `#title-actions`), not buttons in the app.
 */
export function titleBarButton(page: Page, label: string) {
  return page.locator("#title-actions").getByRole("button", { name: label, exact: true });
}

/**
 * Until the app in `frame` is hydrated: the router exists and is idle (Remix publishes it in the
 * task that commits the hydration, app/entry.client.tsx). A click or a navigation before that is lost.
 */
export async function waitForHydration(frame: Frame): Promise<void> {
  await frame.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { initialized: boolean; navigation: { state: string } } } }).__remixRouter;
    return router?.state.initialized === true && router.state.navigation.state === "idle";
  }, undefined, { timeout: 30_000 });
}

/** A client-side navigation inside the app, as a link would make (Remix's router), once hydrated. */
export async function navigateInApp(page: Page, to: string): Promise<void> {
  const frame = appFrame(page);
  await waitForHydration(frame);
  await frame.evaluate((href) => (window as unknown as { __remixRouter: { navigate(to: string): Promise<void> } }).__remixRouter.navigate(href), to);
}

/** "$1,234.50" / "-$3.00" (the first amount in `text`) as integer cents. */
export function moneyCents(text: string): number {
  const m = /(-?)\$([\d,]+\.\d\d)/.exec(text);
  if (!m) throw new Error(`not money: ${text}`);
  return (m[1] ? -1 : 1) * Math.round(Number(m[2]!.replace(/,/g, "")) * 100);
}

/** A dashboard KPI card by its heading. */
export const kpiCard = (frame: Frame, label: string) => frame.locator("section").filter({ has: frame.getByRole("heading", { name: label, exact: true, level: 3 }) });
