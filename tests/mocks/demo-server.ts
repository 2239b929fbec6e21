/**
 * `npm run demo`: the built app, the Shopify simulator and a demo store, in one
 * process, on loopback. Prints one URL: the simulated admin with the app embedded.
 *
 * The app code is the production build, unchanged, served in production mode by the
 * production server's own code (server.ts); only the outside world is
 * simulated (Shopify's OAuth and Admin GraphQL through msw, the admin frame and
 * App Bridge through admin-server.ts). Data lives in ./data/demo (PGlite).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

import express from "express";

import { assetsLoaded, importBuild, mountApp } from "../../server";

import { mswServer } from "./msw-server";
import { loadAdminSchema } from "./shopify/admin-schema";
import { mockOnlineTokenExchange } from "./online-token";
import { startAdminThread } from "./shopify/admin-thread";
import { createShopifySimulator } from "./shopify/simulator";
import { seedStore } from "./shopify/seed";
import { createSimStore } from "./shopify/store";

export const DEMO_SHOP = "demo-store.myshopify.com";
const DEMO_API_KEY = "demo-api-key";

function demoKeys(dataDir: string, name = "token-keys.json"): string {
  // Keys persist with the demo's data, so sealed sessions (and the signed audit chain) survive a restart.
  const file = path.join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, JSON.stringify({ demo: randomBytes(32).toString("base64") }), { mode: 0o600 });
  return readFileSync(file, "utf8");
}

export async function startDemo(options: { dataDir?: string; appPort?: number; adminPort?: number } = {}) {
  const dataDir = path.resolve(options.dataDir ?? process.env.DEMO_DATA_DIR ?? "./data/demo");
  mkdirSync(dataDir, { recursive: true });
  const apiSecret = randomBytes(24).toString("hex");

  const app = express();
  app.disable("x-powered-by");
  const httpServer = app.listen(options.appPort ?? 3000, "127.0.0.1");
  // A port in use is an 'error' event: reject, so the command line can say so in one line.
  await new Promise((resolve, reject) => {
    httpServer.once("listening", resolve);
    httpServer.once("error", reject);
  });
  const appUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const simulator = createShopifySimulator({ apiKey: DEMO_API_KEY, apiSecret, appUrl, autoCompleteBulk: true });
  const store = simulator.addStore(createSimStore({ domain: DEMO_SHOP, name: "Demo Store", currencyCode: "USD", ianaTimezone: "America/New_York" }));
  // 90 days of a small store's trading, ending now: the first sync backfills it.
  seedStore(store, { seed: 1, orders: Number(process.env.DEMO_ORDERS ?? 5000), days: 90, end: new Date() });
  // Webhooks (bulk_operations/finish, orders/*) go to the app over HTTP, as from Shopify.
  simulator.deliver = (request) => fetch(request);
  const admin = await startAdminThread({
    apiKey: DEMO_API_KEY,
    apiSecret,
    stores: Object.fromEntries([...simulator.stores].map(([domain, sim]) => [domain, sim.shop.name])),
    appUrl,
    port: options.adminPort ?? 3001,
  });

  Object.assign(process.env, {
    // The production build in production mode, as deployed: no stack traces in
    // responses, no development warnings (react-router's quoted whole URLs, tokens
    // included). The simulator's admin may frame the app only because this is the
    // loopback demo (DEMO_SIMULATOR, app/env.server.ts).
    NODE_ENV: "production",
    DEMO_SIMULATOR: "on",
    SHOPIFY_API_KEY: DEMO_API_KEY,
    SHOPIFY_API_SECRET: apiSecret,
    SHOPIFY_APP_URL: appUrl,
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    TOKEN_KEYS: demoKeys(dataDir),
    TOKEN_PRIMARY_KID: "demo",
    AUDIT_KEYS: demoKeys(dataDir, "audit-keys.json"),
    AUDIT_PRIMARY_KID: "demo",
    APP_BRIDGE_URL: `${admin.origin}/app-bridge.js`,
    SIMULATED_ADMIN_ORIGIN: admin.origin,
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  });
  delete process.env.DATABASE_URL;
  // The demo is offline by design: a developer's real key must never be used here.
  delete process.env.ANTHROPIC_API_KEY;
  delete process.env.SMTP_URL;

  // Shopify's node adapter captures fetch when the build is imported: msw first.
  const msw = mswServer;
  msw.use(...simulator.handlers);
  msw.listen({ onUnhandledFrame: "bypass" });
  // The demo's staff member (the admin's session tokens say user 42) owns the store,
  // so Settings is editable; online tokens are asked for only to learn that.
  mockOnlineTokenExchange({ apiKey: DEMO_API_KEY, apiSecret, owners: ["42"] });
  // Served exactly as `npm start` serves it (server.ts): headers on every response,
  // static files included; the client's address for per-source limits.
  await assetsLoaded(mountApp(app, await importBuild(), { mode: "production" }));
  // Ready means ready: the URL is printed only once the database is open and migrated
  // (a fresh data dir runs PGlite's initdb and every migration, seconds of work)
  // and the simulator's Admin schema is built, so the merchant's first /app does not
  // wait behind either with a blank frame (measured: most of the 11 s first open).
  loadAdminSchema();
  const health = await fetch(`${appUrl}/healthz`);
  if (!health.ok) throw new Error(`the demo's database did not open: /healthz answered ${health.status}`);

  return {
    simulator,
    appUrl,
    adminUrl: admin.adminUrl(DEMO_SHOP),
    async stop() {
      msw.close();
      await admin.stop();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const demo = await startDemo({
    appPort: process.env.DEMO_APP_PORT ? Number(process.env.DEMO_APP_PORT) : undefined,
    adminPort: process.env.DEMO_ADMIN_PORT ? Number(process.env.DEMO_ADMIN_PORT) : undefined,
  }).catch((error: unknown) => {
    const { code, port } = (error ?? {}) as { code?: string; port?: number };
    if (code !== "EADDRINUSE") throw error;
    // One line, not a stack trace: which port, and how to pick others.
    console.error(`Port ${port} is already in use. Run the demo on other ports: DEMO_APP_PORT=3100 DEMO_ADMIN_PORT=3101 npm run demo (0 picks free ones).`);
    process.exit(1);
  });
  console.log(`\nMargin Notes demo is running. Open:\n\n  ${demo.adminUrl}\n`);
  const stop = () => void demo.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
