/**
 * Drives the production build in-process: the same request handler remix-serve
 * runs, with Shopify replaced by the simulator (msw, started in setupFiles).
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler, type AppLoadContext, type ServerBuild } from "@remix-run/node";

import { createShopifySimulator, type ShopifySimulator } from "./mocks/shopify/simulator";
import { createSimStore } from "./mocks/shopify/store";
import { mintSessionToken } from "./mocks/shopify/session-token";
import { mswServer } from "./mocks/msw-server";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "./setup/test-env";

export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

type AppHandler = (request: Request, context?: AppLoadContext) => Promise<Response>;
let handler: AppHandler | undefined;

/**
 * The build's handler. The load context carries a client address as our server
 * does (server.ts): one TEST-NET address per test file unless a test passes its own,
 * so per-source limits never leak between files.
 */
export const HARNESS_ADDRESS = `192.0.2.${1 + Math.floor(Math.random() * 254)}`;

export async function appHandler(): Promise<AppHandler> {
  if (!handler) {
    const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
    const handle = createRequestHandler(build, "production");
    handler = (request, context = { remoteAddress: HARNESS_ADDRESS }) => handle(request, context);
  }
  return handler;
}

export function startSimulator(options: { autoCompleteBulk?: boolean } = {}): ShopifySimulator {
  const simulator = createShopifySimulator({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, appUrl: TEST_APP_URL, ...options });
  // Webhooks from the simulator reach the app in-process, through the same handler.
  simulator.deliver = (request) => appHandler().then((handle) => handle(request));
  mswServer.use(...simulator.handlers);
  return simulator;
}

export function addStore(simulator: ShopifySimulator, shop: string, overrides: { name?: string; currencyCode?: string; ianaTimezone?: string } = {}) {
  return simulator.addStore(createSimStore({ domain: shop, name: overrides.name ?? "Test Store", ...overrides }));
}

export const hostParam = (shop: string) => Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url");

export const idToken = (shop: string, overrides: { secret?: string; expiresIn?: number; userId?: string } = {}) =>
  mintSessionToken({ shop, apiKey: TEST_API_KEY, secret: overrides.secret ?? TEST_API_SECRET, ...overrides });

/** A document request as the admin makes it when it frames the app. */
export function embeddedRequest(shop: string, pathname = "/app", token = idToken(shop)): Request {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: token });
  return new Request(`${TEST_APP_URL}${pathname}?${params}`, { headers: { "User-Agent": BROWSER_UA } });
}

/** A fetch from inside the app, as App Bridge makes it. */
export function bearerRequest(shop: string, pathname: string, init: RequestInit & { token?: string } = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${init.token ?? idToken(shop)}`);
  headers.set("User-Agent", BROWSER_UA);
  return new Request(`${TEST_APP_URL}${pathname}`, { ...init, headers });
}

/** Installs the app for a shop: the first embedded load exchanges the token and runs afterAuth. */
export async function install(simulator: ShopifySimulator, shop: string) {
  if (!simulator.stores.has(shop)) addStore(simulator, shop);
  const response = await (await appHandler())(embeddedRequest(shop));
  // Read to its end here: a streamed page left unread is aborted by the server a few
  // seconds later, and its render error would land in whatever test runs then.
  const body = await response.text();
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${body}`);
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
