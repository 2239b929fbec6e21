/**
 * An address under /app that no page answers: a 404 rendered inside the app (title bar, a way
 * back to the dashboard, the layout's nav menu), never Remix's bare "Not Found"; and nothing for
 * a request without a session token.
 */
import { beforeEach, describe, expect, it } from "vitest";

import { addStore, appHandler, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);
const documentRequest = (shop: string, pathname: string) => {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
  return new Request(`${TEST_APP_URL}${pathname}?${params}`, { headers: { "User-Agent": BROWSER_UA } });
};

describe("an unknown page under /app", () => {
  it("is a 404 inside the app, with the title bar and a way back", async () => {
    const shop = newShop();
    addStore(simulator, shop);
    expect((await request(documentRequest(shop, "/app"))).status).toBe(200);
    for (const pathname of ["/app/nope", "/app/reports/x/y/z"]) {
      const response = await request(documentRequest(shop, pathname));
      expect(response.status, pathname).toBe(404);
      const html = await response.text();
      expect(html, pathname).toContain("There is no page at this address");
      expect(html, pathname).toMatch(/<ui-title-bar[^>]*title="Page not found"/);
      expect(html, pathname).toContain('href="/app"');
      // The layout stays: App Bridge's nav menu is in the page.
      expect(html, pathname).toContain("<ui-nav-menu");
    }
  });

  it("shows nothing to a request without a session token", async () => {
    const response = await request(new Request(`${TEST_APP_URL}/app/nope`, { headers: { "User-Agent": BROWSER_UA } }));
    expect(response.status).not.toBe(200);
    expect(await response.text()).not.toContain("There is no page at this address");
  });
});
