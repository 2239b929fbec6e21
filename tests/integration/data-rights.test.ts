/**
 * Merchant data rights on the Security page: "Export all my data" (a streamed
 * .tar.gz of every kind of the shop's data, nothing of another shop, with the signed
 * audit chain head) and "Delete my data now" (shop/redact's erase, at once, after
 * which the app starts clean). Store owner only, audited, rate-limited.
 */
import { gunzipSync } from "node:zlib";

import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, costHistory, customCosts, gatewayFeeRates, jobs, products, reportNarratives, reports, shippingCostRules, shops, syncRuns, variants } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs } from "~/jobs/queue.server";
import { verifyAgainstHead, type AuditHead } from "~/security/audit-head.server";
import { SYSTEM_CHAIN } from "~/security/audit.server";
import { updateSettings } from "~/settings.server";
import { syncOrder } from "~/sync/orders.server";
import { pseudonymFor, sweepShopRows } from "~/webhooks/erase-shop.server";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mockOnlineTokenExchange } from "../mocks/online-token";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { seedStore } from "../mocks/shopify/seed";
import { signedWebhook } from "../mocks/shopify/webhooks";
import { rowsOfShopEverywhere } from "../shop-census";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

import "~/webhooks/erase-shop.server";

const OWNER = "1";
const STAFF = "42";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
  mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
});

const request = async (r: Request) => (await appHandler())(r);

function embedded(shop: string, pathname = "/app", userId = OWNER) {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId }) });
  return request(new Request(`${TEST_APP_URL}${pathname}?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
}

async function installShop(shop: string) {
  addStore(simulator, shop);
  const response = await embedded(shop);
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${await response.text()}`);
}

/** One row of every kind the export promises, each carrying `marker` (the shop's own canary). */
async function seed(shop: string, marker: string) {
  await updateSettings(shop, { aiEnabled: false, narrativeDailyLimit: 7, weeklyReportEnabled: false, weeklyReportWeekday: 1, weeklyReportHour: 8, reportEmail: null }, { type: "staff", id: OWNER }, null);
  await withShop(shop, async (tx) => {
    await tx.insert(products).values({ shopId: shop, productId: 11, title: `Product ${marker}` });
    await tx.insert(variants).values({ shopId: shop, variantId: 12, productId: 11, title: "Default", sku: `SKU-${marker}`, inventoryItemId: 13 });
    await tx.insert(costHistory).values({ shopId: shop, inventoryItemId: 13, effectiveAt: new Date("2026-01-01T00:00:00Z"), unitCost: "4.25", source: "webhook" });
    await tx.insert(syncRuns).values({ shopId: shop, runId: `run-${marker}`, kind: "orders", status: "completed", finishedAt: new Date() });
    await tx.insert(gatewayFeeRates).values({ shopId: shop, rateId: `rate-${marker}`, gateway: `gateway-${marker}`, percent: "2.9", fixedAmount: "0.30", currencyCode: "USD", effectiveFrom: "2026-01-01" });
    await tx.insert(shippingCostRules).values({ shopId: shop, ruleId: `rule-${marker}`, kind: "per_method_order", method: `Method ${marker}`, amount: "4.5", currencyCode: "USD", effectiveFrom: "2026-01-01" });
    await tx.insert(customCosts).values({ shopId: shop, costId: `cost-${marker}`, name: `Apps ${marker}`, kind: "monthly", amount: "99", currencyCode: "USD", startsOn: "2026-01-01" });
    await tx.insert(reports).values({ shopId: shop, reportId: `report-${marker}`, periodFrom: "2026-03-01", periodTo: "2026-03-07", currencyCode: "USD", data: { marker }, createdBy: `staff:${OWNER}` });
    await tx.insert(reportNarratives).values({
      shopId: shop, narrativeId: `narrative-${marker}`, reportId: `report-${marker}`, source: "local", promptVersion: "local-1",
      narrative: { headline: `Headline ${marker}` }, inputJson: "{}", inputHash: "0".repeat(64), latencyMs: 1, createdBy: `staff:${OWNER}`,
    });
  });
}

/** The archive's files by name: gunzip, then walk the ustar headers. */
function untar(archive: Buffer): Map<string, string> {
  const tar = gunzipSync(archive);
  const files = new Map<string, string>();
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("ascii").replace(/\0.*$/s, ""), 8);
    files.set(name, tar.subarray(offset + 512, offset + 512 + size).toString("utf8"));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

const exportAs = (shop: string, userId: string) => request(bearerRequest(shop, "/app/data/export", { token: idToken(shop, { userId }) }));
const eraseAs = (shop: string, userId: string, confirm: string) =>
  request(bearerRequest(shop, "/app/data/erase", { method: "POST", token: idToken(shop, { userId }), body: new URLSearchParams({ confirm }) }));
const shopEvents = (shop: string, action: string) =>
  asSystem("test", (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, action))));
const eraseJobs = (shop: string) =>
  asSystem("test", async (tx) => (await tx.select().from(jobs).where(eq(jobs.kind, "shop.erase"))).filter((j) => (j.payload as { shop: string }).shop === shop));

describe("Export all my data", () => {
  it("streams a .tar.gz holding every kind of the shop's data, and nothing of another shop", async () => {
    const [shop, other] = [newShop("export"), newShop("neighbour")];
    await installShop(shop);
    await installShop(other);
    await seed(shop, "MINE-7f1");
    await seed(other, "THEIRS-9c2");

    const response = await exportAs(shop, OWNER);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="margin-notes-data-export-[0-9a-f]+-\d{4}-\d\d-\d\d\.tar\.gz"$/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const files = untar(Buffer.from(await response.arrayBuffer()));
    expect([...files.keys()]).toEqual([
      "README.txt", "shop.json", "settings.json", "reports.json", "narratives.json", "products.csv", "variants.csv",
      "cost-history.csv", "cost-recosts.csv", "payment-fee-rates.csv", "shipping-cost-rules.csv", "custom-costs.csv",
      "sync-runs.csv", "audit-log.csv", "audit-checkpoint.json", "audit-head.json",
    ]);
    expect(JSON.parse(files.get("shop.json")!)).toMatchObject({ shopId: shop, currencyCode: expect.any(String) });
    expect(JSON.parse(files.get("settings.json")!)).toMatchObject({ aiEnabled: false, narrativeDailyLimit: 7 });
    expect(JSON.parse(files.get("reports.json")!)).toEqual([expect.objectContaining({ reportId: "report-MINE-7f1", data: { marker: "MINE-7f1" } })]);
    expect(JSON.parse(files.get("narratives.json")!)).toEqual([expect.objectContaining({ narrativeId: "narrative-MINE-7f1", narrative: { headline: "Headline MINE-7f1" } })]);
    expect(files.get("products.csv")).toContain("Product MINE-7f1");
    expect(files.get("variants.csv")).toContain("SKU-MINE-7f1");
    expect(files.get("cost-history.csv")).toMatch(/^shopId,inventoryItemId,effectiveAt,unitCost,source/);
    expect(files.get("cost-history.csv")).toContain("4.25");
    expect(files.get("sync-runs.csv")).toContain("run-MINE-7f1");
    // What the merchant entered for net profit goes with everything else.
    expect(files.get("payment-fee-rates.csv")).toContain("gateway-MINE-7f1");
    expect(files.get("shipping-cost-rules.csv")).toContain("Method MINE-7f1");
    expect(files.get("custom-costs.csv")).toContain("Apps MINE-7f1");
    expect(files.get("cost-recosts.csv")).toMatch(/^shopId,/);
    expect(files.get("audit-log.csv")).toContain("app.installed");
    expect(files.get("audit-log.csv")).toContain("data.exported");
    for (const [name, body] of files) {
      expect(body, name).not.toContain(other);
      expect(body, name).not.toContain("THEIRS-9c2");
    }

    // The signed head names this shop's chain only, at the export event, and verifies.
    const head = JSON.parse(files.get("audit-head.json")!) as AuditHead;
    const [exported] = await shopEvents(shop, "data.exported");
    expect(exported).toMatchObject({ actorType: "staff", actorId: OWNER });
    expect(head.chains).toEqual([{ shopId: shop, seq: exported!.seq, hash: exported!.hash }]);
    expect(await asSystem("test", (tx) => verifyAgainstHead(tx, head))).toEqual([]);
  });

  it("is the store owner's only: staff get a 403, and nothing is exported or audited", async () => {
    const shop = newShop("export-staff");
    await installShop(shop);
    const response = await exportAs(shop, STAFF);
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await response.text()).toMatch(/Only the store owner/);
    expect(await shopEvents(shop, "data.exported")).toEqual([]);
  });

  it("is limited to 3 an hour per shop: the 4th is a 429 with Retry-After, not audited", async () => {
    const shop = newShop("export-limit");
    await installShop(shop);
    for (let i = 0; i < 3; i++) {
      const response = await exportAs(shop, OWNER);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const refused = await exportAs(shop, OWNER);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await shopEvents(shop, "data.exported")).toHaveLength(3);
  });
});

describe("Delete my data now", () => {
  it("erases every row of the shop in every table (shop/redact's erase), audited under a pseudonym, and only that shop's", async () => {
    const [shop, other] = [newShop("erase"), newShop("keep")];
    await installShop(shop);
    await installShop(other);
    await seed(shop, "GONE-1a");
    await seed(other, "KEPT-2b");
    const before = await rowsOfShopEverywhere(shop);
    for (const table of ["shops", "sessions", "audit_events", "reports", "report_narratives", "shop_settings", "cost_history", "products", "variants", "sync_runs"]) {
      expect(before[table], table).toBeGreaterThan(0);
    }

    // Not confirmed (the domain mistyped): a 400, nothing queued.
    const unconfirmed = await eraseAs(shop, OWNER, "something-else.myshopify.com");
    expect(unconfirmed.status).toBe(400);
    expect(await eraseJobs(shop)).toEqual([]);

    const response = await eraseAs(shop, OWNER, shop.toUpperCase());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true });
    expect((await eraseJobs(shop)).map((j) => [j.status, j.shopId, (j.payload as { requestedBy?: string }).requestedBy])).toEqual([["pending", null, "owner"]]);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });

    const after = await rowsOfShopEverywhere(shop);
    expect(Object.keys(after)).toEqual(expect.arrayContaining(["shops", "sessions", "audit_events", "jobs", "rate_limits.key", "shop_settings", "reports"]));
    for (const [table, count] of Object.entries(after)) expect(count, table).toBe(0);
    const untouched = await rowsOfShopEverywhere(other);
    expect(untouched).toMatchObject({ shops: 1, sessions: 1, reports: 1, report_narratives: 1, products: 1 });

    const system = await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, SYSTEM_CHAIN)).orderBy(auditEvents.seq));
    const mine = system.filter((e) => e.target === pseudonymFor(shop));
    expect(mine.map((e) => [e.action, e.actorType, e.actorId])).toEqual([["data.erase_requested", "staff", OWNER], ["shop.redacted", "system", null]]);
    expect(mine[1]!.meta).toMatchObject({ requestedBy: "owner" });
    expect(JSON.stringify(system)).not.toContain(shop);
  });

  it("writes nothing for the shop while the erase runs (an order re-read in flight, a webhook, a visit), then every table is empty and another shop untouched", async () => {
    const [shop, other] = [newShop("erase-mid"), newShop("erase-kept")];
    await installShop(shop);
    await installShop(other);
    await seed(shop, "GONE-4d");
    await seed(other, "KEPT-5e");
    const store = simulator.stores.get(shop)!;
    seedStore(store, { seed: 4, orders: 2, days: 1, end: new Date() });
    const order = store.orders[0]!;
    const orderId = order.id.split("/").pop()!;
    const otherBefore = await rowsOfShopEverywhere(other);

    // The owner asks while an order re-read is in flight, and the erase job has swept
    // every table (all but the shop's own row, which carries the mark) before it answers.
    let midway: Record<string, number> | undefined;
    store.listeners.graphqlAnswered = async (_store, body) => {
      if (midway || !body.query.includes("query MarginNotesOrder(")) return;
      expect((await eraseAs(shop, OWNER, shop)).status).toBe(202);
      await sweepShopRows(shop, 2, { rows: 0, batches: 0 });
      midway = await rowsOfShopEverywhere(shop);
    };
    expect(await syncOrder(shop, orderId)).toBe("missing-shop");
    expect(midway).toBeDefined();
    expect(Object.entries(midway!).filter(([, n]) => n > 0)).toEqual([["shops", 1]]);
    expect(await rowsOfShopEverywhere(shop)).toEqual(midway);

    // A delivery meanwhile is acknowledged and does nothing, not even its record.
    const delivered = await request(signedWebhook({
      appUrl: TEST_APP_URL, secret: TEST_API_SECRET, topic: "orders/updated", shop,
      payload: { id: Number(orderId), admin_graphql_api_id: order.id },
    }));
    expect(delivered.status).toBe(200);
    expect(await rowsOfShopEverywhere(shop)).toEqual(midway);
    // So is a queued re-read (it would start no Shopify call either).
    expect(await syncOrder(shop, orderId)).toBe("missing-shop");
    // A visit is told to come back; the session its token exchange stored goes at once.
    const visit = await embedded(shop);
    expect(visit.status).toBe(503);
    expect(await visit.text()).toContain("deleting this store's data");
    expect(await rowsOfShopEverywhere(shop)).toEqual(midway);

    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    for (const [table, count] of Object.entries(await rowsOfShopEverywhere(shop))) expect(count, table).toBe(0);
    expect(await rowsOfShopEverywhere(other)).toEqual(otherBefore);
  });

  it("starts clean afterwards: the next visit installs the app afresh, with a new audit chain", async () => {
    const shop = newShop("fresh");
    await installShop(shop);
    await seed(shop, "OLD-3c");
    expect((await eraseAs(shop, OWNER, shop)).status).toBe(202);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    expect((await rowsOfShopEverywhere(shop)).shops).toBe(0);

    expect((await embedded(shop)).status).toBe(200);
    const [row] = await asSystem("test", (tx) => tx.select().from(shops).where(eq(shops.shopId, shop)));
    expect(row).toBeDefined();
    const chain = await asSystem("test", (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(auditEvents.seq));
    expect(chain[0]).toMatchObject({ seq: 1, action: "app.installed" });
    expect(await withShop(shop, (tx) => tx.select().from(reports))).toEqual([]);
    expect(await withShop(shop, (tx) => tx.select().from(products))).toEqual([]);
  });

  it("is the store owner's only, and limited to 2 an hour even across the erase: the 3rd is a 429 with Retry-After", async () => {
    const shop = newShop("erase-limit");
    await installShop(shop);
    const refused = await eraseAs(shop, STAFF, shop);
    expect(refused.status).toBe(403);
    expect(await eraseJobs(shop)).toEqual([]);

    expect((await eraseAs(shop, OWNER, shop)).status).toBe(202);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    // The erase removed every counter naming the shop; this one names it by pseudonym and stays.
    expect((await embedded(shop)).status).toBe(200);
    expect((await eraseAs(shop, OWNER, shop)).status).toBe(202);
    // While it runs the store is closed (a 503 saying so); once erased, the app opens afresh.
    expect((await eraseAs(shop, OWNER, shop)).status).toBe(503);
    await drainJobs({ kinds: ["shop.erase"], timeoutMs: 30_000 });
    expect((await embedded(shop)).status).toBe(200);
    const limited = await eraseAs(shop, OWNER, shop);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const requests = await asSystem("test", (tx) => tx.select().from(auditEvents)
      .where(and(eq(auditEvents.shopId, SYSTEM_CHAIN), eq(auditEvents.action, "data.erase_requested"), eq(auditEvents.target, pseudonymFor(shop)))));
    expect(requests).toHaveLength(2);
  });
});

describe("the Security page's data card", () => {
  it("offers the export and the confirmed erase", async () => {
    const shop = newShop("card");
    await installShop(shop);
    const html = await (await embedded(shop, "/app/trust")).text();
    for (const text of ["Your data", "Export all my data", "Delete my data now"]) expect(html).toContain(text);
  });
});
