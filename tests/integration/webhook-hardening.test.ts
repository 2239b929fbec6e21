/**
 * Webhooks from the outside (issue 16): a signed body cannot be re-aimed at another
 * shop or topic, replays are limited in time and deduped on the event id, a late
 * redelivery enqueues nothing, bodies are capped, malformed deliveries answer 4xx and
 * bad signatures are rate-limited per source address.
 */
import { createHmac, randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { auditEvents, jobs, orders, sessions, shops } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { SYSTEM_CHAIN } from "~/security/audit.server";
import { pseudonymFor } from "~/webhooks/erase-shop.server";

import { appHandler, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { compliancePayloads, signedWebhook, type WebhookOptions } from "../mocks/shopify/webhooks";
import { TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

// One trusted proxy, so that X-Forwarded-For names the source address (rate limits).
// Read when the build is first imported (appHandler), restored for other files.
const hopsBefore = process.env.TRUSTED_PROXY_HOPS;
beforeAll(() => {
  process.env.TRUSTED_PROXY_HOPS = "1";
});
afterAll(() => {
  if (hopsBefore === undefined) delete process.env.TRUSTED_PROXY_HOPS;
  else process.env.TRUSTED_PROXY_HOPS = hopsBefore;
});

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

type Delivery = Omit<WebhookOptions, "appUrl" | "secret"> & { secret?: string; ip?: string };
const request = ({ ip = "198.51.100.1", ...options }: Delivery) => {
  const req = signedWebhook({ appUrl: TEST_APP_URL, secret: TEST_API_SECRET, ...options });
  req.headers.set("X-Forwarded-For", ip);
  return req;
};
const deliver = async (options: Delivery) => (await appHandler())(request(options));

/** A signed delivery of exactly these bytes (non-JSON bodies, odd headers). */
function rawDelivery(body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>, ip = "198.51.100.2"): Request {
  const h = new Headers({
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": createHmac("sha256", TEST_API_SECRET).update(body).digest("base64"),
    "X-Shopify-API-Version": "2026-10",
    "X-Shopify-Webhook-Id": randomUUID(),
    "X-Shopify-Event-Id": randomUUID(),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    "X-Forwarded-For": ip,
    ...headers,
  });
  return new Request(`${TEST_APP_URL}/webhooks`, { method: "POST", headers: h, body });
}

const sessionCount = async (shop: string) => (await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop)))).length;
const orderCount = async (shop: string) => (await withShop(shop, (tx) => tx.select().from(orders))).length;
const shopRow = async (shop: string) => (await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop))))[0];
const auditActions = (shop: string) =>
  asSystem("test", async (tx) => (await tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(auditEvents.seq)).map((e) => e.action));
const rejections = (shop: string) =>
  asSystem("test", (tx) =>
    tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, SYSTEM_CHAIN), eq(auditEvents.action, "webhook.rejected"), eq(auditEvents.target, pseudonymFor(shop)))),
  );

async function addOrder(shop: string, orderId = 4001) {
  const at = new Date("2026-11-01T10:00:00Z");
  await withShop(shop, (tx) =>
    tx.insert(orders).values({ shopId: shop, orderId, createdAt: at, placedAt: at, currencyCode: "USD", sourceUpdatedAt: at }),
  );
}

/** Two installed shops, B with an order in its ledger. */
async function twoShops() {
  const a = newShop("a");
  const b = newShop("b");
  await install(simulator, a);
  await install(simulator, b);
  await addOrder(b);
  return { a, b };
}

async function expectUntouched(shop: string) {
  expect(await sessionCount(shop)).toBe(1);
  expect(await orderCount(shop)).toBe(1);
  const row = await shopRow(shop);
  expect(row?.uninstalledAt).toBeNull();
  expect(await auditActions(shop)).not.toContain("app.uninstalled");
}

describe("a validly signed body cannot be re-aimed", () => {
  it("refuses shop A's app/scopes_update body (it names its shop by id only) sent with shop B's header: B's scopes untouched", async () => {
    const { a, b } = await twoShops();
    // Recorded at sign-in from the profile query's Shop.id.
    expect((await shopRow(a))?.shopifyId).toBeGreaterThan(0);
    expect((await shopRow(b))?.shopifyId).not.toBe((await shopRow(a))?.shopifyId);
    const scopesBefore = (await shopRow(b))?.scopes;
    const reaimed = await deliver({ topic: "app/scopes_update", shop: b, payload: compliancePayloads.scopesUpdate(a, ["read_products"], ["read_orders", "read_products"]) });
    expect(reaimed.status).toBe(401);
    expect((await shopRow(b))?.scopes).toBe(scopesBefore);
    expect((await rejections(b)).map((e) => e.meta)).toEqual([expect.objectContaining({ reason: "shop_mismatch" })]);
    // The same body for its own shop applies.
    const own = await deliver({ topic: "app/scopes_update", shop: a, payload: compliancePayloads.scopesUpdate(a, ["read_orders", "read_products"], ["read_orders"]) });
    expect(own.status).toBe(200);
  });

  for (const topic of ["app/uninstalled", "shop/redact"]) {
    it(`refuses shop A's customers/data_request body sent with shop B's header as ${topic}: 401, audited, B untouched`, async () => {
      const { a, b } = await twoShops();
      const response = await deliver({ topic, shop: b, payload: compliancePayloads.customersDataRequest(a) });
      expect(response.status).toBe(401);
      await expectUntouched(b);
      expect(await sessionCount(a)).toBe(1);
      const [event] = await rejections(b);
      expect(event?.meta).toMatchObject({ reason: "shop_mismatch", claimedShop: pseudonymFor(a) });
      // The system chain outlives redaction: it names shops by pseudonym only.
      const system = JSON.stringify(await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, SYSTEM_CHAIN))));
      expect(system).not.toContain(a);
      expect(system).not.toContain(b);
    });

    it(`refuses a shop's own customers/data_request body re-sent as ${topic}`, async () => {
      const { b } = await twoShops();
      const response = await deliver({ topic, shop: b, payload: compliancePayloads.customersDataRequest(b) });
      expect(response.status).toBe(401);
      await expectUntouched(b);
      expect((await rejections(b)).map((e) => e.meta)).toEqual([expect.objectContaining({ reason: "topic_mismatch" })]);
    });
  }

  it("refuses shop A's own app/uninstalled body with shop B's header", async () => {
    const { a, b } = await twoShops();
    const response = await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(a) });
    expect(response.status).toBe(401);
    await expectUntouched(b);
  });

  it("refuses bodies of one topic sent as another, and ids that do not match their gid", async () => {
    const { b } = await twoShops();
    const order = { id: 4001, admin_graphql_api_id: "gid://shopify/Order/4001", line_items: [] };
    const cases: Array<[string, unknown]> = [
      ["products/update", { ...order, title: "x", updated_at: "2026-11-01T00:00:00Z" }],
      ["refunds/create", { ...order, order_id: 4001 }],
      ["orders/create", { ...order, admin_graphql_api_id: "gid://shopify/Order/9" }],
      ["app/scopes_update", compliancePayloads.customersRedact(b)],
      ["customers/redact", compliancePayloads.customersDataRequest(b)],
      ["app/uninstalled", [compliancePayloads.appUninstalled(b)]],
    ];
    for (const [topic, payload] of cases) {
      const response = await deliver({ topic, shop: b, payload });
      expect(response.status, topic).toBe(401);
    }
    await expectUntouched(b);
    const pending = await asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, b), eq(jobs.kind, "sync.order"))));
    expect(pending).toHaveLength(0);
  });

  it("still applies each genuine delivery (the binding refuses only what does not fit)", async () => {
    const { b } = await twoShops();
    expect((await deliver({ topic: "customers/data_request", shop: b, payload: compliancePayloads.customersDataRequest(b) })).status).toBe(200);
    expect((await deliver({ topic: "orders/updated", shop: b, payload: { id: 4001, admin_graphql_api_id: "gid://shopify/Order/4001" } })).status).toBe(200);
    expect((await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b) })).status).toBe(200);
    expect(await sessionCount(b)).toBe(0);
    expect(await auditActions(b)).toEqual(expect.arrayContaining(["customers.data_request_received", "app.uninstalled"]));
  });
});

describe("replays are limited in time", () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

  it("refuses a delivery triggered 30 days ago, even with a new webhook id: 401, audited, no effect", async () => {
    const { b } = await twoShops();
    const response = await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b), triggeredAt: hoursAgo(24 * 30) });
    expect(response.status).toBe(401);
    await expectUntouched(b);
    expect((await rejections(b)).map((e) => e.meta)).toEqual([expect.objectContaining({ reason: "stale" })]);
  });

  it("refuses one just past Shopify's 4-hour retry window, accepts a retry 3 hours late", async () => {
    const { a, b } = await twoShops();
    const late = await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b), triggeredAt: hoursAgo(4.5) });
    expect(late.status).toBe(401);
    await expectUntouched(b);
    // Installed, and its token last exchanged, yesterday (an uninstall triggered before
    // either would be the old installation's, ignored by design; app/webhooks/lifecycle.server.ts):
    // the 3-hour-late retry applies.
    const yesterday = new Date(Date.now() - 86_400_000);
    await asSystem("test: installed a day ago", (tx) => tx.update(shops).set({ installedAt: yesterday, tokenExchangedAt: yesterday }).where(eq(shops.shopId, a)));
    const retry = await deliver({ topic: "app/uninstalled", shop: a, payload: compliancePayloads.appUninstalled(a), triggeredAt: hoursAgo(3) });
    expect(retry.status).toBe(200);
    expect(await sessionCount(a)).toBe(0);
  });

  it("refuses a trigger time in the future, and one that is missing or not a date (400)", async () => {
    const { b } = await twoShops();
    const future = await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b), triggeredAt: hoursAgo(-1) });
    expect(future.status).toBe(401);
    for (const mutate of [(p: { headers: Headers }) => p.headers.delete("X-Shopify-Triggered-At"), (p: { headers: Headers }) => p.headers.set("X-Shopify-Triggered-At", "yesterday")]) {
      const response = await deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b), mutate });
      expect(response.status).toBe(400);
    }
    await expectUntouched(b);
  });

  it("dedupes on X-Shopify-Event-Id as well as the webhook id", async () => {
    const { b } = await twoShops();
    const eventId = randomUUID();
    for (let i = 0; i < 3; i++) {
      const response = await deliver({ topic: "customers/data_request", shop: b, payload: compliancePayloads.customersDataRequest(b), eventId });
      expect(response.status).toBe(200);
    }
    expect((await auditActions(b)).filter((a) => a === "customers.data_request_received")).toHaveLength(1);
    // Another event of the same topic is applied.
    await deliver({ topic: "customers/data_request", shop: b, payload: compliancePayloads.customersDataRequest(b) });
    expect((await auditActions(b)).filter((a) => a === "customers.data_request_received")).toHaveLength(2);
  });
});

describe("exactly once, also later", () => {
  const orderJobs = (shop: string) =>
    asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.order"))));
  const finishAll = (shop: string) =>
    asSystem("test", (tx) => tx.update(jobs).set({ status: "succeeded", finishedAt: new Date() }).where(eq(jobs.shopId, shop)));

  it("an identical redelivery after the first job finished enqueues no second order re-read", async () => {
    const { b } = await twoShops();
    await finishAll(b);
    const payload = { id: 4001, admin_graphql_api_id: "gid://shopify/Order/4001" };
    const webhookId = randomUUID();
    const eventId = randomUUID();
    expect((await deliver({ topic: "orders/updated", shop: b, payload, webhookId, eventId })).status).toBe(200);
    expect(await orderJobs(b)).toHaveLength(1);
    // The worker finished the re-read; then Shopify delivers the same webhook again
    // (and again under a new webhook id with the same event id).
    await finishAll(b);
    expect((await deliver({ topic: "orders/updated", shop: b, payload, webhookId, eventId })).status).toBe(200);
    expect((await deliver({ topic: "orders/updated", shop: b, payload, eventId })).status).toBe(200);
    const after = await orderJobs(b);
    expect(after).toHaveLength(1);
    expect(after[0]?.status).toBe("succeeded");
    const [delivery] = await withShop(b, (tx) => queryRows<{ attempts: number }>(tx, sql`select attempts from webhook_deliveries where webhook_id = ${webhookId}`));
    expect(delivery?.attempts).toBe(2);
  });
});

describe("body size cap", () => {
  it("answers 413 to a body over 5 MiB without reading it whole, before the library reads it", async () => {
    const { b } = await twoShops();
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 50 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const headers = rawDelivery("{}", { "X-Shopify-Topic": "app/uninstalled", "X-Shopify-Shop-Domain": b }).headers;
    const response = await (await appHandler())(
      new Request(`${TEST_APP_URL}/webhooks`, { method: "POST", headers, body: stream, duplex: "half" } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(6 * 1024 * 1024);
    await expectUntouched(b);
  });

  it("answers 413 to a declared Content-Length over the cap", async () => {
    const { b } = await twoShops();
    const req = rawDelivery(JSON.stringify(compliancePayloads.appUninstalled(b)), { "X-Shopify-Topic": "app/uninstalled", "X-Shopify-Shop-Domain": b, "Content-Length": String(6 * 1024 * 1024) });
    const response = await (await appHandler())(req);
    expect(response.status).toBe(413);
    await expectUntouched(b);
  });

  it("accepts a genuine 1.5 MB orders/updated body (hundreds of lines)", async () => {
    const { b } = await twoShops();
    const line = (i: number) => ({ id: 9000 + i, title: `Line item ${i} ${"x".repeat(2000)}`, quantity: 1, price: "12.50" });
    const payload = { id: 4001, admin_graphql_api_id: "gid://shopify/Order/4001", line_items: Array.from({ length: 700 }, (_, i) => line(i)) };
    expect(JSON.stringify(payload).length).toBeGreaterThan(1_400_000);
    expect((await deliver({ topic: "orders/updated", shop: b, payload })).status).toBe(200);
  });
});

describe("malformed signed deliveries answer 4xx, never 500", () => {
  const shopHeaders = (shop: string) => ["evil.com", shop.toUpperCase(), `${shop}:443`, `-${shop}`, `${shop}.evil.com`, `https://${shop}`, ""];

  it("refuses bad X-Shopify-Shop-Domain headers with 400 and no effect", async () => {
    const { b } = await twoShops();
    for (const header of shopHeaders(b)) {
      const response = await (await appHandler())(rawDelivery(JSON.stringify(compliancePayloads.appUninstalled(b)), { "X-Shopify-Topic": "app/uninstalled", "X-Shopify-Shop-Domain": header }));
      expect(response.status, JSON.stringify(header)).toBe(400);
    }
    await expectUntouched(b);
  });

  it("refuses signed bodies that are not a JSON object, and missing or odd headers", async () => {
    const { b } = await twoShops();
    const base = { "X-Shopify-Topic": "app/uninstalled", "X-Shopify-Shop-Domain": b };
    const cases: Array<[string, string | Uint8Array<ArrayBuffer>, Record<string, string>]> = [
      ["not JSON", "not json {", base],
      ["empty", "", base],
      ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), base],
      ["a JSON array", "[]", base],
      ["JSON null", "null", base],
      ["no topic", "{}", { "X-Shopify-Shop-Domain": b }],
      ["a malformed topic", "{}", { ...base, "X-Shopify-Topic": "app uninstalled" }],
      ["no webhook id", "{}", { ...base, "X-Shopify-Webhook-Id": "" }],
    ];
    for (const [name, body, headers] of cases) {
      const response = await (await appHandler())(rawDelivery(body, headers));
      expect(response.status, name).toBeGreaterThanOrEqual(400);
      expect(response.status, name).toBeLessThan(500);
    }
    await expectUntouched(b);
  });
});

describe("bad signatures are rate-limited per source address", () => {
  it("answers 429 with Retry-After past 10 bad signatures a minute from one address, never to good ones or other addresses", async () => {
    // The window is a fixed minute: start well inside one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 200));
    const { b } = await twoShops();
    const ip = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
    const forged = (from: string) => deliver({ topic: "app/uninstalled", shop: b, payload: compliancePayloads.appUninstalled(b), secret: "not-our-secret", ip: from });
    for (let i = 0; i < 10; i++) expect((await forged(ip)).status).toBe(401);
    const limited = await forged(ip);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await forged("192.0.2.77")).status).toBe(401);
    await expectUntouched(b);
    // Shopify's genuine deliveries from the same address are never held up.
    const genuine = await deliver({ topic: "customers/data_request", shop: b, payload: compliancePayloads.customersDataRequest(b), ip });
    expect(genuine.status).toBe(200);
  });
});
