/**
 * The backfill: Shopify bulk operations for products (and costs), then orders.
 *
 *   startBulkSync ─▶ bulkOperationRunQuery(products) ─▶ bulk_operations/finish webhook
 *        (or the poll job) ─▶ ingestBulkResult(products) ─▶ bulkOperationRunQuery(orders)
 *        ─▶ … ─▶ ingestBulkResult(orders) ─▶ ledger + rollups
 *
 * Products go first so that orders find today's costs in cost_history. Each batch
 * of lines commits together with the run's `lines_processed`, so an ingest killed
 * half-way resumes where it stopped, and staged rows make a replay harmless.
 */
import { randomUUID } from "node:crypto";

import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";

import { affectedRows, getDatabase, type Tx } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { env } from "~/env.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { RetryLaterError } from "~/jobs/handlers.server";
import { enqueue } from "~/jobs/queue.server";
import { afterRequestsInFlight } from "~/lib/requests-in-flight.server";
import { log } from "~/log.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { clearHistoryFromIfAllOrders, holdShopForWrite, loadShop, ShopErasingError } from "~/shops.server";

import { adminGraphql } from "./admin-api.server";
import { CatalogBatch } from "./catalog.server";
import { streamJsonl, TruncatedFileError } from "./jsonl.server";
import { exportWindow, hasAllOrders } from "./history.server";
import { describeProgress, type SyncPhase } from "./progress";
import { discardStagedBatch, finalizeRun, hasStagedRows, lockLedger, lockLedgerShared } from "./ledger.server";
import { currentTimezone } from "./rollups-rebuild.server";
import { failStuckRuns, STUCK_GRACE_MS } from "./stuck-runs.server";
import { BULK_RUN_MUTATION, BULK_STATUS_QUERY, ORDERS_BULK_QUERY, ORDERS_LEDGER_VERSION, PRODUCTS_BULK_QUERY } from "./queries.server";
import type { MarginNotesBulkRunMutation, MarginNotesBulkStatusQuery } from "~/types/admin.generated";
import { AgreementMemory, decideIngestMode } from "./direct.server";
import { StagedBatch } from "./stage.server";

export type SyncKind = "orders" | "products";
type SyncRun = typeof syncRuns.$inferSelect;

/**
 * Lines per ingest transaction. PostgreSQL: large batches (throughput; page requests
 * have connections of their own). Embedded PGlite is ONE connection, in this thread:
 * a page request waits behind the batch in flight (and the event loop behind its
 * statement), so batches stay small enough that the wait is short (issue 13).
 */
const BATCH_LINES = { postgres: 5000, pglite: 1000 } as const;
const PARSE_SLICE = 100;
/** The longest a PGlite batch waits for the process's requests in flight before it writes. */
const BATCH_AFTER_REQUESTS_MAX_MS = 250;
/** Batch transactions writing at once (see the ingest loop). */
const WRITERS = { postgres: 2, pglite: 1 } as const;
/** Fresh bulk operations started in an hour to replace incomplete files, per kind. */
const MAX_REPLACEMENT_RUNS = 3;
const POLL_EVERY_MS = env.BULK_POLL_SECONDS * 1000;
const ACTIVE = ["requested", "running", "ingesting"] as const;


export class BulkSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BulkSyncError";
  }
}

async function runBulkQuery(shop: string, kind: SyncKind): Promise<SyncRun> {
  const data = await adminGraphql<MarginNotesBulkRunMutation>(shop, BULK_RUN_MUTATION, { query: kind === "orders" ? ORDERS_BULK_QUERY : PRODUCTS_BULK_QUERY });
  const { bulkOperation, userErrors = [] } = data.bulkOperationRunQuery ?? {};
  if (!bulkOperation) throw new BulkSyncError(`Shopify refused the ${kind} bulk query: ${userErrors.map((e) => e.message).join("; ")}`);
  // What this operation can read: the scopes held when it started (a grant that
  // arrives while it runs does not widen it; history.server.ts).
  const allOrders = hasAllOrders((await loadShop(shop))?.scopes);
  const [run] = await withShop(shop, (tx) =>
    tx.insert(syncRuns).values({ shopId: shop, runId: randomUUID(), kind, status: "running", bulkOperationId: bulkOperation.id, allOrders, ledgerVersion: ORDERS_LEDGER_VERSION }).returning(),
  );
  // The finish webhook normally arrives first; polling covers a lost delivery.
  await enqueue("sync.bulk.poll", { shop, runId: run!.runId }, { shopId: shop, runAt: new Date(Date.now() + POLL_EVERY_MS) });
  // And a sweep ends the run if its jobs ever stop (stuck-runs.server.ts).
  await enqueue("sync.runs.sweep", { shop }, { shopId: shop, key: `sweep:${shop}`, runAt: new Date(Date.now() + STUCK_GRACE_MS + 60_000) });
  return run!;
}

/**
 * The next bulk run of a backfill, as a job (sync.bulk.run): enqueued in the same
 * transaction that completes the run before it. A no-op if a run of that kind is
 * already active (the job is delivered at least once).
 */
export async function startBulkRun(shop: string, kind: SyncKind): Promise<void> {
  const [active] = await withShop(shop, (tx) =>
    tx.select({ runId: syncRuns.runId }).from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, kind), inArray(syncRuns.status, [...ACTIVE]))).limit(1));
  if (!active) await runBulkQuery(shop, kind);
}

/** Starts a full backfill unless one is already under way. Returns the active run. */
export async function startBulkSync(shop: string, actor: Actor = { type: "system" }): Promise<SyncRun> {
  // A run nothing will advance is failed first, so a retry starts afresh instead of returning it.
  await failStuckRuns(shop);
  const [active] = await withShop(shop, (tx) =>
    tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), inArray(syncRuns.status, [...ACTIVE]))).orderBy(desc(syncRuns.startedAt)).limit(1),
  );
  if (active) return active;
  const run = await runBulkQuery(shop, "products");
  await withShop(shop, (tx) => audit(tx, shop, { action: "sync.started", actor, target: run.runId }));
  return run;
}

async function loadRun(shop: string, runId: string): Promise<SyncRun> {
  const [run] = await withShop(shop, (tx) => tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, runId))));
  if (!run) throw new BulkSyncError(`no sync run ${runId} for ${shop}`);
  return run;
}

async function markRun(shop: string, runId: string, changes: Partial<SyncRun>): Promise<void> {
  await withShop(shop, (tx) => tx.update(syncRuns).set(changes).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, runId))));
}

async function failRun(shop: string, run: SyncRun, error: string): Promise<void> {
  await withShop(shop, async (tx) => {
    await tx.update(syncRuns).set({ status: "failed", error, finishedAt: new Date() }).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, run.runId)));
    await audit(tx, shop, { action: "sync.failed", actor: { type: "system" }, target: run.runId, meta: { kind: run.kind, error: error.slice(0, 200) } });
  });
}

const bulkStatus = async (shop: string, id: string) =>
  (await adminGraphql<MarginNotesBulkStatusQuery>(shop, BULK_STATUS_QUERY, { id })).node;

/** bulk_operations/finish: hand a finished operation to the ingest job. */
export async function onBulkOperationFinished(shop: string, operationId: string, status: string, errorCode: string | null): Promise<void> {
  const [run] = await withShop(shop, (tx) =>
    tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.bulkOperationId, operationId))),
  );
  if (!run) return void log.warn({ shop, operationId }, "bulk operation finished that no sync run started");
  if (status.toUpperCase() === "COMPLETED") {
    await enqueue("sync.bulk.ingest", { shop, runId: run.runId }, { shopId: shop, key: `ingest:${run.runId}` });
  } else {
    await failRun(shop, run, `bulk operation ${status.toLowerCase()}${errorCode ? ` (${errorCode})` : ""}`);
  }
}

/** The polling fallback for a finish webhook that never came. */
export async function pollBulkRun(shop: string, runId: string): Promise<void> {
  const run = await loadRun(shop, runId);
  if (run.status !== "running" || !run.bulkOperationId) return;
  const op = await bulkStatus(shop, run.bulkOperationId);
  if (!op) return failRun(shop, run, "bulk operation not found");
  if (op.status === "COMPLETED" || op.status === "FAILED" || op.status === "CANCELED" || op.status === "EXPIRED") {
    return onBulkOperationFinished(shop, op.id, op.status, op.errorCode ?? null);
  }
  await enqueue("sync.bulk.poll", { shop, runId }, { shopId: shop, runAt: new Date(Date.now() + POLL_EVERY_MS) });
}

export interface IngestOptions {
  /** Lines per committed batch. */
  batchLines?: number;
  /** Aborted when the worker stops: the ingest stops after the batch in hand and resumes later. */
  signal?: AbortSignal;
  /** A download that sends nothing for this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
}

/** Streams a finished run's file into the ledger. Safe to call again after a crash. */
export async function ingestBulkResult(shop: string, runId: string, options: IngestOptions = {}): Promise<{ lines: number }> {
  const run = await loadRun(shop, runId);
  if (run.status === "completed") return { lines: run.linesProcessed };
  const shopRow = await loadShop(shop);
  if (!shopRow) throw new BulkSyncError(`shop ${shop} is not installed`);
  const op = await bulkStatus(shop, run.bulkOperationId!);
  if (!op || op.status !== "COMPLETED") throw new BulkSyncError(`bulk operation for run ${runId} is ${op?.status ?? "missing"}`);
  const expected = op.objectCount === null ? undefined : Number(op.objectCount);
  // Staging is UNLOGGED (drizzle/0020): a database crash empties it. A run that
  // committed lines but has no staged row left lost them, and stages from line 1.
  let skip = run.linesProcessed;
  if (run.kind === "orders" && skip > 0 && !(await withShop(shop, (tx) => hasStagedRows(tx, shop, runId)))) {
    log.warn({ shop, runId, linesProcessed: skip }, "staged rows of an unfinished run were lost (database restart); staging again from the start");
    skip = 0;
  }
  // Orders: straight into the ledger if it holds none of the export's orders (direct.server.ts).
  const mode = run.kind === "orders" ? await decideIngestMode(shop, { ...run, linesProcessed: skip }, new Date(op.createdAt ?? run.startedAt)) : "staged";
  const memory = mode === "direct" ? new AgreementMemory() : undefined;
  await markRun(shop, runId, {
    status: "ingesting", objectCount: expected ?? null, linesProcessed: skip,
    // Progress in orders, and this attempt's start for the estimate (progress.ts).
    rootObjectCount: op.rootObjectCount == null ? null : Number(op.rootObjectCount),
    ...(skip === 0 ? { rootsProcessed: 0 } : {}),
    ingestStartedAt: new Date(), ingestStartedLines: skip,
  });

  // Parsing batch n+1 (JS, this thread) overlaps with the writes of the batches
  // before it (the database's own processes). On PostgreSQL two batches write at
  // once, each on its own connection (PostgreSQL runs a statement on one core); they
  // commit in file order, each with the run's lines_processed, so the database alone
  // says where a resumed ingest starts. PGlite is one connection: one at a time.
  const driver = (await getDatabase()).driver;
  const writers = WRITERS[driver];
  let committed: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const stage = async (batchLines: string[], done: number) => {
    options.signal?.throwIfAborted();
    const batch = run.kind === "orders" ? new StagedBatch(memory) : new CatalogBatch();
    // Parsed in slices, yielding between them: the writes in flight get their
    // replies (and send their next statement) while this batch is parsed.
    for (let i = 0; i < batchLines.length; i += PARSE_SLICE) {
      for (const line of batchLines.slice(i, i + PARSE_SLICE)) batch.addBulkLine(line);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    memory?.nextBatch();
    const roots = batch instanceof StagedBatch ? batch.orders.length : batch.products.length;
    const progress = sql`update sync_runs set lines_processed = ${done}, roots_processed = roots_processed + ${roots}
      where shop_id = ${shop} and run_id = ${runId}`;
    const statement = batch instanceof StagedBatch ? await batch.statementYielding(shop, runId) : null;
    while (inFlight.length >= writers) await inFlight.shift();
    // PGlite (one connection, this thread): the requests in flight first, for a bounded
    // while (app/lib/requests-in-flight.server.ts); then a turn of the event loop before the
    // next transaction asks for the connection: a page request whose previous query just
    // returned queues for it first (PGlite's lock is first come, first served), so it waits
    // for at most one batch.
    if (driver === "pglite") await afterRequestsInFlight(BATCH_AFTER_REQUESTS_MAX_MS);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const previous = committed;
    const writing = withShop(shop, async (tx) => {
      if (memory) {
        // Ledger writes: shared among the run's batches, exclusive of a live finalize
        // (which waits for the batches in flight), and none once an erase has begun.
        await lockLedgerShared(tx, shop);
        if ((await holdShopForWrite(tx, shop)) !== "open") throw new ShopErasingError(shop);
      }
      if (statement) await tx.execute(statement);
      else if (batch instanceof CatalogBatch) await batch.write(tx, shop, run.startedAt);
      // In file order: this batch commits after the one before it (whose failure rolls it back).
      await previous;
      // The run's row is gone only if the shop's data was erased meanwhile: this
      // batch must not outlive the erase (its rows roll back with this error).
      if (affectedRows(await tx.execute(progress)) !== 1) {
        throw new BulkSyncError(`sync run ${runId} no longer exists (the shop's data was erased): batch not staged`);
      }
    });
    // Surfaced by a later batch's (or the end's) await, never unhandled.
    writing.catch(() => {});
    committed = writing;
    inFlight.push(writing);
  };
  const allWritten = async () => {
    await Promise.allSettled(inFlight);
    await committed;
  };

  let lines: number;
  try {
    lines = op.url
      ? await streamJsonl(op.url, {
          skip,
          signal: options.signal,
          idleTimeoutMs: options.idleTimeoutMs,
          batchSize: options.batchLines ?? BATCH_LINES[driver],
          expectedLines: expected,
          onBatch: stage,
        }).finally(() => allWritten().catch(() => {}))
      : 0;
    await allWritten();
  } catch (error) {
    if (!(error instanceof TruncatedFileError)) throw error;
    // The file itself is incomplete: downloading it again cannot help. This run
    // fails and a fresh bulk operation of the same kind replaces it (bounded).
    await failRun(shop, run, error.message);
    const recentFailures = (await withShop(shop, (tx) =>
      tx.select({ runId: syncRuns.runId }).from(syncRuns)
        .where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, run.kind), eq(syncRuns.status, "failed"), gt(syncRuns.startedAt, new Date(Date.now() - 3_600_000)))),
    )).length;
    if (recentFailures <= MAX_REPLACEMENT_RUNS) await runBulkQuery(shop, run.kind);
    return { lines: 0 };
  }

  let result: Awaited<ReturnType<typeof finalizeRun>> | null = null;
  const complete = async (tx: Tx) => {
    // An erase of the shop's data that began meanwhile wins: nothing of this run completes.
    if ((await holdShopForWrite(tx, shop)) !== "open") throw new ShopErasingError(shop);
    if (run.kind === "orders") {
      // The zone of this moment, read under the ledger lock (a shop/update may have changed it).
      // A complete export reconciles: orders the ledger holds from before the
      // operation started, that the file does not have, were deleted in Shopify
      // (a direct run began with none of those: nothing to reconcile).
      await lockLedger(tx, shop);
      const timezone = (await currentTimezone(tx, shop)) ?? shopRow.ianaTimezone;
      result = mode === "direct"
        ? await finalizeRun(tx, shop, runId, timezone, "direct")
        : await finalizeRun(tx, shop, runId, timezone, "bulk", exportWindow(op.createdAt ?? null, run.allOrders));
      // The whole history is in the ledger: figures are complete from the beginning
      // (unless the scope was withdrawn meanwhile: then later changes to old orders
      // cannot be read, and the date set at the withdrawal stands).
      if (run.allOrders) await clearHistoryFromIfAllOrders(tx, shop);
    }
    await tx.update(syncRuns).set({ status: "completed", linesProcessed: lines, finishedAt: new Date(), error: null })
      .where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, runId)));
    await audit(tx, shop, { action: "sync.completed", actor: { type: "system" }, target: runId, meta: { kind: run.kind, lines, orders: result?.orders ?? 0 } });
  };
  if (run.kind === "products") {
    // The orders run starts from a job enqueued in the transaction that completes
    // this one (app_system may write both): a crash in between cannot leave the
    // backfill without its orders.
    await asSystem("sync: products run completed", async (tx) => {
      await complete(tx);
      await enqueue("sync.bulk.run", { shop, kind: "orders" }, { shopId: shop, key: `after:${runId}`, tx });
    });
    return { lines };
  }
  await withShop(shop, complete);
  // The ledger is ready; the run's staged rows go afterwards, in short batches.
  await enqueue("sync.bulk.discard", { shop, runId }, { shopId: shop, key: `discard:${runId}` });
  return { lines };
}

const DISCARD_BATCH_ROWS = 50_000;

/**
 * Deletes a finished run's staged rows, one short transaction per batch, so that
 * a million-order backfill's cleanup never holds the ledger or a connection.
 * Returns the rows deleted. Safe to repeat: a run with no staged rows is a no-op.
 */
export async function discardStagedRun(shop: string, runId: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  let total = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const deleted = await withShop(shop, (tx) => discardStagedBatch(tx, shop, runId, DISCARD_BATCH_ROWS));
    if (deleted === 0) return total;
    total += deleted;
  }
}

export interface SyncStatus {
  state: "never" | "running" | "completed" | "failed";
  kind: SyncKind | null;
  /** While running: Shopify exporting, the app importing (orders or products counted), or finishing. */
  phase: SyncPhase | null;
  /** Orders (or products) imported so far, of `total` (null until Shopify's export completes). */
  processed: number;
  total: number | null;
  /** Seconds of import left, from this attempt's rate (null: not enough to go on yet). */
  etaSeconds: number | null;
  lastCompletedAt: Date | null;
  error: string | null;
}

/** What the dashboard shows: the latest run, and when a full sync last completed. */
export async function syncStatus(shop: string): Promise<SyncStatus> {
  return withShop(shop, (tx) => readSyncStatus(tx, shop));
}

/** syncStatus inside the caller's transaction (the dashboard reads it with its report). */
export async function readSyncStatus(tx: Tx, shop: string, now = new Date()): Promise<SyncStatus> {
  const runs = await tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)).orderBy(desc(syncRuns.startedAt)).limit(10);
  const latest = runs[0];
  const lastOrders = runs.find((r) => r.kind === "orders" && r.status === "completed");
  if (!latest) return { state: "never", kind: null, phase: null, processed: 0, total: null, etaSeconds: null, lastCompletedAt: null, error: null };
  const state = (ACTIVE as readonly string[]).includes(latest.status) ? "running" : latest.status === "failed" ? "failed" : "completed";
  const progress = state === "running" ? describeProgress(latest, now) : null;
  return {
    state,
    kind: latest.kind,
    phase: progress?.phase ?? null,
    processed: progress?.done ?? latest.rootsProcessed,
    total: progress ? progress.total : latest.rootObjectCount,
    etaSeconds: progress?.etaSeconds ?? null,
    lastCompletedAt: lastOrders?.finishedAt ?? null,
    error: latest.error,
  };
}

/** The merchant's "Retry sync": rate-limited per shop, audited with who asked. */
export async function retrySync(shop: string, actor: Actor, origin: RequestOrigin): Promise<SyncRun> {
  await rateLimit(`shop:${shop}:resync`, policies.resync);
  let run: SyncRun;
  try {
    run = await startBulkSync(shop, actor);
  } catch (error) {
    // Shopify asked us to wait (429 Retry-After, an empty bucket): the start is queued
    // for then, and the merchant gets a 429 with when, never a 500.
    if (!(error instanceof RetryLaterError)) throw error;
    await enqueue("sync.bulk.start", { shop }, { shopId: shop, key: `retry-sync:${shop}`, runAt: new Date(Date.now() + error.delayMs) });
    throw new Response(null, { status: 429, headers: { "Retry-After": String(Math.max(1, Math.ceil(error.delayMs / 1000))) } });
  }
  await withShop(shop, (tx) => audit(tx, shop, { action: "sync.retried", actor, target: run.runId, origin }));
  return run;
}
