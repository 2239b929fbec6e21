import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, jobs, products, sessions, shops } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs } from "~/jobs/queue.server";
import { SYSTEM_CHAIN } from "~/security/audit.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { eraseShopInBatches } from "~/webhooks/erase-shop.server";
import { pseudonymFor } from "~/webhooks/erase-shop.server";

import { appHandler, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { rowsOfShopEverywhere } from "../shop-census";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { compliancePayloads, signedWebhook, type WebhookOptions } from "../mocks/shopify/webhooks";
import { TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const deliver = async (options: Omit<WebhookOptions, "appUrl" | "secret"> & { secret?: string }) =>
  (await appHandler())(signedWebhook({ appUrl: TEST_APP_URL, secret: TEST_API_SECRET, ...options }));

const auditActions = (shop: string) =>
  asSystem("test", async (tx) => (await tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(auditEvents.seq)).map((e) => e.action));

// Through app_system: sessions have forced row level security (the owning login sees nothing).
const sessionCount = async (shop: string) => (await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop)))).length;

describe("app/uninstalled", () => {
  it("deletes the shop's tokens in the request and marks it uninstalled, once across 5 deliveries", async () => {
    const shop = newShop();
    await install(simulator, shop);
    expect(await sessionCount(shop)).toBe(1);
    const webhookId = "uninstall-1";
    for (let i = 0; i < 5; i++) {
      const response = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), webhookId });
      expect(response.status).toBe(200);
    }
    expect(await sessionCount(shop)).toBe(0);
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row?.uninstalledAt).toBeInstanceOf(Date);
    expect((await auditActions(shop)).filter((a) => a === "app.uninstalled")).toHaveLength(1);
  });

  it("still answers 200 and removes tokens when the stored token has expired and cannot refresh (library bug #3360)", async () => {
    const shop = newShop();
    await install(simulator, shop);
    // Shopify has revoked the tokens (uninstall) and the stored one is past its expiry.
    simulator.revokeTokens(shop);
    await asSystem("test", (tx) => tx.update(sessions).set({ expires: new Date(Date.now() - 60_000) }).where(eq(sessions.shopId, shop)));
    const response = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop) });
    expect(response.status).toBe(200);
    expect(await sessionCount(shop)).toBe(0);
    expect(simulator.calls.refreshes).toBeGreaterThanOrEqual(1);
  });

  it("ignores a late uninstall triggered before a reinstall: the new installation keeps its tokens", async () => {
    const shop = newShop("reinstall");
    await install(simulator, shop);
    const uninstalledAt = new Date();
    await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: uninstalledAt });
    expect(await sessionCount(shop)).toBe(0);
    // The merchant reinstalls a moment later...
    await new Promise((resolve) => setTimeout(resolve, 20));
    await install(simulator, shop);
    expect(await sessionCount(shop)).toBe(1);
    // ...then Shopify's retry of an uninstall event from before the reinstall arrives.
    const late = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: new Date(uninstalledAt.getTime() + 5) });
    expect(late.status).toBe(200);
    expect(await sessionCount(shop)).toBe(1);
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row?.uninstalledAt).toBeNull();
    expect(await auditActions(shop)).toContain("webhook.stale_lifecycle_ignored");
    // An uninstall that happens after the reinstall still removes the tokens.
    await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: new Date() });
    expect(await sessionCount(shop)).toBe(0);
  });

  it("keeps the tokens of a reinstall whose token exchange came before the old uninstall's webhook, and backfills the gap", async () => {
    const shop = newShop("reinstall");
    await install(simulator, shop);
    await asSystem("test: installed a day ago", (tx) => tx.update(shops).set({ installedAt: new Date(Date.now() - 86_400_000) }).where(eq(shops.shopId, shop)));
    // The merchant uninstalls ten minutes ago (Shopify revokes the tokens); the webhook is delayed.
    const uninstalledAt = new Date(Date.now() - 10 * 60_000);
    simulator.revokeTokens(shop);
    // They reinstall; the stored token has expired, so the app exchanges a session token for a new one.
    await asSystem("test", (tx) => tx.update(sessions).set({ expires: new Date(Date.now() - 60_000) }).where(eq(sessions.shopId, shop)));
    const exchangesBefore = simulator.calls.tokenExchanges;
    await install(simulator, shop);
    expect(simulator.calls.tokenExchanges).toBeGreaterThan(exchangesBefore);
    const [reinstalled] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(reinstalled!.tokenExchangedAt!.getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(reinstalled!.uninstalledAt).toBeNull(); // the app never heard of the uninstall

    // Now the old installation's uninstall arrives.
    const late = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: uninstalledAt });
    expect(late.status).toBe(200);
    const [kept] = await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop)));
    expect(kept).toBeDefined();
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.uninstalledAt).toBeNull();
    // The new installation began after that uninstall; what happened meanwhile is read again.
    expect(row!.installedAt.getTime()).toBe(uninstalledAt.getTime());
    expect(await auditActions(shop)).toEqual(expect.arrayContaining(["webhook.stale_lifecycle_ignored", "app.installed"]));
    const starts = await asSystem("test", (tx) => tx.select().from(jobs).where(eq(jobs.shopId, shop)));
    expect(starts.filter((j) => j.kind === "sync.bulk.start" && j.status === "pending").map((j) => j.idempotencyKey)).toEqual([`first-sync:${shop}`]);

    // An uninstall of this installation still removes the tokens.
    await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: new Date() });
    expect(await sessionCount(shop)).toBe(0);
  });

  it("applies an uninstall triggered less than two minutes before the last token exchange: that exchange proves no reinstall", async () => {
    const shop = newShop("margin");
    await install(simulator, shop);
    await asSystem("test: installed a day ago", (tx) => tx.update(shops).set({ installedAt: new Date(Date.now() - 86_400_000) }).where(eq(shops.shopId, shop)));
    // A session token issued just before the uninstall can still be exchanged for a minute.
    const response = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), triggeredAt: new Date(Date.now() - 90_000) });
    expect(response.status).toBe(200);
    expect(await sessionCount(shop)).toBe(0);
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row!.uninstalledAt).toBeInstanceOf(Date);
    expect(await auditActions(shop)).not.toContain("webhook.stale_lifecycle_ignored");
  });

  it("leaves other shops untouched", async () => {
    const a = newShop("a");
    const b = newShop("b");
    await install(simulator, a);
    await install(simulator, b);
    await deliver({ topic: "app/uninstalled", shop: a, payload: compliancePayloads.appUninstalled(a) });
    expect(await sessionCount(b)).toBe(1);
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, b)));
    expect(row?.uninstalledAt).toBeNull();
  });
});

describe("deliveries that must be rejected, with no effect", () => {
  const forgeries: Array<[string, Partial<WebhookOptions>, number[]]> = [
    ["a wrong secret", { secret: "not-our-secret" }, [401]],
    ["a body changed after signing", { mutate: (p) => { p.body = p.body.replace("}", ',"x":1}'); } }, [401]],
    ["a forged signature", { mutate: (p) => p.headers.set("X-Shopify-Hmac-Sha256", Buffer.alloc(32, 7).toString("base64")) }, [401]],
    ["no signature header", { mutate: (p) => p.headers.delete("X-Shopify-Hmac-Sha256") }, [400, 401]],
  ];
  for (const [name, options, statuses] of forgeries) {
    it(`refuses ${name}`, async () => {
      const shop = newShop();
      await install(simulator, shop);
      const response = await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop), ...options });
      expect(statuses).toContain(response.status);
      expect(await sessionCount(shop)).toBe(1);
      expect(await auditActions(shop)).not.toContain("app.uninstalled");
    });
  }

  it("answers GET with 405", async () => {
    const response = await (await appHandler())(new Request(`${TEST_APP_URL}/webhooks`));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("compliance webhooks", () => {
  it("shop/redact deletes every row of the shop from every table, and only that shop's", async () => {
    const shop = newShop();
    const other = newShop("other");
    await install(simulator, shop);
    await install(simulator, other);
    // Rate-limit counters keyed by each shop's domain (and one that merely contains it).
    await rateLimit(`shop:${shop}:report-export`, policies.export);
    await rateLimit(`shop:${other}:report-export`, policies.export);
    await rateLimit(`shop:x${shop}:report-export`, policies.export);
    await deliver({ topic: "app/uninstalled", shop, payload: compliancePayloads.appUninstalled(shop) });
    const before = await rowsOfShopEverywhere(shop);
    expect(before["rate_limits.key"]).toBe(1);
    expect(Object.values(before).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const response = await deliver({ topic: "shop/redact", shop, payload: compliancePayloads.shopRedact(shop), webhookId: "redact-1" });
      expect(response.status).toBe(200);
    }
    // The request only recorded the delivery and queued one erase job (not one per
    // delivery); nothing of the shop was deleted inside it.
    expect(await rowsOfShopEverywhere(shop)).toEqual(before);
    const queued = await asSystem("test", (tx) => tx.select().from(jobs).where(eq(jobs.kind, "shop.erase")));
    expect(queued.filter((j) => (j.payload as { shop: string }).shop === shop).map((j) => [j.status, j.shopId])).toEqual([["pending", null]]);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    const after = await rowsOfShopEverywhere(shop);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(["shops", "sessions", "audit_events", "webhook_deliveries", "jobs", "rate_limits.key"]));
    for (const [table, count] of Object.entries(after)) expect(count, table).toBe(0);
    const untouched = await rowsOfShopEverywhere(other);
    expect(untouched.shops).toBe(1);
    expect(untouched.sessions).toBe(1);
    expect(untouched["rate_limits.key"]).toBe(1);
    expect((await rowsOfShopEverywhere(`x${shop}`))["rate_limits.key"]).toBe(1);
    // The redaction itself is on record, under a pseudonym, exactly once.
    const system = await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, SYSTEM_CHAIN)));
    const redactions = system.filter((e) => e.action === "shop.redacted" && e.target === pseudonymFor(shop));
    expect(redactions).toHaveLength(1);
    expect(JSON.stringify(system)).not.toContain(shop);
  });

  it("the erase deletes in batches of its size, leaves another shop untouched, and a second run deletes nothing", async () => {
    const [shop, twin, other] = [newShop(), newShop("twin"), newShop("other")];
    for (const s of [shop, twin, other]) {
      await install(simulator, s);
      await withShop(s, (tx) => tx.insert(products).values(Array.from({ length: 7 }, (_, i) => ({ shopId: s, productId: i + 1, title: `P${i}` }))));
    }
    const before = await rowsOfShopEverywhere(shop);
    const untouchedBefore = await rowsOfShopEverywhere(other);
    const small = await eraseShopInBatches(shop, 3);
    const large = await eraseShopInBatches(twin, 50_000);
    const total = Object.values(before).reduce((a, b) => a + b, 0);
    expect([small.rows, large.rows]).toEqual([total, total]);
    // The same rows in batches of 3 took more transactions: 7 products alone are 3 (3, 3, 1).
    expect(small.batches - large.batches).toBeGreaterThanOrEqual(2);
    for (const s of [shop, twin]) for (const [table, count] of Object.entries(await rowsOfShopEverywhere(s))) expect(count, `${s} ${table}`).toBe(0);
    expect(await rowsOfShopEverywhere(other)).toEqual(untouchedBefore);
    expect((await eraseShopInBatches(shop, 3)).rows).toBe(0);
  });

  it("after shop/redact, deliveries for the shop write nothing until the erase has ended; then every table is empty", async () => {
    const shop = newShop("redact-late");
    const other = newShop("redact-late-other");
    await install(simulator, shop);
    await install(simulator, other);
    expect((await deliver({ topic: "shop/redact", shop, payload: compliancePayloads.shopRedact(shop) })).status).toBe(200);
    const marked = await rowsOfShopEverywhere(shop);
    const otherBefore = await rowsOfShopEverywhere(other);
    // Late deliveries (Shopify does not order them): acknowledged, no record, no job.
    for (const topic of ["orders/updated", "products/update"] as const) {
      const payload = topic === "orders/updated"
        ? { id: 4101, admin_graphql_api_id: "gid://shopify/Order/4101" }
        : { id: 4102, admin_graphql_api_id: "gid://shopify/Product/4102", title: "Late", updated_at: "2026-11-01T00:00:00Z", variants: [] };
      expect((await deliver({ topic, shop, payload })).status, topic).toBe(200);
    }
    expect(await rowsOfShopEverywhere(shop)).toEqual(marked);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    for (const [table, count] of Object.entries(await rowsOfShopEverywhere(shop))) expect(count, table).toBe(0);
    expect(await rowsOfShopEverywhere(other)).toEqual(otherBefore);
  });

  it("customers/redact and customers/data_request are acknowledged and audited without keeping customer data", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const redact = await deliver({ topic: "customers/redact", shop, payload: compliancePayloads.customersRedact(shop) });
    const request = await deliver({ topic: "customers/data_request", shop, payload: compliancePayloads.customersDataRequest(shop) });
    expect([redact.status, request.status]).toEqual([200, 200]);
    expect(await auditActions(shop)).toEqual(expect.arrayContaining(["customers.redact_received", "customers.data_request_received"]));
    const everything = JSON.stringify(await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop))));
    expect(everything).not.toContain("canary.customer@example.com");
    expect(everything).not.toContain("+15555550100");
  });

  it("refuses a compliance payload that does not fit its topic with a clear 401 and records nothing", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const response = await deliver({ topic: "customers/redact", shop, payload: { shop_id: 954889, shop_domain: shop } });
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(/customer/);
    expect(await auditActions(shop)).not.toContain("customers.redact_received");
  });
});
