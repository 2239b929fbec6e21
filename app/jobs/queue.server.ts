/**
 * The job queue: a `jobs` table claimed with FOR UPDATE SKIP LOCKED (why not pg-boss:
 * app/jobs/README.md). Works the same on PGlite (one connection) and on Postgres.
 *
 * Guarantees:
 *  - `enqueue` validates the payload with the kind's zod schema before anything is
 *    written; an idempotency key makes a second enqueue of the same (kind, key) while
 *    the first is pending or running a no-op that returns the first job's id.
 *  - Delivery is at least once: a job runs again if its worker dies (its lease
 *    expires) or fails to record the outcome. Handlers must be idempotent.
 *  - Every claim and every outcome is its own short `asSystem` transaction; no
 *    transaction is held while a handler runs (PGlite has one connection, and the
 *    handler opens its own `withShop`).
 *  - Each claim carries a fresh token: a worker that lost its lease cannot overwrite
 *    the outcome recorded by the worker that reclaimed the job.
 *  - Failures retry with exponential backoff and jitter up to max_attempts; then the
 *    job is `failed` with the error message (scrubbed of secrets, never the SQL params).
 *
 * Callers must never: call `enqueue` without `{ tx }` while holding another
 * transaction (PGlite would deadlock), or pass a `withShop` transaction as `tx`
 * (only app_system may write jobs).
 */
import { randomUUID } from "node:crypto";

import { and, eq, inArray, sql, type SQL } from "drizzle-orm";

import { affectedRows, getDatabase, queryRows, type Tx } from "~/db/client.server";
import { prepareStatements } from "~/db/prepared.server";
import { jobs } from "~/db/schema.server";
import { asSystem, assertShopDomain } from "~/db/tenant.server";
import { afterRequestsInFlight } from "~/lib/requests-in-flight.server";
import { log, scrubSecrets } from "~/log.server";

import { claimDueJobs, interval, settleExpiredLeases, type FailedRow } from "./claim.server";
import { getJobHandler, PermanentJobError, RetryLaterError, type JobInput, type JobKind } from "./handlers.server";

export const DEFAULT_MAX_ATTEMPTS = 5;
/** The longest a claim waits for the process's requests in flight (embedded database only). */
const CLAIM_AFTER_REQUESTS_MAX_MS = 1_000;
const WORKER_REASON = "job worker";
const MAX_ERROR_LENGTH = 2000;
const SUCCEEDED_RETENTION = "7 days";
const FAILED_RETENTION = "30 days";
const PRUNE_EVERY_MS = 60 * 60_000;
/** A RetryLaterError uses up no attempt while the job is younger than this. */
const FREE_DEFERRAL_MS = 24 * 60 * 60_000;

export class UnknownJobKindError extends Error {
  constructor(readonly kind: string) {
    super(`No handler registered for job kind ${JSON.stringify(kind)}`);
    this.name = "UnknownJobKindError";
  }
}

export class JobPayloadError extends Error {
  constructor(readonly kind: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
    // Paths and messages only, never the rejected values.
    const detail = issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
    super(`Invalid payload for job ${JSON.stringify(kind)}: ${detail}`);
    this.name = "JobPayloadError";
  }
}

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Idempotency key: at most one pending or running job per (kind, key). */
  key?: string;
  maxAttempts?: number;
  /** The shop the job is for; handed to the handler as `shopId`. */
  shopId?: string;
  /** An `asSystem` transaction to enqueue in: the job exists only if it commits. */
  tx?: Tx;
  /**
   * With `key`: a request that finds the same job pending is absorbed by it (it has
   * not started, so it will see the newest state); one that finds it running asks
   * it to run once more when it ends. Never two at once, never a change missed.
   */
  coalesce?: boolean;
}

export async function enqueue<K extends JobKind>(kind: K, payload: JobInput<K>, opts: EnqueueOptions = {}): Promise<number> {
  const row = jobRow(kind, payload, opts);
  const id = opts.tx ? await insertJob(opts.tx, row, opts) : await asSystem(`enqueue ${kind}`, (tx) => insertJob(tx, row, opts));
  wakeLocalWorkers();
  return id;
}

interface JobRow {
  kind: string;
  payload: unknown;
  shopId: string | null;
  maxAttempts: number;
  idempotencyKey: string | null;
  runAt?: Date;
}

/** The job as enqueue writes it, its payload validated by the kind's schema: nothing is written otherwise. */
function jobRow<K extends JobKind>(kind: K, payload: JobInput<K>, opts: Omit<EnqueueOptions, "tx">): JobRow {
  const registered = getJobHandler(kind);
  if (!registered) throw new UnknownJobKindError(kind);
  const parsed = registered.schema.safeParse(payload);
  if (!parsed.success) throw new JobPayloadError(kind, parsed.error.issues);
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) throw new RangeError("maxAttempts must be an integer from 1 to 100");
  if (opts.key !== undefined && (opts.key.length === 0 || opts.key.length > 200)) throw new RangeError("key must be 1 to 200 characters");
  if (opts.runAt && Number.isNaN(opts.runAt.getTime())) throw new RangeError("runAt is not a valid date");
  if (opts.shopId !== undefined) assertShopDomain(opts.shopId);
  return {
    kind,
    payload: parsed.data as unknown,
    shopId: opts.shopId ?? null,
    maxAttempts,
    idempotencyKey: opts.key ?? null,
    ...(opts.runAt ? { runAt: opts.runAt } : {}),
  };
}

async function insertJob(tx: Tx, row: JobRow, opts: Omit<EnqueueOptions, "tx">): Promise<number> {
  // A matching job may finish between the conflict and the lookup: then insert again.
  for (let round = 0; round < 3; round++) {
    const [created] = await tx
      .insert(jobs)
      .values(row)
      .onConflictDoNothing({ target: [jobs.kind, jobs.idempotencyKey], where: sql`status in ('pending', 'running')` })
      .returning({ id: jobs.id });
    if (created) return created.id;
    const [existing] = await tx
      .select({ id: jobs.id, status: jobs.status })
      .from(jobs)
      .where(and(eq(jobs.kind, row.kind), eq(jobs.idempotencyKey, opts.key!), inArray(jobs.status, ["pending", "running"])));
    if (existing && opts.coalesce && existing.status === "running") {
      const [marked] = await tx.update(jobs).set({ rerun: true })
        .where(and(eq(jobs.id, existing.id), eq(jobs.status, "running"))).returning({ id: jobs.id });
      if (marked) return marked.id;
      continue; // it ended meanwhile: a new job
    }
    if (existing) return existing.id;
  }
  throw new Error(`enqueue ${row.kind}: could not settle idempotency key`);
}

/**
 * enqueue in two halves, for a caller that writes the job in one statement with rows
 * of its own (the order webhook: its delivery record and the re-read, one round trip).
 * Validated as enqueue validates, at once. `insert(when)` is the job's `INSERT … ON
 * CONFLICT DO NOTHING RETURNING id`, inserting only where `when` holds, for a WITH
 * clause; `settle(tx, id)` ends as enqueue would with what it returned: a new job's
 * id, or null (a job of the same key is pending or running) for enqueue's own path in
 * the same asSystem tx: absorbed by the pending job, or a rerun asked of the running one.
 */
export function jobInsert<K extends JobKind>(kind: K, payload: JobInput<K>, opts: Omit<EnqueueOptions, "tx">) {
  const row = jobRow(kind, payload, opts);
  return {
    insert: (when: SQL) => sql`insert into jobs (kind, payload, shop_id, max_attempts, idempotency_key, run_at)
      select ${row.kind}::text, ${JSON.stringify(row.payload)}::text::jsonb, ${row.shopId}::text, ${row.maxAttempts}::int,
        ${row.idempotencyKey}::text, coalesce(${row.runAt?.toISOString() ?? null}::timestamptz, now())
      where ${when}
      on conflict (kind, idempotency_key) where status in ('pending', 'running') do nothing
      returning id`,
    async settle(tx: Tx, created: number | null): Promise<number> {
      const id = created ?? (await insertJob(tx, row, opts));
      wakeLocalWorkers();
      return id;
    },
  };
}

/** Delay before the next attempt after `attempt` (1-based) failed: exponential, "equal jitter". */
export function backoffMs(attempt: number, { baseMs = 1000, maxMs = 15 * 60_000 }: BackoffOptions = {}, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export interface WorkerOptions {
  /** Handlers run at the same time by this worker (default 2). */
  concurrency?: number;
  /** Jobs of one shop running at once, across every worker (default 2): one shop's flood cannot take every slot. */
  perShopConcurrency?: number;
  /** How often an idle worker looks for due jobs (default 1000 ms; an enqueue in this process wakes it at once). */
  pollMs?: number;
  /** How long a claim lasts without a heartbeat before another worker may take the job (default 5 min). */
  leaseMs?: number;
  backoff?: BackoffOptions;
  /** Only claim these kinds (split deployments, tests). Default: every kind. */
  kinds?: readonly string[];
  /** Only claim jobs of these shops (tests sharing one database). Default: every shop. */
  shops?: readonly string[];
}

export interface WorkerHandle {
  /** Stops claiming, waits up to timeoutMs (default 30 s) for running handlers; jobs still running then are left to their lease. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
}

export interface DrainStats {
  claimed: number;
  succeeded: number;
  retried: number;
  failed: number;
}

interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  shopId: string | null;
  attempts: number;
  maxAttempts: number;
  token: string;
  createdAt: Date;
}

type Outcome = { ok: true } | { ok: false; error: string; permanent: boolean; retryAfterMs?: number };

interface Running {
  done: Promise<void>;
  abort: AbortController;
  heartbeat: NodeJS.Timeout;
}

const localWakers = new Set<() => void>();

/**
 * When each kind/shop selection's next expired-lease sweep is due, per process: a
 * drain (a test, a benchmark, a CLI) builds a runner per call, and a fresh runner
 * must not sweep on its first claim when another runner of the process just did. A
 * drain that sees an expired lease still asks for a sweep at once (drainJobs).
 */
const nextSweepAt = new Map<string, number>();
function wakeLocalWorkers() {
  for (const wake of localWakers) wake();
}

/** "Failed query: <sql> params: <values>" would put payload values in last_error: keep the database's own message. */
function errorText(error: unknown): string {
  let e = error;
  if (e instanceof Error && e.message.startsWith("Failed query") && e.cause instanceof Error) e = e.cause;
  const text = e instanceof Error ? (e.name && e.name !== "Error" ? `${e.name}: ${e.message}` : e.message) : String(e);
  return scrubSecrets(text).slice(0, MAX_ERROR_LENGTH);
}

/** Tells the job's kind that it failed for good (sync runs fail instead of waiting forever). */
async function notifyFinalFailure(job: { id: number; kind: string; shopId: string | null; payload: unknown }, error: string): Promise<void> {
  const hook = getJobHandler(job.kind);
  if (!hook?.onFinalFailure) return;
  const parsed = hook.schema.safeParse(job.payload);
  if (!parsed.success) return;
  try {
    await hook.onFinalFailure({ jobId: job.id, shopId: job.shopId, payload: parsed.data, error });
  } catch (e) {
    log.error({ jobId: job.id, kind: job.kind, error: errorText(e) }, "final-failure hook failed");
  }
}

const notifyFailedRows = (rows: FailedRow[]) =>
  Promise.all(rows.map((r) => notifyFinalFailure({ id: Number(r.id), kind: r.kind, shopId: r.shop_id, payload: JSON.parse(r.payload) as unknown }, r.last_error)));

class Runner {
  readonly id = `w-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly stats: DrainStats = { claimed: 0, succeeded: 0, retried: 0, failed: 0 };
  readonly running = new Map<number, Running>();
  private readonly concurrency: number;
  private readonly perShop: number;
  private readonly leaseMs: number;
  private readonly kindFilter: SQL;
  private readonly sweepEveryMs: number;
  /** The sweep schedule of this runner's kinds and shops (shared with the process's other runners of the same). */
  private readonly sweepKey: string;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly opts: WorkerOptions) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 2));
    this.perShop = Math.max(1, Math.floor(opts.perShopConcurrency ?? 2));
    this.leaseMs = Math.max(100, opts.leaseMs ?? 5 * 60_000);
    const kindFilter = opts.kinds ? (opts.kinds.length ? inArray(jobs.kind, [...opts.kinds]) : sql`false`) : sql`true`;
    const shopFilter = opts.shops ? (opts.shops.length ? inArray(jobs.shopId, [...opts.shops]) : sql`false`) : sql`true`;
    this.kindFilter = sql`(${kindFilter} and ${shopFilter})`;
    // A lease cannot expire sooner than leaseMs after its last heartbeat, so looking for
    // expired ones on every claim (two statements in the claim's transaction, on the
    // path of every live order change) found nothing nearly always. A quarter of the
    // lease (at most 5 s) keeps a dead worker's job waiting at most that much longer.
    this.sweepEveryMs = Math.min(5_000, Math.max(10, Math.floor(this.leaseMs / 4)));
    this.sweepKey = JSON.stringify([opts.kinds ?? null, opts.shops ?? null]);
  }

  /** Resolves after ms, or earlier when a job finishes, a local enqueue happens or the worker stops. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        localWakers.delete(done);
        resolve();
      }
      this.wakeUp = done;
      localWakers.add(done);
    });
  }

  wake() {
    this.wakeUp?.();
  }

  /**
   * Claims as many due jobs as there are free slots and starts them. Expired leases
   * are settled first when the sweep is due (or `sweep` asks: a drain that saw one).
   */
  async fill({ sweep = false } = {}): Promise<number> {
    const free = this.concurrency - this.running.size;
    if (free <= 0) return 0;
    const token = `${this.id}/${randomUUID()}`;
    const sweepNow = sweep || Date.now() >= (nextSweepAt.get(this.sweepKey) ?? 0);
    if (sweepNow) nextSweepAt.set(this.sweepKey, Date.now() + this.sweepEveryMs);
    const { prepares } = await getDatabase();
    const { claimed, failed } = await asSystem(WORKER_REASON, async (tx) => {
      // The claim is on the path of every live order change, and its texts are fixed
      // for this runner (its kinds and shops are parameters): prepared, it is one
      // round trip and no parse or plan (unprepared, two round trips and both).
      prepareStatements(tx, prepares);
      // A job whose worker died on its last attempt is not run again: it fails.
      const failed = sweepNow ? await settleExpiredLeases(tx, this.kindFilter) : [];
      const claimed = await claimDueJobs(tx, { free, perShop: this.perShop, leaseMs: this.leaseMs, token, filter: this.kindFilter });
      return { claimed, failed };
    });
    if (failed.length) await notifyFailedRows(failed);
    for (const row of claimed) {
      this.start({
        id: Number(row.id),
        kind: row.kind,
        payload: JSON.parse(row.payload) as unknown,
        shopId: row.shop_id,
        attempts: Number(row.attempts),
        maxAttempts: Number(row.max_attempts),
        token,
        createdAt: new Date(row.created_at),
      });
    }
    this.stats.claimed += claimed.length;
    return claimed.length;
  }

  private start(job: ClaimedJob) {
    const abort = new AbortController();
    const heartbeat = setInterval(() => void this.extendLease(job, abort), Math.max(50, Math.floor(this.leaseMs / 3)));
    heartbeat.unref();
    const done = this.execute(job, abort.signal)
      .then((outcome) => this.record(job, outcome))
      .catch((error: unknown) => {
        // Recording failed (database unreachable): the lease expires and the job runs again.
        log.error({ jobId: job.id, kind: job.kind, error: errorText(error) }, "job outcome not recorded");
      })
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(job.id);
        this.wake();
      });
    this.running.set(job.id, { done, abort, heartbeat });
  }

  private async execute(job: ClaimedJob, signal: AbortSignal): Promise<Outcome> {
    const registered = getJobHandler(job.kind);
    if (!registered) return { ok: false, error: `No handler registered for job kind ${JSON.stringify(job.kind)}`, permanent: true };
    const parsed = registered.schema.safeParse(job.payload);
    if (!parsed.success) return { ok: false, error: new JobPayloadError(job.kind, parsed.error.issues).message, permanent: true };
    try {
      await registered.handler({
        jobId: job.id,
        shopId: job.shopId,
        payload: parsed.data,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        signal,
      });
      return { ok: true };
    } catch (error) {
      const retryAfterMs = error instanceof RetryLaterError ? error.delayMs : undefined;
      return { ok: false, error: errorText(error), permanent: error instanceof PermanentJobError, retryAfterMs };
    }
  }

  /**
   * Records the outcome. Each update is prepared (`.prepare(…)`: postgres.js names
   * it per text, off behind a transaction pooler): one round trip instead of two.
   */
  private async record(job: ClaimedJob, outcome: Outcome) {
    const ours = and(eq(jobs.id, job.id), eq(jobs.lockedBy, job.token), eq(jobs.status, "running"));
    const context = { jobId: job.id, kind: job.kind, attempt: job.attempts, maxAttempts: job.maxAttempts };
    let updated: Array<{ status: string }>;
    let result: keyof DrainStats;
    // A coalesced request arrived while it ran: once more, from a fresh attempt count.
    const rerun = sql`case when ${jobs.rerun} then`;
    const again = {
      rerun: false, lockedUntil: null, lockedBy: null,
      runAt: sql`case when ${jobs.rerun} then now() else ${jobs.runAt} end`,
      attempts: sql`case when ${jobs.rerun} then 0 else ${jobs.attempts} end`,
    };
    if (outcome.ok) {
      result = "succeeded";
      updated = await asSystem(WORKER_REASON, (tx) =>
        tx.update(jobs)
          .set({ ...again, status: sql`${rerun} 'pending' else 'succeeded' end`, finishedAt: sql`${rerun} null else now() end`, lastError: null })
          .where(ours)
          .returning({ status: jobs.status })
          .prepare("job_outcome").execute(),
      );
    } else if (outcome.retryAfterMs !== undefined && (Date.now() - job.createdAt.getTime() < FREE_DEFERRAL_MS || job.attempts < job.maxAttempts)) {
      // Not a failure but "not now" (Shopify said when): no worker slot sleeps through it.
      result = "retried";
      const free = Date.now() - job.createdAt.getTime() < FREE_DEFERRAL_MS;
      updated = await asSystem(WORKER_REASON, (tx) =>
        tx.update(jobs)
          .set({
            status: "pending", runAt: sql`now() + ${interval(outcome.retryAfterMs!)}`, rerun: false, lockedUntil: null, lockedBy: null,
            lastError: outcome.error, attempts: free ? sql`${jobs.attempts} - 1` : jobs.attempts,
          })
          .where(ours)
          .returning({ status: jobs.status })
          .prepare("job_outcome").execute(),
      );
    } else if (outcome.permanent || job.attempts >= job.maxAttempts) {
      result = "failed";
      updated = await asSystem(WORKER_REASON, (tx) =>
        tx.update(jobs)
          .set({ ...again, status: sql`${rerun} 'pending' else 'failed' end`, finishedAt: sql`${rerun} null else now() end`, lastError: outcome.error })
          .where(ours)
          .returning({ status: jobs.status })
          .prepare("job_outcome").execute(),
      );
    } else {
      result = "retried";
      const delay = backoffMs(job.attempts, this.opts.backoff);
      updated = await asSystem(WORKER_REASON, (tx) =>
        tx.update(jobs)
          .set({ status: "pending", runAt: sql`now() + ${interval(delay)}`, rerun: false, lockedUntil: null, lockedBy: null, lastError: outcome.error })
          .where(ours)
          .returning({ status: jobs.status })
          .prepare("job_outcome").execute(),
      );
    }
    if (updated.length === 0) {
      // Another worker reclaimed the job after our lease expired; its outcome stands.
      log.warn(context, "job lease lost before its outcome was recorded");
      return;
    }
    this.stats[result]++;
    // A rerun request turned the failure into a fresh pending job: not final.
    if (result === "failed" && !outcome.ok && updated[0]?.status === "failed") await notifyFinalFailure(job, outcome.error);
    if (result === "succeeded") log.debug(context, "job succeeded");
    else if (result === "retried") log.warn({ ...context, error: !outcome.ok && outcome.error }, "job failed, will retry");
    else log.error({ ...context, error: !outcome.ok && outcome.error }, "job failed");
  }

  private async extendLease(job: ClaimedJob, abort: AbortController) {
    try {
      const rows = await asSystem(WORKER_REASON, (tx) =>
        tx.update(jobs)
          .set({ lockedUntil: sql`now() + ${interval(this.leaseMs)}` })
          .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, job.token), eq(jobs.status, "running")))
          .returning({ id: jobs.id }),
      );
      if (rows.length === 0) abort.abort(new Error("job lease lost"));
    } catch (error) {
      log.warn({ jobId: job.id, error: errorText(error) }, "job lease not extended");
    }
  }

  /** Waits for running handlers; after timeoutMs abandons them to their leases. */
  async settle(timeoutMs: number): Promise<void> {
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (!timedOut) return;
    for (const [id, r] of this.running) {
      clearInterval(r.heartbeat);
      r.abort.abort(new Error("worker stopped"));
      log.warn({ jobId: id }, "worker stopped with the job still running: it runs again when its lease expires");
    }
  }

  /**
   * Milliseconds until the next job of ours is due, if one is due before `deadline`;
   * null if none. `expired` says a running job's lease has already run out.
   */
  async nextDueIn(deadline: Date): Promise<{ ms: number; expired: boolean } | null> {
    const { prepares } = await getDatabase();
    const [row] = await asSystem(WORKER_REASON, (tx) => {
      prepareStatements(tx, prepares);
      return queryRows<{ ms: number | string | null; expired: boolean | null }>(
        tx,
        sql`
          select (extract(epoch from (min(case when status = 'pending' then run_at else locked_until end) - now())) * 1000)::float8 as ms,
            bool_or(status = 'running' and locked_until < now()) as expired
          from jobs
          where ((status = 'pending' and run_at < ${deadline.toISOString()}::timestamptz)
              or (status = 'running' and locked_until < ${deadline.toISOString()}::timestamptz))
            and ${this.kindFilter}`,
      );
    });
    return row?.ms === null || row?.ms === undefined ? null : { ms: Math.max(0, Number(row.ms)), expired: row.expired === true };
  }
}

/**
 * Finished jobs past their retention (succeeded 7 days, failed 30), in transactions
 * of at most `batchSize` rows through jobs_finished_idx: a backlog (the first run
 * after a flood of webhooks) never holds the table or a connection for long.
 * Called hourly by each worker and by the daily maintenance job.
 */
export async function pruneFinishedJobs(now = new Date(), batchSize = 5_000): Promise<number> {
  let total = 0;
  for (const [status, retention] of [["succeeded", SUCCEEDED_RETENTION], ["failed", FAILED_RETENTION]] as const) {
    for (;;) {
      const deleted = affectedRows(await asSystem(WORKER_REASON, (tx) =>
        tx.execute(sql`
          delete from jobs where id = any(array(
            select id from jobs
            where status = ${status} and finished_at < ${now.toISOString()}::timestamptz - ${retention}::interval
            limit ${batchSize}))`)));
      total += deleted;
      if (deleted < batchSize) break;
    }
  }
  return total;
}

/**
 * The shop's pending jobs go (app/uninstalled): no more work for a shop that left;
 * running ones finish or fail on the missing session. In the caller's asSystem tx.
 */
export async function cancelJobs(tx: Tx, shop: string): Promise<number> {
  return affectedRows(await tx.delete(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.status, "pending"))));
}

/**
 * One batch of at most `limit` of the shop's jobs in any state (shop/redact erases
 * them all, batch by batch). In the caller's asSystem tx; returns how many went.
 */
export async function deleteShopJobs(tx: Tx, shop: string, limit: number): Promise<number> {
  return affectedRows(await tx.execute(sql`delete from ${jobs} where ${jobs.id} = any(array(select ${jobs.id} from ${jobs} where ${jobs.shopId} = ${shop} limit ${limit}))`));
}

/** Starts a polling worker in this process. Its timers never keep the process alive. */
export function startWorker(opts: WorkerOptions = {}): WorkerHandle {
  const runner = new Runner(opts);
  const pollMs = Math.max(10, opts.pollMs ?? 1000);
  let stopping = false;
  let lastPrune = 0;

  const loop = (async () => {
    log.info({ worker: runner.id, concurrency: opts.concurrency ?? 2 }, "job worker started");
    while (!stopping) {
      try {
        if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
          lastPrune = Date.now();
          await pruneFinishedJobs();
        }
        // On the embedded database the pages go first: a claim waits (bounded) until the
        // process answers no request (app/lib/requests-in-flight.server.ts).
        if ((await getDatabase()).driver === "pglite") await afterRequestsInFlight(CLAIM_AFTER_REQUESTS_MAX_MS);
        await runner.fill();
      } catch (error) {
        if (stopping) break;
        log.error({ worker: runner.id, error: errorText(error) }, "job worker could not claim jobs");
      }
      if (!stopping) await runner.wait(pollMs);
    }
  })();

  return {
    async stop({ timeoutMs = 30_000 } = {}) {
      if (stopping) return;
      stopping = true;
      runner.wake();
      await loop;
      await runner.settle(timeoutMs);
      log.info({ worker: runner.id }, "job worker stopped");
    },
  };
}

/**
 * Runs a worker until no job of its kinds is runnable now or becomes runnable
 * (a retry's backoff, an expired lease) before the timeout. Jobs scheduled after the
 * deadline do not hold it up. Throws if jobs are still runnable at the deadline.
 */
export async function drainJobs(opts: WorkerOptions & { timeoutMs?: number } = {}): Promise<DrainStats> {
  const runner = new Runner(opts);
  const pollMs = Math.max(5, opts.pollMs ?? 25);
  const deadline = new Date(Date.now() + (opts.timeoutMs ?? 30_000));
  let sweep = false;
  try {
    for (;;) {
      if (Date.now() > deadline.getTime()) throw new Error(`drainJobs: jobs still runnable after ${opts.timeoutMs ?? 30_000} ms`);
      const claimed = await runner.fill({ sweep });
      sweep = false;
      if (claimed === 0 && runner.running.size === 0) {
        const dueIn = await runner.nextDueIn(deadline);
        if (dueIn === null) return runner.stats;
        // An expired lease is settled by the next claim, whenever the sweep was last due.
        sweep = dueIn.expired;
        await runner.wait(Math.min(pollMs, dueIn.ms));
      } else {
        await runner.wait(pollMs);
      }
    }
  } finally {
    await runner.settle(5_000);
  }
}
