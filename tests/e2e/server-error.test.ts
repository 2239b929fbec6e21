/**
 * Issue 13, "error pages keep the title bar": an unexpected server error under /app is shown in
 * the app's frame, titled in the admin's title bar, with a plain message, the way back to the
 * dashboard and the request id to quote, never the error's own text; axe clean. The fault is a
 * real one: the Expenses page's loader reads a table the test has renamed away (as a botched
 * migration would leave it), so it throws a database error. The demo runs in this process
 * (tests/mocks/demo-server.ts), a small store of its own, so the test can reach its database;
 * the table is put back before the test ends.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { sql } from "drizzle-orm";
import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Database } from "~/db/client.server";

import { startDemo } from "../mocks/demo-server";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openDashboardWithData, waitForHydration } from "./browser";

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
let dataDir: string;
beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "margin-notes-error-"));
  // A small store (its first sync is quick) and a quiet log: the error the test provokes is logged.
  process.env.DEMO_ORDERS = "60";
  process.env.LOG_LEVEL = "error";
  [demo, browser] = await Promise.all([startDemo({ dataDir, appPort: 0, adminPort: 0 }), launchChromium()]);
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The build's database, opened by the demo in this process (app/db/client.server.ts keeps it on globalThis). */
async function appDatabase(): Promise<Database> {
  const held = (globalThis as unknown as { __marginNotesDb?: Promise<Database> }).__marginNotesDb;
  if (!held) throw new Error("the demo has not opened its database");
  return held;
}

/** Runs `check` while the Expenses page's table is missing. */
async function withoutExpensesTable(check: () => Promise<void>): Promise<void> {
  const { db } = await appDatabase();
  await db.execute(sql`alter table custom_costs rename to custom_costs_away`);
  try {
    await check();
  } finally {
    await db.execute(sql`alter table custom_costs_away rename to custom_costs`);
  }
}

async function expectErrorPage(page: Page, frame: Frame, requestId: string | undefined, name: string) {
  await frame.getByRole("heading", { name: "Something went wrong", level: 1 }).waitFor({ timeout: 30_000 });
  // The admin draws the page's title from the app's <ui-title-bar>; its nav menu is still there.
  await expect.poll(() => page.locator("#title").innerText(), { timeout: 30_000 }).toBe("Something went wrong");
  expect(await page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Expenses", exact: true }).count()).toBe(1);
  const text = await frame.locator("body").innerText();
  expect(text).toContain("Margin Notes ran into a problem on its side.");
  expect(await frame.getByRole("link", { name: "Go to the dashboard" }).count()).toBe(1);
  // The id the response carried (X-Request-Id), which every log line of the request carries too.
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(text).toContain(`Request id: ${requestId}`);
  // Nothing of the fault itself.
  for (const internal of ["custom_costs", "relation", "does not exist", "Unexpected Server Error", "Error:", "    at "]) {
    expect(text, internal).not.toContain(internal);
  }
  expect(await axeViolations(frame), name).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, `server-error-${name}.png`), fullPage: true });
}

describe("an unexpected server error under /app", () => {
  it("is shown in the app's frame with the title bar, a plain message, the way back and the request id; axe clean", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
    const browserErrors: string[] = [];
    page.on("pageerror", (e) => browserErrors.push(e.message));
    const requestIds = new Map<string, string>();
    page.on("response", (r) => {
      const id = r.headers()["x-request-id"];
      if (id) requestIds.set(new URL(r.url()).pathname, id);
    });
    const frame = await openDashboardWithData(page, demo.adminUrl);
    await waitForHydration(frame);

    await withoutExpensesTable(async () => {
      // In the app: the admin's nav menu, a client-side navigation whose data request fails.
      await page.getByRole("navigation", { name: "App navigation" }).getByRole("link", { name: "Expenses", exact: true }).click();
      await expect.poll(() => requestIds.get("/app/expenses.data"), { timeout: 30_000 }).toBeDefined();
      await expectErrorPage(page, appFrame(page), requestIds.get("/app/expenses.data"), "navigation");

      // Opened as a page (the admin framing that address, with a fresh session token): the
      // document itself is the 500, framed for the shop.
      await page.goto(demo.adminUrl, { waitUntil: "domcontentloaded" });
      // The frame's own first navigation (to /app) first, or it interrupts the one below: the
      // frame is another site's, loaded by a renderer of its own, on its own time.
      await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 30_000 }).toBe("/app");
      await appFrame(page).waitForLoadState("load");
      const src = new URL((await page.locator("#app-frame").getAttribute("src"))!);
      src.pathname = "/app/expenses";
      const document = await appFrame(page).goto(src.toString());
      expect(document?.status()).toBe(500);
      await expectErrorPage(page, appFrame(page), document?.headers()["x-request-id"], "document");
    });

    // The way back works once the fault is gone.
    await appFrame(page).getByRole("link", { name: "Go to the dashboard" }).click();
    await appFrame(page).getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: 30_000 });
    expect(browserErrors).toEqual([]);
    await page.close();
  }, 300_000);
});
