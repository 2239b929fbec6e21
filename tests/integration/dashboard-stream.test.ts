/**
 * Issue 13, "the frame is never blank": a browser opening the dashboard (Fetch Metadata
 * `Sec-Fetch-Mode: navigate`, as the admin's frame sends it) gets the page's shell (its title
 * bar and a skeleton) as soon as the request is authenticated, and the figures later in the
 * same response; every other request (Remix's data fetches, these tests' plain documents)
 * still waits for the figures, with the status that says what happened (reports.test.ts).
 */
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, inject, it } from "vitest";

import { getDb } from "~/db/client.server";
import { REPORT_UNAVAILABLE_MESSAGE } from "~/db/query-limits.server";

import { addStore, appHandler, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { seedSales } from "../report-fixtures";
import { TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);
const WEEK = { from: "2026-03-01", to: "2026-03-07" };

/** The admin framing /app: a browser navigation of an iframe. */
function navigation(shop: string, query: Record<string, string> = {}): Request {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), ...query });
  return new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe" } });
}

async function installShop(shop: string) {
  addStore(simulator, shop);
  const response = await request(navigation(shop));
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${await response.text()}`);
  await response.text();
}

/** The response's text up to (and including) the chunk that holds `marker`; null if it never comes. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, marker: string): Promise<string | null> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return null;
    text += decoder.decode(value, { stream: true });
    if (text.includes(marker)) return text;
  }
}

async function readRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
}

describe("the dashboard opened by a browser", () => {
  it("renders the whole page in the response: the title bar, the figures and the actions", async () => {
    const shop = newShop("stream");
    await installShop(shop);
    await seedSales(shop);
    const response = await request(navigation(shop, WEEK));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain(`frame-ancestors https://${shop}`);
    const html = await response.text();
    for (const text of ['<ui-title-bar title="Margin Notes"', "Net sales", "$160.00", "Linen Shirt", "Save report", "Export CSV", "Compare to"]) {
      expect(html, text).toContain(text);
    }
  });

  it("says what is wrong with bad report settings, on the default period (the status was sent with the shell: 200)", async () => {
    const shop = newShop("stream");
    await installShop(shop);
    await seedSales(shop);
    const response = await request(navigation(shop, { from: "2026-03-07", to: "2026-03-01" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("These report settings could not be used");
    expect(html).toContain("End date must be on or after the start date.");
    expect(html).toContain("Change date range");
  });

  // PGlite is one connection: a lock held by the test would stop the authentication too.
  it.runIf(inject("database").driver === "postgres")("streams the shell and skeleton before the figures, and a report that cannot be read then says so", async () => {
    const shop = newShop("stream");
    await installShop(shop);
    await seedSales(shop);
    // A migration-like lock on the table the KPIs read: the report waits for it past its lock
    // timeout (REQUEST_LIMITS), the authentication and the shell do not.
    await (await getDb()).transaction(async (owner) => {
      await owner.execute(sql`lock table daily_totals in access exclusive mode`);
      const response = await request(navigation(shop, WEEK));
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const shell = await readUntil(reader, "Loading the report");
      expect(shell, "the shell carries the skeleton").not.toBeNull();
      expect(shell).toContain('<ui-title-bar title="Margin Notes"');
      expect(shell).toContain("Dashboard");
      expect(shell).not.toContain("Net sales");
      expect(shell).not.toContain("The report is not available right now");
      const rest = await readRest(reader);
      expect(rest).toContain("The report is not available right now");
      expect(rest).toContain(REPORT_UNAVAILABLE_MESSAGE.replaceAll("'", "&#x27;").split(",")[0]);
    });
  });
});
