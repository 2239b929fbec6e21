import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { queryRows, getDb } from "~/db/client.server";
import { sessions } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { loadShop } from "~/shops.server";

import {
  addStore, appHandler, bearerRequest, BROWSER_UA, embeddedRequest, hostParam, idToken, install, startSimulator,
} from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

function expectSecurityHeaders(response: Response, shop?: string) {
  const csp = response.headers.get("content-security-policy") ?? "";
  if (shop) expect(csp).toMatch(new RegExp(`frame-ancestors https://${shop.replace(/\./g, "\\.")} https://admin\\.shopify\\.com`));
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("base-uri 'self'");
  expect(response.headers.get("x-frame-options")).toBeNull();
  expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("permissions-policy")).toContain("camera=()");
}

/** Every table's rows as text, through app_system's policy (sessions included). */
async function dumpEveryTable(): Promise<string> {
  const db = await getDb();
  const tables = await queryRows<{ table: string }>(db, sql`
    select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' order by 1`);
  const parts: string[] = [];
  await asSystem("test: dump every table", async (tx) => {
    for (const { table } of tables) {
      if (table === "__drizzle_migrations") continue;
      parts.push(JSON.stringify(await queryRows(tx, sql`select * from ${sql.identifier(table)}`)));
    }
  });
  return parts.join("\n");
}

describe("embedded install and first page", () => {
  it("exchanges the session token, records the shop and renders its dashboard", async () => {
    const shop = newShop();
    addStore(simulator, shop, { name: "Harbour Goods", currencyCode: "CAD", ianaTimezone: "America/Toronto" });
    const response = await (await appHandler())(embeddedRequest(shop));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Harbour Goods");
    expect(html).toContain("America/Toronto");
    // Remix runs the layout and page loaders in parallel: each may exchange once on first load.
    expect(simulator.calls.tokenExchanges).toBeGreaterThanOrEqual(1);
    expect(await loadShop(shop)).toMatchObject({ shopId: shop, currencyCode: "CAD", ianaTimezone: "America/Toronto", uninstalledAt: null });
    expectSecurityHeaders(response, shop);
  });

  it("stores the offline session with expiring tokens, sealed, and reuses it", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const [row] = await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop)));
    expect(row?.accessToken).toMatch(/^v1:test-1:/);
    expect(row?.refreshToken).toMatch(/^v1:test-1:/);
    expect(row?.expires?.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    // Every row of every table, raw: no token may appear in any of them.
    const raw = await dumpEveryTable();
    expect(raw.length).toBeGreaterThan(1000);
    expect(raw).not.toMatch(/shpat_|shprt_/);
    const exchanges = simulator.calls.tokenExchanges;
    await (await appHandler())(embeddedRequest(shop));
    expect(simulator.calls.tokenExchanges).toBe(exchanges);
  });

  it("keeps another shop's dashboard out of reach: the shop comes from the token, not the URL", async () => {
    const a = newShop("a");
    const b = newShop("b");
    await install(simulator, a);
    addStore(simulator, b, { name: "Other Shop" });
    await install(simulator, b);
    // A token for A with B's domain in the query string is refused outright.
    const params = new URLSearchParams({ embedded: "1", shop: b, host: hostParam(b), id_token: idToken(a) });
    const response = await (await appHandler())(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
    expect(await response.text()).not.toContain("Other Shop");
  });
});

describe("requests that must be refused", () => {
  it("answers a forged session token on a fetch with 401, never 500", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const response = await (await appHandler())(bearerRequest(shop, "/app.data", { token: idToken(shop, { secret: "not-the-secret" }) }));
    expect(response.status).toBe(401);
    expect(response.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
  });

  it("answers an expired session token on a fetch with 401", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const response = await (await appHandler())(bearerRequest(shop, "/app.data", { token: idToken(shop, { expiresIn: -120 }) }));
    expect(response.status).toBe(401);
  });

  it("sends a document request with a forged token to the bounce page, not a 500", async () => {
    const shop = newShop();
    addStore(simulator, shop);
    const response = await (await appHandler())(embeddedRequest(shop, "/app", idToken(shop, { secret: "forged" })));
    expect(response.status).toBeLessThan(500);
    expect(simulator.calls.tokenExchanges).toBe(0);
    expect(await loadShop(shop)).toBeUndefined();
  });

  it("answers bots as Shopify's library does (410 Gone)", async () => {
    const shop = newShop();
    const request = embeddedRequest(shop);
    request.headers.set("User-Agent", "curl/8.5.0");
    const response = await (await appHandler())(request);
    expect(response.status).toBe(410);
  });

  it("does not reflect a foreign ?shop= anywhere in the response", async () => {
    for (const pathname of ["/", "/app", "/auth/login"]) {
      const response = await (await appHandler())(
        new Request(`${TEST_APP_URL}${pathname}?shop=evil.com&host=ZXZpbC5jb20`, { headers: { "User-Agent": BROWSER_UA } }),
      );
      expect(response.status, pathname).toBeLessThan(500);
      const everything = JSON.stringify([...response.headers]) + (await response.text());
      expect(everything, pathname).not.toContain("evil.com");
    }
  });
});

describe("headers on every response", () => {
  it("sets the header set on data responses and resource routes", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const data = await (await appHandler())(bearerRequest(shop, "/app/_index.data".replace("/_index", "")));
    expect(data.status).toBe(200);
    expectSecurityHeaders(data);
    const health = await (await appHandler())(new Request(`${TEST_APP_URL}/healthz`));
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");
    expectSecurityHeaders(health);
    expect(health.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
