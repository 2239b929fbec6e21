/**
 * Issue 13, first run: a fresh demo store (its own demo process, data dir and 5,000
 * seeded orders, apart from the shared e2e demo whose first sync ended long ago) is
 * opened in Chromium, and while its first sync runs on PGlite (one connection shared
 * by the import and every page) /app, /app/reports and /app/settings are requested
 * every ~100 ms as the admin frame requests them (document GET with a fresh session
 * token). The frame's first contentful paint is timed from its navigation start (the
 * dashboard streams its shell and skeleton before the figures). The figures are printed;
 * the assertions are generous bounds (first paint < 3 s, < 5 s a page, the frame's dashboard
 * within 30 s) so a loaded machine does not fail them, and the test fails if no request
 * overlapped the sync (it would prove nothing).
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startDemoProcess, type DemoProcess } from "../demo-process";

import { appFrame, launchChromium, MERCHANT_UA } from "./browser";

const PAGES = ["/app", "/app/reports", "/app/settings"] as const;
const EVERY_MS = 100;
const PAGE_BOUND_MS = 5_000;
const FIRST_PAINT_BOUND_MS = 3_000;

let demo: DemoProcess;
let browser: Browser;
beforeAll(async () => {
  // A fresh data dir: the demo creates and migrates its database before printing its URL.
  [demo, browser] = await Promise.all([startDemoProcess({ env: { ...process.env, DEMO_ORDERS: "5000" }, startTimeoutMs: 240_000 }), launchChromium()]);
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

/** The app's URL for `pathname` as the admin frames it, with a session token minted now. */
async function framedUrl(pathname: string): Promise<string> {
  const html = await (await fetch(demo.adminUrl)).text();
  const src = /id="app-frame"[^>]*\ssrc="([^"]+)"/.exec(html)?.[1];
  if (!src) throw new Error("the simulated admin page frames no app");
  const url = new URL(src.replaceAll("&amp;", "&"));
  url.pathname = pathname;
  return url.toString();
}

interface Sample {
  page: string;
  status: number;
  ms: number;
  /** The first sync had not completed when the request was sent. */
  duringSync: boolean;
}

/** One document request, read to its end (a streamed page counts when complete). */
async function requestPage(pathname: string): Promise<{ status: number; ms: number; body: string }> {
  const url = await framedUrl(pathname);
  const started = performance.now();
  const response = await fetch(url, { headers: { "User-Agent": MERCHANT_UA, Accept: "text/html" } });
  const body = await response.text();
  return { status: response.status, ms: performance.now() - started, body };
}

/**
 * The app frame's own clock (0 = its navigation start): its first byte, its first contentful
 * paint (the dashboard's skeleton: the page streams its shell before the figures) and the end
 * of its document (the figures streamed in).
 */
interface FrameTiming {
  firstByte: number;
  paint: number;
  complete: number;
  /** The stylesheets and scripts the frame fetched before its first paint: when each was asked for and arrived. */
  before: Array<{ name: string; start: number; end: number }>;
}

async function appFrameTiming(page: Page): Promise<FrameTiming> {
  await appFrame(page).waitForLoadState("load", { timeout: 30_000 });
  return appFrame(page).evaluate(() => new Promise<FrameTiming>((resolve) => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    new PerformanceObserver((list, observer) => {
      const paint = list.getEntriesByName("first-contentful-paint")[0];
      if (!paint) return;
      observer.disconnect();
      const before = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
        .filter((r) => r.startTime < paint.startTime && (r.initiatorType === "link" || r.initiatorType === "script"))
        .map((r) => ({ name: new URL(r.name).pathname.split("/").at(-1)!, start: r.startTime, end: r.responseEnd }));
      resolve({ firstByte: navigation.responseStart, paint: paint.startTime, complete: navigation.responseEnd, before });
    }).observe({ type: "paint", buffered: true });
  }));
}

const describeTiming = (t: FrameTiming) =>
  `first byte ${round(t.firstByte)}, first contentful paint ${round(t.paint)}, document complete ${round(t.complete)}`
  + `\n    before the paint: ${t.before.map((r) => `${r.name} ${Math.round(r.start)}→${Math.round(r.end)} ms`).join(", ") || "nothing fetched"}`;

const SYNC_DONE = /Last full sync:/;
const round = (ms: number) => `${Math.round(ms)} ms`;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

describe("first open of a fresh store (issue 13)", () => {
  it("shows the dashboard promptly and answers every page while the 5,000-order first sync runs", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // The first /app: the frame's document (install: token exchange, shop profile,
    // the sync's start) and the dashboard's heading, as the merchant sees it.
    const opened = performance.now();
    let documentMs = Number.NaN;
    page.on("response", (response) => {
      const url = new URL(response.url());
      if (url.pathname === "/app" && response.request().resourceType() === "document" && Number.isNaN(documentMs)) {
        documentMs = performance.now() - opened;
      }
    });
    await page.goto(demo.adminUrl, { waitUntil: "domcontentloaded" });
    await appFrame(page).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 30_000 });
    const dashboardMs = performance.now() - opened;
    const frameTiming = await appFrameTiming(page);

    // Every ~100 ms, the next page, until the dashboard says the sync completed.
    const samples: Sample[] = [];
    let synced = false;
    const deadline = Date.now() + 150_000;
    for (let i = 0; !synced && Date.now() < deadline; i++) {
      const pathname = PAGES[i % PAGES.length]!;
      const { status, ms, body } = await requestPage(pathname);
      samples.push({ page: pathname, status, ms, duringSync: !synced });
      if (pathname === "/app" && SYNC_DONE.test(body)) synced = true;
      await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
    }
    const during = samples.filter((s) => s.duringSync);

    console.log(`\n== first open of a fresh demo store (5,000 orders, PGlite)`);
    console.log(`  first /app document ${round(documentMs)}, dashboard heading visible ${round(dashboardMs)} after opening the admin`);
    console.log(`  app frame, from its navigation start: ${describeTiming(frameTiming)}`);
    for (const pathname of PAGES) {
      const times = during.filter((s) => s.page === pathname).map((s) => s.ms);
      if (times.length) console.log(`  ${pathname.padEnd(14)} during the first sync: ${times.length} requests, p50 ${round(quantile(times, 0.5))}, max ${round(Math.max(...times))}`);
    }
    const all = during.map((s) => s.ms);
    if (all.length) console.log(`  every page     during the first sync: ${all.length} requests, p50 ${round(quantile(all, 0.5))}, p95 ${round(quantile(all, 0.95))}, max ${round(Math.max(...all))}`);
    console.log(`  first sync completed: ${synced}; ${during.length} requests overlapped it`);

    // A later open of the installed store in the same browser (no install, no token exchange
    // within the hour; the app's scripts and styles cached, as a returning merchant has them).
    const again = await context.newPage();
    await again.goto(demo.adminUrl, { waitUntil: "domcontentloaded" });
    await appFrame(again).getByRole("heading", { name: "Dashboard" }).waitFor({ timeout: 30_000 });
    const laterTiming = await appFrameTiming(again);
    console.log(`  a later open (same browser), app frame: ${describeTiming(laterTiming)}`);
    await again.close();

    // The frame is never blank for long: a generous bound (the goal is 300 ms; printed above).
    expect(frameTiming.paint).toBeLessThan(FIRST_PAINT_BOUND_MS);
    expect(laterTiming.paint).toBeLessThan(FIRST_PAINT_BOUND_MS);
    expect(synced, "the first sync did not complete within 150 s").toBe(true);
    // Requests that overlapped the sync, or the figures say nothing about it.
    expect(during.length).toBeGreaterThanOrEqual(3);
    expect(during.filter((s) => s.status !== 200)).toEqual([]);
    // A generous bound (the goal is < 1 s; printed above): a page stuck behind the whole import fails it.
    expect(during.filter((s) => s.ms >= PAGE_BOUND_MS)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 300_000);
});
