/**
 * verifiedFramingShop: the shop a framing request's session token proves, checked as the
 * library checks it (signature with the app's secret, expiry, audience), and null for every
 * request that is not exactly the admin opening a page, so those wait for the whole
 * authentication as before.
 */
import { describe, expect, it } from "vitest";

import { mintSessionToken } from "../tests/mocks/shopify/session-token";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../tests/setup/test-env";

import { verifiedFramingShop } from "./shopify.server";

const SHOP = "framing-shop.myshopify.com";
const host = Buffer.from("admin.shopify.com/store/framing-shop").toString("base64url");
const token = (overrides: Partial<Parameters<typeof mintSessionToken>[0]> = {}) =>
  mintSessionToken({ shop: SHOP, apiKey: TEST_API_KEY, secret: TEST_API_SECRET, ...overrides });

function framing({ params = {}, headers = {}, method = "GET" }: { params?: Record<string, string | null>; headers?: Record<string, string>; method?: string } = {}): Request {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ embedded: "1", shop: SHOP, host, id_token: token(), ...params })) {
    if (value !== null) query.set(key, value);
  }
  return new Request(`${TEST_APP_URL}/app?${query}`, { method, headers: { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", ...headers } });
}

describe("verifiedFramingShop", () => {
  it("returns the shop of a framing navigation whose session token verifies", async () => {
    expect(await verifiedFramingShop(framing())).toBe(SHOP);
  });

  it("refuses a token signed with another secret, expired, for another app or naming another shop", async () => {
    expect(await verifiedFramingShop(framing({ params: { id_token: token({ secret: "not-the-app-secret" }) } }))).toBeNull();
    // Past the library's 10 s clock tolerance.
    expect(await verifiedFramingShop(framing({ params: { id_token: token({ expiresIn: -30 }) } }))).toBeNull();
    expect(await verifiedFramingShop(framing({ params: { id_token: token({ apiKey: "another-app" }) } }))).toBeNull();
    // Signed for one shop, sent with another's domain: framed for neither.
    expect(await verifiedFramingShop(framing({ params: { id_token: token({ dest: "https://other-shop.myshopify.com" }) } }))).toBeNull();
    expect(await verifiedFramingShop(framing({ params: { id_token: "not.a.token" } }))).toBeNull();
  });

  it("refuses a token whose algorithm is not HS256 (no 'none')", async () => {
    const [, payload] = token().split(".");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`;
    expect(await verifiedFramingShop(framing({ params: { id_token: unsigned } }))).toBeNull();
  });

  it("is null for anything but the admin opening a page: a fetch, a POST, no embedded/host/shop/token", async () => {
    expect(await verifiedFramingShop(framing({ headers: { "Sec-Fetch-Mode": "cors" } }))).toBeNull();
    expect(await verifiedFramingShop(framing({ method: "POST" }))).toBeNull();
    for (const missing of ["embedded", "host", "shop", "id_token"]) {
      expect(await verifiedFramingShop(framing({ params: { [missing]: null } })), missing).toBeNull();
    }
    expect(await verifiedFramingShop(framing({ params: { embedded: "0" } }))).toBeNull();
    expect(await verifiedFramingShop(framing({ params: { shop: "x.myshopify.com; script-src *" } }))).toBeNull();
  });
});
