/**
 * One admin request, one "Authenticating admin request" line. A page load runs the layout's
 * loader and the page's in one request, and both authenticate: the library's line (and its
 * token check, and on first load its token exchange) happened once per loader. Counted on
 * process.stdout, where pino writes each line (app/log.server.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { addStore, appHandler, bearerRequest, embeddedRequest, idToken, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";

// The line is at info; tests log at warn. The build, imported by this file's first request,
// reads the level then (each test file has its own module graph).
process.env.LOG_LEVEL = "info";

let simulator: ShopifySimulator;
let lines: string[];
beforeEach(() => {
  simulator = startSimulator();
  lines = [];
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  vi.spyOn(process.stdout, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === "string") lines.push(...chunk.split("\n").filter(Boolean));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
});
afterEach(() => {
  vi.restoreAllMocks();
});

const authLines = (shop: string) => lines.filter((l) => l.includes("Authenticating admin request") && l.includes(shop));

/** Reads the body to its end (an unread streamed page is aborted later, in another test). */
async function send(request: Request): Promise<number> {
  const response = await (await appHandler())(request);
  await response.text();
  return response.status;
}

describe("the admin request log", () => {
  it("says 'Authenticating admin request' once for a page load that runs two loaders", async () => {
    const shop = newShop();
    addStore(simulator, shop);
    // First open: the layout's and the dashboard's loaders, one token exchange between them.
    expect(await send(embeddedRequest(shop))).toBe(200);
    expect(authLines(shop)).toHaveLength(1);
    expect(simulator.calls.tokenExchanges).toBe(1);

    // A document load of another page, and a client navigation's single fetch asking for both loaders.
    for (const request of [
      embeddedRequest(shop, "/app/settings"),
      bearerRequest(shop, "/app/reports.data?_routes=routes%2Fapp%2Croutes%2Fapp.reports._index"),
    ]) {
      lines = [];
      expect(await send(request), request.url).toBe(200);
      expect(authLines(shop), request.url).toHaveLength(1);
    }
  });

  it("authenticates each request on its own: two requests, two lines, and a bad token is still refused", async () => {
    const shop = newShop();
    await install(simulator, shop);
    lines = [];
    expect(await send(embeddedRequest(shop))).toBe(200);
    expect(await send(embeddedRequest(shop))).toBe(200);
    expect(authLines(shop)).toHaveLength(2);

    // Sharing is per request: a request with a token signed by someone else gets nothing from earlier ones.
    const forged = await (await appHandler())(bearerRequest(shop, "/app.data?_routes=routes%2Fapp", { token: idToken(shop, { secret: "not-the-app-secret" }) }));
    expect(forged.status).toBe(401);
  });
});
