/**
 * A backfill's job killed at each phase: the products bulk start, poll and ingest,
 * the orders bulk start and poll, the orders ingest (mid-stream and
 * just before the finalize), the finalize (one part of it), after the finalize before
 * the rollups, the rollups and the staged rows' discard.
 * Each time the run recovers (the job runs again and carries on), or, when the fault
 * never goes away, the run fails with a reason the dashboard shows and a retry starts
 * afresh; and the dashboard's figures equal the simulator's truth.
 *
 * A kill is a throw at that point: what a crash does to the job's transaction (rolled
 * back) and to the job (it runs again). The lease path (a worker that disappears
 * without a word) is sync.test.ts's killWorkerMidIngest. Bulk starts die after
 * Shopify accepted the operation: its answer never reaches the app.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { queryRows, type Tx } from "~/db/client.server";
import { jobs, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs } from "~/jobs/queue.server";
import { retrySync, syncStatus } from "~/sync/bulk.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectLedgerEqualsTruth } from "../ledger-truth";
import { expectErrorLogs } from "../setup/error-logs";
import { mswServer } from "../mocks/msw-server";
import { runBulkQuery as simulatorRunBulkQuery } from "../mocks/shopify/bulk";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import type { SimStore } from "../mocks/shopify/store";
import { truthTotals } from "../mocks/shopify/truth";

import type * as Catalog from "~/sync/catalog.server";
import type * as Ledger from "~/sync/ledger.server";
import type * as Stage from "~/sync/stage.server";
import type * as Tenant from "~/db/tenant.server";

// The sync's job handlers, in this process (the build registers its own copy).
import "~/sync/jobs.server";

type Phase = "products ingest" | "orders mid-stream" | "before finalize" | "finalize" | "rollups" | "discard";

/** One armed fault: passes `skip` occurrences of its phase, then throws `times` times. */
const fault = vi.hoisted(() => {
  const state = { phase: null as string | null, skip: 0, times: 0, fired: 0 };
  return {
    state,
    arm(phase: string, { skip = 0, times = 1 } = {}) {
      Object.assign(state, { phase, skip, times, fired: 0 });
    },
    hit(phase: string) {
      if (state.phase !== phase) return;
      if (state.skip > 0) return void state.skip--;
      if (state.times <= 0) return;
      state.times--;
      state.fired++;
      throw new Error(`killed at ${phase}`);
    },
  };
});

vi.mock("~/sync/ledger.server", async (importOriginal) => {
  const actual = await importOriginal<typeof Ledger>();
  return {
    ...actual,
    finalizeRun: async (...args: Parameters<typeof actual.finalizeRun>) => {
      // A bulk file's finalize: staged ("bulk") or, a shop's first, direct (direct.server.ts).
      const bulk = args[4] === "bulk" || args[4] === "direct";
      if (bulk) fault.hit("before finalize"); // every line staged and committed
      const result = await actual.finalizeRun(...args);
      // The ledger and the rollups written, the run's completing transaction not committed.
      if (bulk) fault.hit("finalize");
      return result;
    },
    discardStagedBatch: async (...args: Parameters<typeof actual.discardStagedBatch>) => {
      const deleted = await actual.discardStagedBatch(...args);
      if (deleted > 0) fault.hit("discard");
      return deleted;
    },
  };
});

// The rollups are rebuilt in the finalize's transaction: the kill comes when the
// month rollups are written (the daily ones already are).
vi.mock("~/db/tenant.server", async (importOriginal) => {
  const actual = await importOriginal<typeof Tenant>();
  const { PgDialect } = await import("drizzle-orm/pg-core");
  const dialect = new PgDialect();
  const watched = (tx: Tx): Tx => new Proxy(tx, {
    get(target, key, receiver) {
      if (key !== "execute" || fault.state.phase !== "rollups") return Reflect.get(target, key, receiver);
      return (query: SQL) => {
        if (/insert into monthly_rollups/.test(dialect.sqlToQuery(query).sql)) fault.hit("rollups");
        return target.execute(query);
      };
    },
  });
  return {
    ...actual,
    withShop: ((shop, fn, options) => actual.withShop(shop, (tx) => fn(watched(tx)), options)) as typeof actual.withShop,
  };
});

vi.mock("~/sync/catalog.server", async (importOriginal) => {
  const actual = await importOriginal<typeof Catalog>();
  class CatalogBatch extends actual.CatalogBatch {
    override async write(...args: Parameters<InstanceType<typeof actual.CatalogBatch>["write"]>) {
      await super.write(...args);
      fault.hit("products ingest"); // written, not committed
    }
  }
  return { ...actual, CatalogBatch };
});

vi.mock("~/sync/stage.server", async (importOriginal) => {
  const actual = await importOriginal<typeof Stage>();
  class StagedBatch extends actual.StagedBatch {
    // The ingest builds each batch's statement with statementYielding (bulk.server.ts).
    override statementYielding(...args: Parameters<InstanceType<typeof actual.StagedBatch>["statementYielding"]>) {
      fault.hit("orders mid-stream");
      return super.statementYielding(...args);
    }
  }
  return { ...actual, StagedBatch };
});

const END = new Date("2026-11-20T15:00:00Z");
const TZ = "America/Chicago";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator({ autoCompleteBulk: true });
  fault.arm("none", { times: 0 });
});

function setUpStore(orderCount: number, seed: number): { shop: string; store: SimStore } {
  const shop = newShop("phase");
  const store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
  seedStore(store, { seed, orders: orderCount, days: 35, end: END });
  return { shop, store };
}

const runsOf = (shop: string) => withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)).orderBy(syncRuns.startedAt));

/** Runs the shop's jobs until no run is active and nothing is left; polls are brought forward (a lost webhook's fallback). */
async function settle(shop: string) {
  for (let round = 0; round < 400; round++) {
    await asSystem("test: poll now", (tx) => tx.update(jobs).set({ runAt: sql`now()` })
      .where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.bulk.poll"), eq(jobs.status, "pending"))));
    await simulator.settled();
    const stats = await drainJobs({ shops: [shop], timeoutMs: 60_000, pollMs: 10, backoff: { baseMs: 5, maxMs: 20 } });
    await simulator.settled();
    const runs = await runsOf(shop);
    if (!runs.some((r) => ["requested", "running", "ingesting"].includes(r.status)) && stats.claimed === 0) return runs;
    if (stats.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("sync did not settle");
}

/**
 * The bulk start of one kind dies `times` times after Shopify accepted the operation
 * (it runs, finishes and its webhook names an operation no run started).
 */
function killBulkStart(shop: string, store: SimStore, kind: "orders" | "products", times: number) {
  const marker = kind === "orders" ? "MarginNotesOrdersBulk" : "MarginNotesProductsBulk";
  const state = { fired: 0 };
  mswServer.use(http.post(`https://${shop}/admin/api/:version/graphql.json`, async ({ request }) => {
    const body = (await request.clone().json()) as { query: string; variables?: { query?: string } };
    if (!body.query.includes("MarginNotesBulkRun") || !String(body.variables?.query).includes(marker) || state.fired >= times) return undefined;
    state.fired++;
    simulatorRunBulkQuery(store, { query: String(body.variables!.query) });
    return HttpResponse.json({ errors: [{ message: `killed at the ${kind} bulk start` }] });
  }));
  return state;
}

/** Drops one kind's bulk_operations/finish and kills its run's first poll: the poll job itself must recover. */
function killPoll(shop: string, store: SimStore, kind: "orders" | "products") {
  const deliver = simulator.deliver!;
  const marker = kind === "orders" ? "MarginNotesOrdersBulk" : "MarginNotesProductsBulk";
  const isPolledOp = (id: unknown) => store.bulkOperations.some((op) => op.id === id && op.query.includes(marker));
  simulator.deliver = async (request) => {
    if (request.headers.get("X-Shopify-Topic") === "bulk_operations/finish") {
      const payload = (await request.clone().json()) as { admin_graphql_api_id: string };
      if (isPolledOp(payload.admin_graphql_api_id)) return new Response(null, { status: 200 }); // lost
    }
    return deliver(request);
  };
  const state = { fired: 0 };
  mswServer.use(http.post(`https://${shop}/admin/api/:version/graphql.json`, async ({ request }) => {
    const body = (await request.clone().json()) as { query: string; variables?: { id?: string } };
    if (!body.query.includes("MarginNotesBulkStatus") || !isPolledOp(body.variables?.id) || state.fired > 0) return undefined;
    state.fired++;
    return HttpResponse.json({ errors: [{ message: `killed at the ${kind} poll` }] });
  }));
  return state;
}

/** The dashboard's figures for the whole seeded period equal the truth, and so does every day. */
async function expectDashboardEqualsTruth(shop: string, store: SimStore) {
  await expectLedgerEqualsTruth(shop, store, 25);
  const { loadReport } = await import("~/reports/build.server");
  const period = { from: "2026-10-10", to: "2026-11-20" };
  const shown = (await loadReport(shop, { period, compare: null, compareMode: "none" }, "USD")).current;
  const truth = truthTotals(store, { ...period, costs: "current" });
  const keys = ["grossSales", "discounts", "returns", "netSales", "shipping", "taxes", "totalSales", "orders", "units", "cogs", "grossProfit"] as const;
  expect(Object.fromEntries(keys.map((k) => [k, shown[k]]))).toEqual(Object.fromEntries(keys.map((k) => [k, truth[k]])));
}

/** Nothing counted twice, nothing left staged. */
async function expectCleanLedger(shop: string) {
  const [row] = await withShop(shop, (tx) => queryRows<{ dupes: number; staged: number }>(tx, sql`
    select (select count(*)::int from (select 1 from sales where shop_id = ${shop} group by sale_id having count(*) > 1) d) as dupes,
      (select count(*)::int from staged_orders where shop_id = ${shop})
      + (select count(*)::int from staged_agreements where shop_id = ${shop})
      + (select count(*)::int from staged_sales where shop_id = ${shop}) as staged`));
  expect(row).toEqual({ dupes: 0, staged: 0 });
}

const inJobs: Array<{ phase: Phase; skip?: number; orders?: number }> = [
  { phase: "products ingest" },
  // The second batch dies while the first commits: the retry resumes after the committed lines.
  { phase: "orders mid-stream", skip: 1, orders: 1800 },
  { phase: "before finalize" },
  // The ledger and rollups written, the completing transaction not committed: all rolls back.
  { phase: "finalize" },
  { phase: "rollups" },
  // The discard dies after its first batch: the ledger is complete already.
  { phase: "discard", skip: 1 },
];

describe("a backfill job killed once at each phase recovers, and the dashboard equals the truth", () => {
  it.each(inJobs)("killed at $phase", async ({ phase, skip, orders }) => {
    const { shop, store } = setUpStore(orders ?? 250, 70 + inJobs.findIndex((p) => p.phase === phase));
    fault.arm(phase, { skip });
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(fault.state.fired).toBe(1);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    await expectDashboardEqualsTruth(shop, store);
    await expectCleanLedger(shop);
    expect(await syncStatus(shop)).toMatchObject({ state: "completed", error: null });
  });

  it.each(["products", "orders"] as const)("killed at the %s bulk start, after Shopify accepted the operation", async (kind) => {
    const { shop, store } = setUpStore(250, kind === "orders" ? 80 : 81);
    const killed = killBulkStart(shop, store, kind, 1);
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(killed.fired).toBe(1);
    // The orphaned operation ran at Shopify too; it started no run of its own.
    expect(store.bulkOperations.filter((op) => op.query.includes(kind === "orders" ? "MarginNotesOrdersBulk" : "MarginNotesProductsBulk"))).toHaveLength(2);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    await expectDashboardEqualsTruth(shop, store);
    await expectCleanLedger(shop);
  });

  it.each(["products", "orders"] as const)("killed at the %s poll (its finish webhook lost)", async (kind) => {
    const { shop, store } = setUpStore(250, kind === "orders" ? 82 : 86);
    const killed = killPoll(shop, store, kind);
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(killed.fired).toBe(1);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    await expectDashboardEqualsTruth(shop, store);
    await expectCleanLedger(shop);
  });
});

describe("a backfill job killed at every attempt fails the run with a reason, and a retry starts afresh", () => {
  const staff = { type: "staff", id: "1" } as const;
  const origin = { ip: null, userAgent: null };

  it.each(["products", "orders"] as const)("at the %s bulk start", async (kind) => {
    // The job fails for good: the queue says so at error level.
    expectErrorLogs(/"msg":"job failed"/);
    const { shop, store } = setUpStore(250, kind === "orders" ? 83 : 84);
    const killed = killBulkStart(shop, store, kind, 5);
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(killed.fired).toBe(5);
    const failed = runs.at(-1)!;
    expect(failed).toMatchObject({ kind, status: "failed" });
    expect(failed.error).toMatch(new RegExp(`stopped after repeated errors: .*killed at the ${kind} bulk start`));
    // The dashboard says so: never "completed" with no orders, never "never".
    expect(await syncStatus(shop)).toMatchObject({ state: "failed", error: failed.error });

    const retried = await retrySync(shop, staff, origin);
    expect(retried.runId).not.toBe(failed.runId);
    const after = await settle(shop);
    expect(after.slice(-2).map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "completed"]]);
    await expectDashboardEqualsTruth(shop, store);
    await expectCleanLedger(shop);
  });

  it("at the finalize", async () => {
    // The job fails for good: the queue says so at error level.
    expectErrorLogs(/"msg":"job failed"/);
    const { shop, store } = setUpStore(250, 85);
    fault.arm("before finalize", { times: 5 });
    await install(simulator, shop);
    const runs = await settle(shop);
    expect(fault.state.fired).toBe(5);
    expect(runs.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "failed"]]);
    expect(runs[1]!.error).toMatch(/stopped after repeated errors: .*killed at before finalize/);
    expect(await syncStatus(shop)).toMatchObject({ state: "failed", error: runs[1]!.error });
    // Nothing of the failed run reached the ledger.
    const [held] = await withShop(shop, (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from orders where shop_id = ${shop}`));
    expect(held!.n).toBe(0);

    const retried = await retrySync(shop, staff, origin);
    expect(retried.runId).not.toBe(runs[1]!.runId);
    const after = await settle(shop);
    expect(after.map((r) => [r.kind, r.status])).toEqual([["products", "completed"], ["orders", "failed"], ["products", "completed"], ["orders", "completed"]]);
    await expectDashboardEqualsTruth(shop, store);
  });
});
