/**
 * The saved reports list and deleting a report (issue 13), through the built app: each
 * row's headline figures as saved, its summary's writer and its time in the shop's zone;
 * only the store owner deletes, once confirmed by the page, rate-limited and audited, the
 * narratives going with the report; another shop's report is a 404 with nothing touched.
 * Then the Activity page's words for these events: human labels that say which writer
 * wrote a summary, targets linked only while they exist.
 */
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";

import { auditEvents, narrativeRequests, reportNarratives, reports, variants } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { buildReport } from "~/reports/build.server";
import type { ActivityPage } from "~/security/audit-log.server";
import { audit } from "~/security/audit.server";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mockOnlineTokenExchange } from "../mocks/online-token";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { seedSales } from "../report-fixtures";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";
import { decodeSingleFetch } from "../single-fetch";

const OWNER = "1";
const STAFF = "42";
const WEEK = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" as const };

// Load the built app once, under the hook's longer timeout: on a busy machine its first
// import alone can take most of a test's minute.
beforeAll(async () => {
  await appHandler();
});

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
  mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
});
const request = async (r: Request) => (await appHandler())(r);

async function installShop(shop: string, ianaTimezone = "America/New_York") {
  addStore(simulator, shop, { currencyCode: "USD", ianaTimezone });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) });
  const response = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  // Read to its end: an unread streaming render is aborted (and logged) later, mid-test.
  const body = await response.text();
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${body}`);
}

/** A saved report of seedSales' week, and `narratives` local summaries of it through the page's door. */
async function savedReport(shop: string, narratives = 0): Promise<string> {
  const { reportId } = await buildReport(shop, WEEK, "USD", { type: "staff", id: OWNER });
  for (let i = 0; i < narratives; i++) {
    const response = await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams({ mode: "local" }) }));
    expect(response.status, await response.clone().text()).toBe(200);
    await response.text();
  }
  return reportId;
}

interface ListRow {
  reportId: string;
  period: { from: string; to: string };
  currencyCode: string;
  figures: { netSales: string | null; grossProfit: string | null; netProfit: string | null; orders: number | null };
  narrative: "anthropic" | "local" | null;
  savedAt: string;
  savedAtIso: string;
  savedBy: string;
}
type ListPage = { rows: ListRow[]; timezone: string; owner: boolean };

async function list(shop: string, userId = OWNER): Promise<ListPage> {
  const response = await request(bearerRequest(shop, "/app/reports.data", { token: idToken(shop, { userId }) }));
  expect(response.status).toBe(200);
  const { value } = await decodeSingleFetch(response);
  return (value as Record<string, { data: ListPage }>)["routes/app.reports._index"]!.data;
}

type DeleteReply = { ok: boolean; narratives?: number; message?: string };
async function remove(shop: string, reportId: string, userId = OWNER): Promise<{ status: number; data?: DeleteReply }> {
  const response = await request(bearerRequest(shop, "/app/reports.data?index", {
    method: "POST", token: idToken(shop, { userId }), body: new URLSearchParams({ reportId }),
  }));
  if (response.status === 429) return { status: 429 };
  const { value } = await decodeSingleFetch(response);
  return { status: response.status, data: (value as { data?: DeleteReply }).data };
}

/** What the database holds of a report, read as the system (past row level security). */
const held = (shop: string, reportId: string) =>
  asSystem("test: report rows", async (tx) => ({
    reports: (await tx.select().from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, reportId)))).length,
    narratives: (await tx.select().from(reportNarratives).where(and(eq(reportNarratives.shopId, shop), eq(reportNarratives.reportId, reportId)))).length,
    requests: (await tx.select().from(narrativeRequests).where(and(eq(narrativeRequests.shopId, shop), eq(narrativeRequests.reportId, reportId)))).length,
  }));

const deletions = (shop: string) =>
  asSystem("test: deletions", (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "report.deleted"))));

async function activity(shop: string): Promise<ActivityPage> {
  const { value } = await decodeSingleFetch(await request(bearerRequest(shop, "/app/activity.data")));
  return (value as Record<string, { data: ActivityPage }>)["routes/app.activity"]!.data;
}

describe("the saved reports list", () => {
  it("shows each report's period, headline figures as saved, its summary's writer and its time on the shop's clock", async () => {
    const shop = newShop("list");
    const other = newShop("listother");
    await installShop(shop, "Asia/Kolkata");
    await installShop(other);
    await seedSales(shop);
    await seedSales(other);
    const plain = await savedReport(shop);
    const summarised = await savedReport(shop, 1);
    // A snapshot saved before net profit existed: no netProfit in its figures.
    await withShop(shop, (tx) => tx.update(reports).set({ data: sql`${reports.data} #- '{current,netProfit}'` }).where(eq(reports.reportId, plain)));
    await savedReport(other, 1);

    const page = await list(shop);
    expect(page.owner).toBe(true);
    expect(page.timezone).toBe("Asia/Kolkata");
    // Newest first, this shop's only.
    expect(page.rows.map((r) => r.reportId)).toEqual([summarised, plain]);
    // seedSales' week: net sales 160.00, gross profit 75.00, 4 orders; no expenses, so net profit = gross profit.
    expect(page.rows[0]).toMatchObject({
      period: WEEK.period, currencyCode: "USD", narrative: "local", savedBy: `Staff member ${OWNER}`,
      figures: { netSales: "160.00", grossProfit: "75.00", netProfit: "75.00", orders: 4 },
    });
    expect(page.rows[1]).toMatchObject({ narrative: null, figures: { netSales: "160.00", grossProfit: "75.00", netProfit: null, orders: 4 } });
    for (const row of page.rows) {
      const local = new Date(Date.parse(row.savedAtIso) + 5.5 * 3_600_000);
      const hour = local.getUTCHours() % 12 || 12;
      expect(row.savedAt).toMatch(new RegExp(`^[A-Z][a-z]{2} ${local.getUTCDate()}, ${local.getUTCFullYear()}, ${hour}:\\d\\d [AP]M GMT\\+5:30$`));
    }

    // Staff see the list, not the owner's delete.
    expect((await list(shop, STAFF)).owner).toBe(false);

    const html = await (await request(new Request(`${TEST_APP_URL}/app/reports?${new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) })}`, { headers: { "User-Agent": BROWSER_UA } }))).text();
    for (const text of ["Net sales", "Gross profit", "Net profit", "$160.00", "$75.00", "Summary (local, no AI)", "No summary", "GMT+5:30", "Delete"]) expect(html, text).toContain(text);
  });

  it("keeps its empty state for a shop without reports", async () => {
    const shop = newShop("empty");
    await installShop(shop);
    expect((await list(shop)).rows).toEqual([]);
    const html = await (await request(new Request(`${TEST_APP_URL}/app/reports?${new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) })}`, { headers: { "User-Agent": BROWSER_UA } }))).text();
    expect(html).toContain("No saved reports yet");
  });
});

describe("deleting a saved report", () => {
  it("lets the owner delete one with its narratives, audited, and leaves the shop's other reports alone", async () => {
    const shop = newShop("del");
    await installShop(shop);
    await seedSales(shop);
    const doomed = await savedReport(shop, 2);
    const kept = await savedReport(shop, 1);
    expect(await held(shop, doomed)).toEqual({ reports: 1, narratives: 2, requests: 1 });

    expect(await remove(shop, doomed)).toEqual({ status: 200, data: { ok: true, narratives: 2 } });
    expect(await held(shop, doomed)).toEqual({ reports: 0, narratives: 0, requests: 0 });
    expect(await held(shop, kept)).toEqual({ reports: 1, narratives: 1, requests: 1 });
    expect((await list(shop)).rows.map((r) => r.reportId)).toEqual([kept]);
    expect((await request(bearerRequest(shop, `/app/reports/${doomed}.data`))).status).toBe(404);

    const [event, ...more] = await deletions(shop);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorType: "staff", actorId: OWNER, target: doomed, meta: { from: "2026-03-01", to: "2026-03-07", narratives: 2 } });

    // Deleting it again: not found, nothing more recorded.
    expect(await remove(shop, doomed)).toMatchObject({ status: 404, data: { ok: false } });
    expect(await deletions(shop)).toHaveLength(1);
  });

  it("refuses staff who are not the owner (403): nothing deleted, nothing recorded", async () => {
    const shop = newShop("delstaff");
    await installShop(shop);
    await seedSales(shop);
    const reportId = await savedReport(shop, 1);
    expect(await remove(shop, reportId, STAFF)).toEqual({ status: 403, data: { ok: false, message: "Only the store owner can delete saved reports." } });
    expect(await held(shop, reportId)).toEqual({ reports: 1, narratives: 1, requests: 1 });
    expect(await deletions(shop)).toEqual([]);
  });

  it("answers another shop's report id with a 404 and touches nothing of either shop", async () => {
    const shop = newShop("delmine");
    const other = newShop("deltheirs");
    await installShop(shop);
    await installShop(other);
    await seedSales(other);
    const theirs = await savedReport(other, 1);

    // The owner of `shop` (same user id in another store) aims at `other`'s report.
    expect(await remove(shop, theirs)).toMatchObject({ status: 404, data: { ok: false, message: "No saved report has this id in your store." } });
    expect(await held(other, theirs)).toEqual({ reports: 1, narratives: 1, requests: 1 });
    expect(await deletions(shop)).toEqual([]);
    expect(await deletions(other)).toEqual([]);
    expect((await list(other)).rows.map((r) => r.reportId)).toEqual([theirs]);

    // A malformed id is a 400 before anything is read.
    expect((await request(bearerRequest(shop, "/app/reports.data?index", { method: "POST", token: idToken(shop, { userId: OWNER }), body: new URLSearchParams({ reportId: "nope" }) }))).status).toBe(400);
  });

  it("allows 30 deletes per 10 minutes per shop: the 31st is a 429 that deletes nothing", async () => {
    const shop = newShop("dellimit");
    await installShop(shop);
    await seedSales(shop);
    const reportId = await savedReport(shop);
    for (let i = 0; i < 30; i++) {
      const missing = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      expect((await remove(shop, missing)).status).toBe(404);
    }
    expect((await remove(shop, reportId)).status).toBe(429);
    expect(await held(shop, reportId)).toEqual({ reports: 1, narratives: 0, requests: 0 });
    expect(await deletions(shop)).toEqual([]);
  });
});

describe("Activity in the merchant's words", () => {
  it("names each writer's summary truthfully and links targets only while they exist", async () => {
    const shop = newShop("act");
    await installShop(shop);
    await seedSales(shop);
    const live = await savedReport(shop, 1);
    const gone = await savedReport(shop, 1);
    expect((await remove(shop, gone)).status).toBe(200);
    await withShop(shop, async (tx) => {
      await tx.insert(variants).values({ shopId: shop, variantId: 5001, productId: 101, title: "Large" });
      // What narrate.server.ts records for Claude's summary (meta.source), and a cost edit of a live and a removed variant.
      await audit(tx, shop, { action: "report.narrated", actor: { type: "staff", id: OWNER }, target: live, meta: { source: "anthropic", model: "claude-sonnet-5-5" } });
      await audit(tx, shop, { action: "costs.edited", actor: { type: "staff", id: OWNER }, target: "variant:5001" });
      await audit(tx, shop, { action: "costs.edited", actor: { type: "staff", id: OWNER }, target: "variant:9999" });
    });

    const page = await activity(shop);
    const [removedVariant, liveVariant, claude] = page.rows;
    expect(claude).toMatchObject({ action: "report.narrated", actionLabel: "AI summary written (Claude)", target: "Report Mar 1 – 7, 2026", targetUrl: `/app/reports/${live}` });
    expect(liveVariant).toMatchObject({ target: "Linen Shirt · Large", targetUrl: "/app/costs?q=Linen+Shirt&variant=5001" });
    expect(removedVariant).toMatchObject({ target: "Variant 9999 (no longer in the store)", targetUrl: null });

    const local = page.rows.filter((r) => r.action === "report.narrated" && r.seq < claude!.seq);
    expect(local.map((r) => r.actionLabel)).toEqual(["Summary written (local, no AI)", "Summary written (local, no AI)"]);
    // Never a claim of AI for the local writer, never a raw code as a label.
    for (const row of page.rows) expect(row.actionLabel).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
    expect(local.map((r) => r.targetUrl)).toEqual([null, `/app/reports/${live}`]);
    expect(local[0]!.target).toBe("Deleted report");
    const deleted = page.rows.find((r) => r.action === "report.deleted");
    expect(deleted).toMatchObject({ actionLabel: "Report deleted", target: "Deleted report (Mar 1 – 7, 2026)", targetUrl: null, actor: `Staff member ${OWNER}` });
    expect(page.actions.find((a) => a.value === "report.deleted")?.label).toBe("Report deleted");
    for (const row of page.rows) expect(row.time).toMatch(/ E[SD]T$/);
  });
});
