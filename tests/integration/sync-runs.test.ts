/**
 * Sync runs that end: nothing sticks in "running" (a job that fails for good, or a
 * run nothing advances, fails the run with a reason the dashboard shows, and a retry
 * starts afresh), the orders bulk always follows the products run, a lost finish
 * webhook is made up for by the poll, and Shopify's long Retry-After reschedules the
 * job instead of holding a worker slot.
 */
import { and, eq, sql } from "drizzle-orm";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";

import { jobs, orders, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs } from "~/jobs/queue.server";
import { ingestBulkResult, retrySync, startBulkSync, syncStatus } from "~/sync/bulk.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectErrorLogs } from "../setup/error-logs";
import { mswServer } from "../mocks/msw-server";
import { BULK_STORAGE_ORIGIN } from "../mocks/shopify/bulk";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";

// The sync's job handlers, in this process (the build registers its own copy).
import "~/sync/jobs.server";

const END = new Date("2026-11-20T15:00:00Z");

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
});

function setUpStore(orderCount: number, seed = 31) {
  const shop = newShop("runs");
  const store = addStore(simulator, shop, { ianaTimezone: "Europe/Paris", currencyCode: "EUR" });
  seedStore(store, { seed, orders: orderCount, days: 20, end: END });
  return { shop, store };
}

const runsOf = (shop: string) => withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)).orderBy(syncRuns.startedAt));
const jobsOf = (shop: string, kind: string) => asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, kind))));
const drain = (shop: string, timeoutMs = 60_000) => drainJobs({ shops: [shop], timeoutMs, pollMs: 10, backoff: { baseMs: 5, maxMs: 20 } });

/** Drains the shop's jobs (and the simulator's webhooks) until no run is active; then the runs. */
async function settle(shop: string, beforeEachRound?: () => Promise<void>) {
  for (let round = 0; round < 300; round++) {
    await beforeEachRound?.();
    await simulator.settled();
    const stats = await drain(shop);
    await simulator.settled();
    const runs = await runsOf(shop);
    if (!runs.some((r) => ["requested", "running", "ingesting"].includes(r.status)) && stats.claimed === 0) return runs;
    if (stats.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("sync did not settle");
}

/** Admin GraphQL requests of one shop whose body matches answer `respond()`; others reach the simulator. */
function interceptGraphql(shop: string, matches: (body: { query: string; variables?: Record<string, unknown> }) => boolean, respond: () => Response | undefined) {
  let hits = 0;
  mswServer.use(
    http.post(`https://${shop}/admin/api/:version/graphql.json`, async ({ request }) => {
      const body = (await request.clone().json()) as { query: string; variables?: Record<string, unknown> };
      if (!matches(body)) return undefined;
      const response = respond();
      if (response) hits++;
      return response;
    }),
  );
  return { hits: () => hits };
}

const orderCount = async (shop: string) => (await withShop(shop, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(orders).where(eq(orders.shopId, shop))))[0]!.n;

describe("the poll fallback", () => {
  it("completes the backfill when every bulk_operations/finish webhook is lost", async () => {
    const { shop, store } = setUpStore(300);
    const deliver = simulator.deliver!;
    let dropped = 0;
    simulator.deliver = async (request) => {
      if (request.headers.get("X-Shopify-Topic") === "bulk_operations/finish") {
        dropped++;
        return new Response(null, { status: 200 }); // acknowledged by nobody: lost
      }
      return deliver(request);
    };
    await install(simulator, shop);
    // The poll is due BULK_POLL_SECONDS after each start (15 min in tests): bring it forward.
    const runs = await settle(shop, () => asSystem("test: poll now", async (tx) => {
      await tx.update(jobs).set({ runAt: sql`now()` }).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.poll"), eq(jobs.status, "pending")));
    }));
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    expect(dropped).toBe(2);
    expect(await orderCount(shop)).toBe(store.orders.length);
  });
});

describe("a stalled download", () => {
  it("is dropped after the idle timeout and resumed from the last committed line; the backfill equals Shopify", async () => {
    const { shop, store } = setUpStore(200);
    let downloads = 0;
    mswServer.use(http.get(`${BULK_STORAGE_ORIGIN}/bulk/:file`, () => void downloads++));
    // The products file's connection goes silent after 3 kB: no reset, no end.
    store.faults.stallNextBulkDownloadAfterBytes = 3_000;
    const deliver = simulator.deliver!;
    let heldFinish: Request | null = null;
    simulator.deliver = async (request) => {
      if (!heldFinish && request.headers.get("X-Shopify-Topic") === "bulk_operations/finish") {
        heldFinish = request; // the test runs this ingest itself, with a short idle timeout
        return new Response(null, { status: 200 });
      }
      return deliver(request);
    };
    await install(simulator, shop);
    await drain(shop); // starts the products bulk operation
    await simulator.settled();
    expect(heldFinish).not.toBeNull();
    const [run] = await runsOf(shop);
    const started = Date.now();
    const { lines } = await ingestBulkResult(shop, run!.runId, { idleTimeoutMs: 300, batchLines: 5 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(downloads).toBe(2);
    const [done] = await runsOf(shop);
    // Progress counts products, once each although the download was resumed.
    expect(done).toMatchObject({ kind: "products", status: "completed", linesProcessed: lines,
      rootsProcessed: store.products.length, rootObjectCount: store.products.length });
    expect(lines).toBeGreaterThan(20);
    // The rest of the backfill (orders) runs through the jobs as usual.
    const runs = await settle(shop);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    expect(await orderCount(shop)).toBe(store.orders.length);
    // What the merchant was shown is counted in orders (the file has several lines per order).
    const orders = (await runsOf(shop)).at(-1)!;
    expect(orders).toMatchObject({ kind: "orders", rootsProcessed: store.orders.length });
    expect(orders.linesProcessed).toBeGreaterThan(store.orders.length);
    expect(await syncStatus(shop)).toMatchObject({ state: "completed", kind: "orders", processed: store.orders.length, total: store.orders.length });
  });
});

describe("runs that would stick", () => {
  it("fails the run with a reason when its ingest job fails for good, and a retry starts a new run", async () => {
    // The ingest job fails for good: the queue says so at error level.
    expectErrorLogs(/"msg":"job failed"/);
    const { shop, store } = setUpStore(120);
    // Shopify answers every status query of the run with an error: the ingest job cannot progress.
    let broken = true;
    interceptGraphql(shop, (b) => b.query.includes("MarginNotesBulkStatus"), () =>
      broken ? HttpResponse.json({ errors: [{ message: "Internal error looking up the operation" }] }) : undefined);
    await install(simulator, shop);
    await settle(shop);
    const [dead] = await runsOf(shop);
    expect(dead).toMatchObject({ kind: "products", status: "failed" });
    expect(dead!.error).toMatch(/stopped after repeated errors: .*Internal error looking up the operation/);
    const [ingest] = await jobsOf(shop, "sync.bulk.ingest");
    expect(ingest).toMatchObject({ status: "failed", attempts: 5 });
    // What the dashboard shows.
    const status = await syncStatus(shop);
    expect(status).toMatchObject({ state: "failed", error: dead!.error });

    broken = false;
    const retried = await startBulkSync(shop);
    expect(retried.runId).not.toBe(dead!.runId);
    const runs = await settle(shop);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "failed"], ["products", "completed"], ["orders", "completed"]]);
    expect(await orderCount(shop)).toBe(store.orders.length);
  });

  it("fails a run that nothing advances any more, on retry and by the sweep job, and starts afresh", async () => {
    const { shop } = setUpStore(50);
    simulator.autoCompleteBulk = false; // the bulk operation stays RUNNING at Shopify
    await install(simulator, shop);
    await drain(shop);
    const [run] = await runsOf(shop);
    expect(run).toMatchObject({ kind: "products", status: "running" });
    // A run still advanced by its poll job is not stuck, however old.
    await withShop(shop, (tx) => tx.update(syncRuns).set({ startedAt: sql`now() - interval '1 hour'` }).where(eq(syncRuns.shopId, shop)));
    expect((await startBulkSync(shop)).runId).toBe(run!.runId);
    // Its poll job is gone (deleted by hand, a crash after a failure was recorded): stuck.
    await asSystem("test", (tx) => tx.delete(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.poll"))));
    // The sweep job finds it.
    await asSystem("test", (tx) => tx.update(jobs).set({ runAt: sql`now()` }).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.runs.sweep"))));
    await drain(shop);
    const [swept] = await runsOf(shop);
    expect(swept).toMatchObject({ status: "failed", error: "The sync stopped making progress (its background work ended unexpectedly)." });
    // No active run is left to sweep: the sweep did not schedule itself again.
    expect((await jobsOf(shop, "sync.runs.sweep")).filter((j) => j.status === "pending")).toEqual([]);

    // The same run found by a retry instead: failed there, and a new run starts.
    const second = await startBulkSync(shop);
    await withShop(shop, (tx) => tx.update(syncRuns).set({ startedAt: sql`now() - interval '11 minutes'` }).where(eq(syncRuns.runId, second.runId)));
    await asSystem("test", (tx) => tx.delete(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.poll"))));
    const third = await startBulkSync(shop);
    expect(third.runId).not.toBe(second.runId);
    const runs = await runsOf(shop);
    expect(runs.find((r) => r.runId === second.runId)).toMatchObject({ status: "failed" });
    expect(runs.find((r) => r.runId === third.runId)).toMatchObject({ status: "running" });
  });

  it("starts the orders bulk even when Shopify refuses it right after the products run completed", async () => {
    const { shop, store } = setUpStore(150);
    // The orders bulk mutation fails twice, right after the products run's completion commits.
    let refusals = 2;
    interceptGraphql(shop, (b) => b.query.includes("MarginNotesBulkRun") && String(b.variables?.query).includes("MarginNotesOrdersBulk"), () =>
      refusals-- > 0 ? HttpResponse.json({ errors: [{ message: "Service unavailable, try again" }] }) : undefined);
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(refusals).toBeLessThan(0);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    expect(await orderCount(shop)).toBe(store.orders.length);
    // The products ingest itself never failed: the orders start is its own job.
    expect((await jobsOf(shop, "sync.bulk.ingest")).every((j) => j.status === "succeeded" && j.attempts === 1)).toBe(true);
  });
});

describe("Shopify's Retry-After", () => {
  it("a 429 storm with Retry-After: 3600 reschedules the job (capped) instead of sleeping in a worker slot", async () => {
    const { shop } = setUpStore(20);
    simulator.autoCompleteBulk = false;
    interceptGraphql(shop, (b) => b.query.includes("MarginNotesBulkRun"), () =>
      HttpResponse.json({ errors: "Exceeded the rate limit." }, { status: 429, headers: { "Retry-After": "3600" } }));
    await install(simulator, shop);
    const started = Date.now();
    await drain(shop, 20_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    const [start] = await jobsOf(shop, "sync.bulk.start");
    expect(start).toMatchObject({ status: "pending", attempts: 0 });
    expect(start!.lastError).toMatch(/RetryLaterError: Admin API answered HTTP 429/);
    const delayMs = start!.runAt.getTime() - Date.now();
    expect(delayMs).toBeGreaterThan(14 * 60_000);
    expect(delayMs).toBeLessThanOrEqual(15 * 60_000);
    expect(await runsOf(shop)).toEqual([]);
  });

  it("the merchant's Retry sync during a 429 storm answers 429 with when, and queues the start for then", async () => {
    const { shop } = setUpStore(20);
    simulator.autoCompleteBulk = false;
    await install(simulator, shop);
    await asSystem("test", (tx) => tx.delete(jobs).where(eq(jobs.shopId, shop)));
    interceptGraphql(shop, (b) => b.query.includes("MarginNotesBulkRun"), () =>
      HttpResponse.json({ errors: "Exceeded the rate limit." }, { status: 429, headers: { "Retry-After": "120" } }));
    const thrown = await retrySync(shop, { type: "staff", id: "1" }, { ip: null, userAgent: null }).then(() => null, (e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(429);
    expect((thrown as Response).headers.get("Retry-After")).toBe("120");
    const [start] = await jobsOf(shop, "sync.bulk.start");
    expect(start).toMatchObject({ status: "pending", idempotencyKey: `retry-sync:${shop}` });
    expect(start!.runAt.getTime() - Date.now()).toBeGreaterThan(100_000);
    expect(await runsOf(shop)).toEqual([]);
  });
});
