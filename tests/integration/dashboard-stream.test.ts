/**
 * Issue 13, "the frame is never blank": a browser opening the dashboard (Fetch Metadata
 * `Sec-Fetch-Mode: navigate`, as the admin's frame sends it) gets the page's shell (its title
 * bar and a skeleton) as soon as the request is authenticated, and the figures later in the
 * same response; every other request (Remix's data fetches, these tests' plain documents)
 * still waits for the figures, with the status that says what happened (reports.test.ts).
 */
import { eq, sql } from "drizzle-orm";
import { http } from "msw";
import { beforeEach, describe, expect, inject, it } from "vitest";

import { getDb } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { REPORT_UNAVAILABLE_MESSAGE } from "~/db/query-limits.server";

import { addStore, appHandler, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mswServer } from "../mocks/msw-server";
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

/**
 * A first open: the shell goes out once the session token is proved, before the library's
 * token exchange and the install, which run inside the stream (app.tsx, verifiedFramingShop).
 */
describe("the first open of a store", () => {
  /** Holds the store's token exchange until released; Shopify's answer (the simulator's) follows. */
  function holdTokenExchange(shop: string) {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let asked = false;
    // A resolver that returns nothing passes the request on to the next handler (the simulator).
    mswServer.use(http.post(`https://${shop}/admin/oauth/access_token`, async () => {
      asked = true;
      await released;
    }));
    return { release, wasAsked: () => asked };
  }

  const shopRows = async (shop: string) => (await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)))).length;

  it("sends the shell and skeleton before Shopify answers the token exchange, then the installed dashboard", async () => {
    const shop = newShop("first-open");
    addStore(simulator, shop);
    const exchange = holdTokenExchange(shop);
    const response = await request(navigation(shop));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain(`frame-ancestors https://${shop}`);
    const reader = response.body!.getReader();
    const shell = await readUntil(reader, "Loading the report");
    expect(shell, "the shell carries the skeleton").not.toBeNull();
    expect(shell).toContain('<ui-title-bar title="Margin Notes"');
    // Nothing of the store's yet: the exchange is held and nothing is installed.
    expect(shell).not.toContain("Net sales");
    expect(await shopRows(shop)).toBe(0);
    exchange.release();
    const rest = await readRest(reader);
    expect(exchange.wasAsked()).toBe(true);
    expect(await shopRows(shop)).toBe(1);
    expect(rest).toContain("Test Store");
  });

  it("a token Shopify will not exchange after the shell: the page goes to the bounce page for a fresh one, nothing installed", async () => {
    const shop = newShop("first-open");
    // Not a store the simulator knows: its token exchange is refused (404 shop_not_found).
    const response = await request(navigation(shop));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Loading the report");
    expect(html).toContain("/auth/session-token");
    expect(html).not.toContain("Net sales");
    expect(await shopRows(shop)).toBe(0);
  });

  it("every other page waits for the library's whole authentication: a token Shopify refuses renders none of them", async () => {
    // Not stores the simulator knows: their token exchange is refused.
    for (const path of ["/app/reports", "/app/reports/00000000-0000-4000-8000-000000000000", "/app/costs", "/app/expenses", "/app/activity", "/app/settings", "/app/trust", "/app/no-such-page"]) {
      const shop = newShop("first-open");
      const request_ = navigation(shop);
      const url = new URL(request_.url);
      url.pathname = path;
      const response = await request(new Request(url, { headers: request_.headers }));
      // The bounce page for a fresh token, or (once the source's failed exchanges are used up) 429.
      expect([302, 429], path).toContain(response.status);
      if (response.status === 302) expect(response.headers.get("location"), path).toContain("/auth/session-token");
      expect(await response.text(), path).not.toContain("ui-title-bar");
      expect(await shopRows(shop), path).toBe(0);
    }
  });

  it("a token that does not verify gets no shell: the library's answer, as before", async () => {
    const shop = newShop("first-open");
    addStore(simulator, shop);
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { secret: "not-the-app-secret" }) });
    const response = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA, "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe" } }));
    expect(response.status).not.toBe(200);
    const body = await response.text();
    expect(body).not.toContain("Loading the report");
    expect(await shopRows(shop)).toBe(0);
  });
});
