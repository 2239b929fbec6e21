/**
 * Issue 16's acceptance: every route × method × malformed token, body and shop
 * answers below 500. Seeded and bounded (fast-check), part of `npm test`.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { appHandler, BROWSER_UA, hostParam, idToken, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mintSessionToken } from "../mocks/shopify/session-token";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

const SEED = 16_2026;
const RUNS = 400;

let shop: string;
beforeAll(async () => {
  const simulator = startSimulator();
  shop = newShop("fuzz");
  await install(simulator, shop);
});

const reportId = "0b0e5c1e-7d1f-4c59-9a8a-3a8b1f7f2a10";
const PATHS = [
  "/", "/healthz", "/app", "/app/reports", `/app/reports/${reportId}`, `/app/reports/${reportId}/narrative`, "/app/reports/not-a-uuid",
  "/app/reports/export", "/app/activity", "/app/activity/export", "/app/settings", "/auth/login", "/auth/session-token",
  "/auth/exit-iframe", "/auth/anything", "/nowhere", "/__manifest",
];
// Webhooks are another door with its own tests (tests/integration/webhooks.test.ts).
const path = fc.constantFrom(...PATHS).chain((p) =>
  fc.constantFrom(p, `${p === "/" ? "/_root" : p}.data`, `${p}?index`, `${p}?_data=routes%2Fapp`, `${p}?index&_routes=routes%2Fapp`),
);
const method = fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

/** Shop values: valid, foreign, injected, control characters, empty, huge, admin URLs. */
const shopValue = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("", "evil.com", "admin.shopify.com", "admin.shopify.com/store/x", "x.myshopify.com; script-src *", "a.myshopify.com\r\nX: 1",
    "a.myshopify.com\0", "-a.myshopify.com", "A.MYSHOPIFY.COM", "a.myshopify.com:443", "https://a.myshopify.com", "%0d%0a", "a".repeat(300)),
  fc.string({ maxLength: 40 }),
  fc.constant("__valid__"),
);

type TokenKind = "none" | "valid" | "forged" | "expired" | "foreign-dest" | "uninstalled" | "garbage" | "non-shop-dest";
const tokenKind = fc.constantFrom<TokenKind>("none", "valid", "forged", "expired", "foreign-dest", "uninstalled", "garbage", "non-shop-dest");
const tokenPlace = fc.constantFrom("header", "query");
const body = fc.oneof(
  fc.constant<{ type?: string; text?: string }>({}),
  fc.constantFrom(
    { type: "application/json", text: '{"intent":"save-report"}' },
    { type: "application/json", text: "{not json" },
    { type: "application/x-www-form-urlencoded", text: "intent=save-report&from=2026-01-01&to=2026-01-31" },
    { type: "application/x-www-form-urlencoded", text: "intent=retry-sync" },
    { type: "application/x-www-form-urlencoded", text: "%%%=%%%&shop=%00" },
    { type: "application/x-www-form-urlencoded", text: "narrativeDailyLimit=-1&weeklyReportHour=99&mode=nope" },
    { type: "multipart/form-data; boundary=x", text: "--x\r\nbroken" },
    { type: "multipart/form-data", text: "no boundary" },
    { type: "text/plain", text: "shop=a.myshopify.com" },
  ),
  fc.record({ type: fc.constantFrom("application/x-www-form-urlencoded", "application/json", "text/plain"), text: fc.string({ maxLength: 200 }) }),
);
const extraParams = fc.dictionary(
  fc.constantFrom("id_token", "host", "embedded", "exitIframe", "shopify-reload", "preset", "from", "to", "compare", "sort", "dir", "hmac", "session"),
  fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("/app", "https://evil.com", "//evil.com", "javascript:alert(1)", "2026-02-30", "last365")),
  { maxKeys: 3 },
);

function tokenOf(kind: TokenKind): string | null {
  switch (kind) {
    case "none": return null;
    case "valid": return idToken(shop);
    case "forged": return idToken(shop, { secret: "not-the-secret" });
    case "expired": return idToken(shop, { expiresIn: -300 });
    case "foreign-dest": return mintSessionToken({ shop, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, dest: "https://other-store.myshopify.com" });
    case "uninstalled": return idToken(newShop("gone"));
    case "garbage": return "eyJ.not.a-token";
    case "non-shop-dest": return mintSessionToken({ shop, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, dest: "https://evil.com" });
  }
}

describe("fuzz: no request reaches a 5xx", () => {
  it(`route × method × token × body × shop (${RUNS} runs, seed ${SEED})`, async () => {
    const handle = await appHandler();
    let address = 0;
    await fc.assert(
      fc.asyncProperty(path, method, tokenKind, tokenPlace, body, shopValue, extraParams, async (p, m, kind, place, b, shopParam, extra) => {
        const url = new URL(`${TEST_APP_URL}${p}`);
        for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
        if (shopParam !== undefined) {
          url.searchParams.set("shop", shopParam === "__valid__" ? shop : shopParam);
          url.searchParams.set("host", hostParam(shopParam === "__valid__" ? shop : "x"));
        }
        const headers = new Headers({ "User-Agent": BROWSER_UA });
        const token = tokenOf(kind);
        if (token && place === "header") headers.set("Authorization", `Bearer ${token}`);
        if (token && place === "query") url.searchParams.set("id_token", token);
        const withBody = !["GET", "HEAD"].includes(m) && b.text !== undefined;
        if (withBody && b.type) headers.set("Content-Type", b.type);
        const request = new Request(url, { method: m, headers, body: withBody ? b.text : undefined });
        // A fresh source per request: per-source limits answer 429, which is fine, but
        // they would hide what the door behind them does.
        const response = await handle(request, { remoteAddress: `2001:db8:16::${(address++).toString(16)}` });
        await response.body?.cancel();
        expect(response.status, `${m} ${url.pathname}${url.search} token=${kind}/${place} body=${JSON.stringify(b)}`).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 120_000);
});
