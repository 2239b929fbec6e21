/**
 * Issue 16, "No input reaches a 500" and "Headers": each request below answered 500,
 * or put an untrusted `shop` into a header, before the doors in
 * app/security/shopify-doors.server.ts and request-guards.server.ts.
 */
import { randomUUID } from "node:crypto";

import { beforeEach, describe, expect, it } from "vitest";

import { loadShop } from "~/shops.server";
import { policies, rateLimit } from "~/security/rate-limit.server";

import {
  appHandler, bearerRequest, BROWSER_UA, embeddedRequest, hostParam, idToken, install, startSimulator,
} from "../app-harness";
import { newShop } from "../factories";
import { mswServer } from "../mocks/msw-server";
import { mintSessionToken } from "../mocks/shopify/session-token";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const url = (path: string) => `${TEST_APP_URL}${path}`;
const browser = (path: string, init: RequestInit = {}) =>
  new Request(url(path), { ...init, headers: { "User-Agent": BROWSER_UA, ...(init.headers as Record<string, string> | undefined) } });
const handle = async (request: Request, remoteAddress?: string) =>
  (await appHandler())(request, remoteAddress ? { remoteAddress } : undefined);
/** A fresh documentation-range address, so per-source limits start empty. */
const freshAddress = () => `2001:db8::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}`;

function expectHeaderSet(response: Response) {
  expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("permissions-policy")).toContain("camera=()");
  expect(response.headers.get("content-security-policy")).toContain("frame-ancestors");
  expect(response.headers.get("x-frame-options")).toBeNull();
}

/** Status, headers and body as one string, to assert what must never appear anywhere. */
async function everything(response: Response): Promise<string> {
  return JSON.stringify([...response.headers]) + (response.body ? await response.text() : "");
}

describe("/auth/login never answers 500", () => {
  it("answers HEAD like GET", async () => {
    const response = await handle(browser("/auth/login", { method: "HEAD" }));
    expect(response.status).toBe(200);
    expectHeaderSet(response);
  });

  it("refuses a body that is not a form with 415, on the page and its data URL", async () => {
    for (const path of ["/auth/login", "/auth/login.data"]) {
      const response = await handle(browser(path, { method: "POST", body: '{"shop":"x"}', headers: { "Content-Type": "application/json" } }));
      expect(response.status, path).toBe(415);
      expectHeaderSet(response);
    }
  });

  it.each(["PUT", "PATCH", "DELETE"])("refuses %s with 405 and Allow", async (method) => {
    for (const path of ["/auth/login", "/auth/login.data"]) {
      const response = await handle(browser(path, { method, body: method === "DELETE" ? undefined : "shop=x" }));
      expect(response.status, `${method} ${path}`).toBe(405);
      if (path === "/auth/login") expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
    }
  });

  it("does not redirect admin.shopify.com to https://null/…: it is not a store domain", async () => {
    const response = await handle(browser("/auth/login?shop=admin.shopify.com"));
    expect(response.status).toBe(200);
    expect(response.headers.get("location")).toBeNull();
    expect(await response.text()).toContain("That is not a valid store domain");
  });

  it.each(["a.myshopify.com\r\nX-Evil: 1", "a.myshopify.com\0", "a.myshopify.com; script-src *"])("treats %j as an invalid domain", async (shop) => {
    const response = await handle(browser(`/auth/login?${new URLSearchParams({ shop })}`));
    expect(response.status).toBe(200);
    expect(await everything(response)).not.toMatch(/X-Evil|script-src \*/);
  });

  it("redirects a valid store domain into the admin's install page, with the header set", async () => {
    const form = new URLSearchParams({ shop: "https://Harbour-Goods.myshopify.com/" });
    const response = await handle(browser("/auth/login", { method: "POST", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`https://admin.shopify.com/store/harbour-goods/oauth/install?client_id=${TEST_API_KEY}`);
    expectHeaderSet(response);
  });
});

describe("Shopify's bounce and exit-iframe pages take only a myshopify.com shop", () => {
  it.each([
    ["/auth/session-token", "x.myshopify.com; script-src *"],
    ["/auth/session-token", "evil.com"],
    ["/auth/session-token", "a.myshopify.com\r\nSet-Cookie: a=b"],
    ["/auth/exit-iframe", "x.myshopify.com; script-src *"],
    ["/auth/exit-iframe", "evil.com"],
    ["/auth/exit-iframe", "a.myshopify.com\0"],
  ])("%s?shop=%j is a 400 that echoes nothing", async (path, shop) => {
    const response = await handle(browser(`${path}?${new URLSearchParams({ shop, exitIframe: "/app", "shopify-reload": "/app" })}`));
    expect(response.status).toBe(400);
    expectHeaderSet(response);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await everything(response)).not.toMatch(/script-src \*|evil\.com|Set-Cookie|a=b/);
  });

  it("refuses a missing shop, and exit-iframe without a trusted destination, with 400", async () => {
    const shop = newShop();
    for (const path of ["/auth/session-token", "/auth/exit-iframe", `/auth/exit-iframe?shop=${shop}`, `/auth/exit-iframe?shop=${shop}&exitIframe=https://evil.com/`]) {
      const response = await handle(browser(path));
      expect(response.status, path).toBe(400);
      expectHeaderSet(response);
    }
  });

  it("serves both pages for a valid shop, framed by that shop's admin only, with the header set", async () => {
    const shop = newShop();
    for (const path of [`/auth/session-token?shop=${shop}`, `/auth/exit-iframe?shop=${shop}&exitIframe=%2Fapp`]) {
      const response = await handle(browser(path));
      expect(response.status, path).toBe(200);
      expectHeaderSet(response);
      expect(response.headers.get("content-security-policy")).toMatch(new RegExp(`^frame-ancestors https://${shop.replace(/\./g, "\\.")} https://admin\\.shopify\\.com`));
    }
  });
});

describe("the frame ancestor comes from the verified session token", () => {
  it("frames a page for the token's shop, never for the URL's", async () => {
    const a = newShop("a");
    const b = newShop("b");
    await install(simulator, a);
    await install(simulator, b);
    const params = new URLSearchParams({ embedded: "1", shop: b, host: hostParam(b), id_token: idToken(a) });
    const response = await handle(browser(`/app?${params}`));
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain(`frame-ancestors https://${a} `);
    expect(csp).not.toContain(b);
  });

  it("does not let a valid shop in the URL frame an error page without a session", async () => {
    const shop = newShop();
    const response = await handle(browser(`/app/nowhere?shop=${shop}`));
    expect(response.headers.get("content-security-policy") ?? "").not.toContain(shop);
  });
});

describe("the app's own actions refuse malformed requests with 4xx", () => {
  it("answers PUT /app.data?index with no body 405, and a JSON POST 415", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const put = await handle(bearerRequest(shop, "/app.data?index", { method: "PUT" }));
    expect(put.status).toBe(405);
    expectHeaderSet(put);
    const json = await handle(bearerRequest(shop, "/app.data?index", { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }));
    expect(json.status).toBe(415);
  });

  it("answers a JSON POST to /app/settings 415, before any owner check", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const exchanges = simulator.calls.tokenExchanges;
    for (const path of ["/app/settings", "/app/settings.data"]) {
      const response = await handle(bearerRequest(shop, path, { method: "POST", body: '{"narrativeDailyLimit":99}', headers: { "Content-Type": "application/json" } }));
      expect(response.status, path).toBe(415);
    }
    expect(simulator.calls.tokenExchanges).toBe(exchanges);
  });
});

describe("session tokens Shopify signed but will not exchange", () => {
  const tokenFor = (shop: string, dest = `https://${shop}`) => mintSessionToken({ shop, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, dest });

  it("answers a fetch for a shop that is not installed 401 with the retry header, and a document with the bounce page", async () => {
    const shop = newShop("gone");
    const fetchResponse = await handle(bearerRequest(shop, "/app.data", { token: tokenFor(shop) }));
    expect(fetchResponse.status).toBe(401);
    expect(fetchResponse.headers.get("x-shopify-retry-invalid-session-request")).toBe("1");
    expectHeaderSet(fetchResponse);
    const document = await handle(embeddedRequest(shop, "/app", tokenFor(shop)));
    expect(document.status).toBe(302);
    expect(document.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
    expect(document.headers.get("location")).not.toContain("id_token");
    expectHeaderSet(document);
    expect(await loadShop(shop)).toBeUndefined();
  });

  it("treats a foreign or malformed dest as an invalid token, without asking Shopify", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const seen: string[] = [];
    mswServer.events.on("request:start", ({ request }) => seen.push(request.url));
    for (const dest of ["https://evil.com", "not a url", "https://a.myshopify.com.evil.com"]) {
      const response = await handle(bearerRequest(shop, "/app.data", { token: tokenFor(shop, dest) }));
      expect(response.status, dest).toBe(401);
    }
    mswServer.events.removeAllListeners();
    expect(seen.filter((u) => u.includes("evil.com") || u.includes("access_token"))).toEqual([]);
  });

  it("stops asking Shopify after repeated failures for a shop: 429 with Retry-After", async () => {
    const shop = newShop("gone");
    const exchanges: string[] = [];
    mswServer.events.on("request:start", ({ request }) => {
      if (request.url.includes("/admin/oauth/access_token")) exchanges.push(request.url);
    });
    // Each /app.data runs two authenticated loaders (layout and page), so each request
    // may fail twice; a new source address each time, so only the per-shop limit acts.
    const statuses: number[] = [];
    for (let i = 0; i < 12 && statuses.at(-1) !== 429; i++) {
      statuses.push((await handle(bearerRequest(shop, "/app.data", { token: tokenFor(shop) }), freshAddress())).status);
    }
    expect(statuses[0]).toBe(401);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const asked = exchanges.length;
    // Loaders that passed the check together may both still ask once: at most one over.
    expect(asked).toBeLessThanOrEqual(policies.failedTokenExchange.limit + 1);
    const refused = await handle(bearerRequest(shop, "/app.data", { token: tokenFor(shop) }), freshAddress());
    mswServer.events.removeAllListeners();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Once the window's failures are used, Shopify is not asked again.
    expect(exchanges.length).toBe(asked);
  });

  it("limits failures per source address too, across shops", async () => {
    const source = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < policies.failedTokenExchange.limit + 1; i++) {
      const shop = newShop("gone");
      statuses.push((await handle(bearerRequest(shop, "/app.data", { token: tokenFor(shop) }), source)).status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("rate limits answer 429 with Retry-After", () => {
  it("limits /auth/login per source address", async () => {
    // The window is fixed and aligned to the minute (rate-limit.server.ts): start where
    // the limit's 31 requests cannot straddle two windows.
    const intoWindow = Date.now() % (policies.login.windowSeconds * 1000);
    if (intoWindow > 40_000) await new Promise((resolve) => setTimeout(resolve, policies.login.windowSeconds * 1000 - intoWindow + 200));
    const source = freshAddress();
    for (let i = 0; i < policies.login.limit; i++) expect((await handle(browser("/auth/login"), source)).status).toBe(200);
    const refused = await handle(browser("/auth/login"), source);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expectHeaderSet(refused);
    // Another address is not affected.
    expect((await handle(browser("/auth/login"), freshAddress())).status).toBe(200);
  });

  it("limits saving reports per shop, and says when to retry", async () => {
    const shop = newShop();
    await install(simulator, shop);
    for (let i = 0; i < policies.saveReport.limit; i++) await rateLimit(`shop:${shop}:save-report`, policies.saveReport);
    const form = new URLSearchParams({ intent: "save-report", from: "2026-01-01", to: "2026-01-31" });
    const response = await handle(bearerRequest(shop, "/app.data?index", { method: "POST", body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await response.text()).toContain("Reports can be saved");
  });

  it("keeps Retry-After on a refused sync retry", async () => {
    const shop = newShop();
    await install(simulator, shop);
    for (let i = 0; i < policies.resync.limit; i++) await rateLimit(`shop:${shop}:resync`, policies.resync);
    const response = await handle(bearerRequest(shop, "/app.data?index", { method: "POST", body: new URLSearchParams({ intent: "retry-sync" }), headers: { "Content-Type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("headers on every response", () => {
  it("sets the header set on redirects, 4xx and 204 answers", async () => {
    // A URL no route matches and a method no route takes are the request's 4xx: the root
    // error boundary answers them and nothing is logged at error level (the default check).
    const shop = newShop();
    await install(simulator, shop);
    const responses = [
      await handle(browser(`/?shop=${shop}`)), // 302 to /app
      await handle(browser(`/app?shop=${shop}`)), // 302 to the bounce page (no token)
      await handle(browser("/app")), // 302 to /auth/login
      await handle(browser("/nowhere")), // 404
      await handle(bearerRequest(shop, "/app", { method: "OPTIONS" })), // 405 from Remix itself
      await handle(browser("/auth/unknown")), // 302 to /auth/login, from a resource route
      await handle(bearerRequest(shop, "/auth/unknown")), // 404 from the same route, authenticated
    ];
    expect(responses.map((r) => r.status)).toEqual([302, 302, 302, 404, 405, 302, 404]);
    for (const response of responses) expectHeaderSet(response);
  });
});
