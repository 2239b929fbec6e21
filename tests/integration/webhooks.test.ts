import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { getDb, queryRows } from "~/db/client.server";
import { auditEvents, sessions, shops } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { SYSTEM_CHAIN } from "~/security/audit.server";
import { pseudonymFor } from "~/webhooks/handle.server";

import { appHandler, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
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
  asSystem("test", async (tx) => (await tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop))).map((e) => e.action));

const sessionCount = async (shop: string) => (await (await getDb()).select().from(sessions).where(eq(sessions.shopId, shop))).length;

/** Every table in the public schema that has a shop_id column, with this shop's row count. */
async function rowsOfShopEverywhere(shop: string): Promise<Record<string, number>> {
  return asSystem("test: census", async (tx) => {
    const tables = await queryRows<{ table: string }>(
      tx,
      sql`select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r'
            and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id' and not a.attisdropped)`,
    );
    const counts: Record<string, number> = {};
    for (const { table } of tables) {
      // app_system's policy sees every shop's rows; on sessions it may read shop_id only.
      const [row] = await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)} where shop_id = ${shop}`);
      counts[table] = row?.n ?? 0;
    }
    return counts;
  });
}

describe("app/uninstalled", () => {
  it("deletes the shop's tokens in the request and marks it uninstalled, once across 5 deliveries", async () => {
    const shop = newShop();
    await install(simulator, shop);
    expect(await sessionCount(shop)).toBe(1);
    const webhookId = "uninstall-1";
    for (let i = 0; i < 5; i++) {
      const response = await deliver({ topic: "app/uninstalled", shop, payload: { id: 1, domain: shop }, webhookId });
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
    await (await getDb()).update(sessions).set({ expires: new Date(Date.now() - 60_000) }).where(eq(sessions.shopId, shop));
    const response = await deliver({ topic: "app/uninstalled", shop, payload: { id: 1, domain: shop } });
    expect(response.status).toBe(200);
    expect(await sessionCount(shop)).toBe(0);
    expect(simulator.calls.refreshes).toBeGreaterThanOrEqual(1);
  });

  it("leaves other shops untouched", async () => {
    const a = newShop("a");
    const b = newShop("b");
    await install(simulator, a);
    await install(simulator, b);
    await deliver({ topic: "app/uninstalled", shop: a, payload: {} });
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
      const response = await deliver({ topic: "app/uninstalled", shop, payload: { id: 1 }, ...options });
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
    await deliver({ topic: "app/uninstalled", shop, payload: {} });
    const before = await rowsOfShopEverywhere(shop);
    expect(Object.values(before).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) {
      const response = await deliver({ topic: "shop/redact", shop, payload: compliancePayloads.shopRedact(shop), webhookId: "redact-1" });
      expect(response.status).toBe(200);
    }
    const after = await rowsOfShopEverywhere(shop);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(["shops", "sessions", "audit_events", "webhook_deliveries"]));
    for (const [table, count] of Object.entries(after)) expect(count, table).toBe(0);
    const untouched = await rowsOfShopEverywhere(other);
    expect(untouched.shops).toBe(1);
    expect(untouched.sessions).toBe(1);
    // The redaction itself is on record, under a pseudonym, exactly once.
    const system = await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, SYSTEM_CHAIN)));
    const redactions = system.filter((e) => e.action === "shop.redacted" && e.target === pseudonymFor(shop));
    expect(redactions).toHaveLength(1);
    expect(JSON.stringify(system)).not.toContain(shop);
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

  it("answers a malformed compliance payload with a clear 422 and records nothing", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const response = await deliver({ topic: "customers/redact", shop, payload: { shop_domain: shop } });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/customer/);
    expect(await auditActions(shop)).not.toContain("customers.redact_received");
  });
});
