/**
 * A double-clicked "Write narrative"/"Regenerate" writes one narrative: one quota
 * unit, one paid Claude call, the same answer to both requests
 * (app/reports/narrate-once.server.ts), whether the second request arrives while
 * the first is running or just after it finished; a failure is shared too, and a
 * holder that died is taken over after its lease.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, dailyOrders, dailyRollups, narrativeRequests, products, reportNarratives } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { buildReport } from "~/reports/build.server";
import type { NarrativeResponse } from "~/reports/narrative";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mockAnthropic, TEST_ANTHROPIC_KEY } from "../mocks/anthropic";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { deriveReportRollups } from "../report-fixtures";
import { TEST_APP_URL } from "../setup/test-env";

// Read by the build when the first request imports it: Claude is configured.
process.env.ANTHROPIC_API_KEY = TEST_ANTHROPIC_KEY;
process.env.ANTHROPIC_TIMEOUT_MS = "5000";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);

async function savedReport(): Promise<{ shop: string; reportId: string }> {
  const shop = newShop("once");
  addStore(simulator, shop, { currencyCode: "USD" });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
  const installed = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  if (installed.status !== 200) throw new Error(`install failed: ${installed.status}`);
  await withShop(shop, async (tx) => {
    await tx.insert(products).values([{ shopId: shop, productId: 101, title: "Linen Shirt" }]);
    await tx.insert(dailyRollups).values([{ shopId: shop, day: "2026-03-02", productId: 101, grossSales: "400", units: 8, cogs: "120", netSalesWithCost: "400" }]);
    await tx.insert(dailyOrders).values([{ shopId: shop, day: "2026-03-02", orders: 6, originalNetProduct: "400" }]);
    await deriveReportRollups(tx, shop);
  });
  const range = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: null, compareMode: "none" as const };
  const { reportId } = await buildReport(shop, range, "USD", { type: "staff", id: "42" });
  return { shop, reportId };
}

async function post(shop: string, reportId: string, form: Record<string, string> = {}): Promise<{ status: number; body: NarrativeResponse }> {
  const response = await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams(form) }));
  return { status: response.status, body: (await response.json()) as NarrativeResponse };
}

const narrativesOf = (shop: string) => asSystem("test: narratives", (tx) => tx.select().from(reportNarratives).where(eq(reportNarratives.shopId, shop)));
const narratedEvents = (shop: string) =>
  asSystem("test: events", (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "report.narrated"))));
const idOf = (r: { body: NarrativeResponse }) => (r.body.ok ? r.body.narrative?.id : undefined);

describe("one narrative per press", () => {
  it("answers two concurrent POSTs with one narrative, one quota unit and one Claude call", async () => {
    // Slow enough that the second request certainly arrives while the first is with Claude.
    const { requests } = mockAnthropic({ kind: "slow", ms: 600 });
    const { shop, reportId } = await savedReport();

    const [a, b] = await Promise.all([post(shop, reportId, { replaces: "none" }), post(shop, reportId, { replaces: "none" })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(idOf(a)).toBeDefined();
    expect(idOf(b)).toBe(idOf(a));
    expect(requests).toHaveLength(1);
    const rows = await narrativesOf(shop);
    expect(rows.map((r) => r.narrativeId)).toEqual([idOf(a)]);
    // The daily quota counts stored narratives: one unit, and one audit event.
    expect(await narratedEvents(shop)).toHaveLength(1);
    const [inFlight] = await asSystem("test: in flight", (tx) => tx.select().from(narrativeRequests).where(eq(narrativeRequests.shopId, shop)));
    expect(inFlight).toMatchObject({ reportId, narrativeId: idOf(a), errorCode: null });
    expect(inFlight!.finishedAt).not.toBeNull();
  });

  it("answers a repeat of an answered press (same shown narrative) with that narrative; a real Regenerate writes a new one", async () => {
    const { requests } = mockAnthropic({ kind: "narrative" });
    const { shop, reportId } = await savedReport();

    const first = await post(shop, reportId, { replaces: "none" });
    const echo = await post(shop, reportId, { replaces: "none" });
    expect(idOf(echo)).toBe(idOf(first));
    expect(requests).toHaveLength(1);
    expect(await narrativesOf(shop)).toHaveLength(1);

    const regenerated = await post(shop, reportId, { replaces: idOf(first)! });
    expect(regenerated.status).toBe(200);
    expect(idOf(regenerated)).not.toBe(idOf(first));
    expect(requests).toHaveLength(2);
    expect(await narrativesOf(shop)).toHaveLength(2);
  });

  it("shares a failure with the request that waited instead of calling Claude again", async () => {
    // Refused after a while: the second press arrives while the first is still waiting.
    const failing = mockAnthropic({ kind: "error", status: 401, ms: 500 });
    const { shop, reportId } = await savedReport();
    const [a, b] = await Promise.all([post(shop, reportId), post(shop, reportId)]);
    expect([a.status, b.status]).toEqual([503, 503]);
    expect(a.body).toMatchObject({ ok: false, error: { code: "not_configured" } });
    expect(b.body).toEqual(a.body);
    // One request (401 is not retried by the SDK), not one per press.
    expect(failing.requests).toHaveLength(1);
    expect(await narrativesOf(shop)).toHaveLength(0);
  });

  it("takes over from a holder that died once its lease has run out", async () => {
    const { requests } = mockAnthropic({ kind: "narrative" });
    const { shop, reportId } = await savedReport();
    await withShop(shop, (tx) => tx.insert(narrativeRequests).values({ shopId: shop, reportId, requestId: "dead", startedAt: sql`now() - interval '10 minutes'` }));
    const taken = await post(shop, reportId);
    expect(taken.status).toBe(200);
    expect(requests).toHaveLength(1);
    const [row] = await asSystem("test: in flight", (tx) => tx.select().from(narrativeRequests).where(eq(narrativeRequests.shopId, shop)));
    expect(row!.requestId).not.toBe("dead");
    expect(row!.narrativeId).toBe(idOf(taken));
  });
});
