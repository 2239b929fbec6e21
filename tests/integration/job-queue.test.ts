import { EventEmitter } from "node:events";

import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { z } from "zod";

import { getDatabase, queryRows } from "~/db/client.server";
import { jobs } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { PermanentJobError, registerJob, RetryLaterError } from "~/jobs/handlers.server";
import { backoffMs, drainJobs, enqueue, JobPayloadError, startWorker, UnknownJobKindError } from "~/jobs/queue.server";
import { countRequest } from "~/lib/requests-in-flight.server";

import { expectDbError } from "../expect-db-error";
import { expectErrorLogs } from "../setup/error-logs";
import { newShop } from "../factories";

const Echo = z.object({ n: z.number().int(), sleepMs: z.number().int().min(0).optional() }).strict();
const Flaky = z.object({ failTimes: z.number().int(), permanent: z.boolean().optional() }).strict();
const Hang = z.object({ tag: z.string() }).strict();
const ShopProbe = z.object({}).strict();
const Hooked = z.object({ failTimes: z.number().int(), permanent: z.boolean().optional(), hang: z.string().optional() }).strict();
const Later = z.object({ laterTimes: z.number().int(), delayMs: z.number().int() }).strict();

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "test.echo": typeof Echo;
    "test.flaky": typeof Flaky;
    "test.hang": typeof Hang;
    "test.shop-probe": typeof ShopProbe;
    "test.hooked": typeof Hooked;
    "test.later": typeof Later;
  }
}

interface Call {
  kind: string;
  jobId: number;
  attempt: number;
  at: number;
}
const calls: Call[] = [];
const callsOf = (jobId: number) => calls.filter((c) => c.jobId === jobId);
const record = (kind: string, ctx: { jobId: number; attempt: number }) => calls.push({ kind, jobId: ctx.jobId, attempt: ctx.attempt, at: Date.now() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A token-shaped string in the error: last_error must not keep it.
const FAKE_TOKEN = `shpat_${"a1".repeat(16)}`;

registerJob("test.echo", Echo, async (ctx) => {
  record("test.echo", ctx);
  if (ctx.payload.sleepMs) await sleep(ctx.payload.sleepMs);
});
registerJob("test.flaky", Flaky, async (ctx) => {
  record("test.flaky", ctx);
  if (ctx.attempt <= ctx.payload.failTimes) {
    if (ctx.payload.permanent) throw new PermanentJobError("this cannot work");
    throw new Error(`boom on attempt ${ctx.attempt} with ${FAKE_TOKEN}`);
  }
});
const hung = new Map<string, () => void>();
registerJob("test.hang", Hang, async (ctx) => {
  record("test.hang", ctx);
  // The first attempt hangs like a worker that died mid-job; later attempts finish.
  if (ctx.attempt === 1) await new Promise<void>((resolve) => hung.set(ctx.payload.tag, resolve));
});
const shopSeen = new Map<number, { shopId: string | null; setting: string | null }>();
registerJob("test.shop-probe", ShopProbe, async (ctx) => {
  record("test.shop-probe", ctx);
  // No transaction is held while a handler runs: on PGlite's one connection this would hang otherwise.
  const setting = await withShop(ctx.shopId!, async (tx) =>
    (await queryRows<{ shop: string }>(tx, sql`select current_setting('app.shop_id', true) as shop`))[0]?.shop ?? null,
  );
  shopSeen.set(ctx.jobId, { shopId: ctx.shopId, setting });
});

const finalFailures: Array<{ jobId: number; error: string; failTimes: number }> = [];
registerJob("test.hooked", Hooked, async (ctx) => {
  record("test.hooked", ctx);
  if (ctx.payload.hang && ctx.attempt === 1) await new Promise<void>((resolve) => hung.set(ctx.payload.hang!, resolve));
  if (ctx.attempt <= ctx.payload.failTimes) throw ctx.payload.permanent ? new PermanentJobError("no way") : new Error(`attempt ${ctx.attempt} failed`);
}, { onFinalFailure: async ({ jobId, error, payload }) => void finalFailures.push({ jobId, error, failTimes: payload.failTimes }) });
registerJob("test.later", Later, async (ctx) => {
  record("test.later", ctx);
  if (callsOf(ctx.jobId).length <= ctx.payload.laterTimes) throw new RetryLaterError(ctx.payload.delayMs, "Shopify said later");
});

// Other test files share the Postgres database: claim only this file's kinds.
const KINDS = ["test.echo", "test.flaky", "test.hang", "test.shop-probe", "test.gone", "test.hooked", "test.later"];
const drain = (opts: Parameters<typeof drainJobs>[0] = {}) => drainJobs({ kinds: KINDS, timeoutMs: 20_000, pollMs: 10, ...opts });

const jobRow = async (id: number) => {
  const [row] = await asSystem("test: read job", (tx) => tx.select().from(jobs).where(eq(jobs.id, id)));
  if (!row) throw new Error(`job ${id} not found`);
  return row;
};

/** Writes a row as an older deploy (or a buggy one) might have: no enqueue-time checks. */
const insertRaw = async (kind: string, payload: unknown) =>
  (await asSystem("test: raw job", (tx) => tx.insert(jobs).values({ kind, payload, maxAttempts: 3 }).returning({ id: jobs.id })))[0]!.id;

describe("job queue", () => {
  it("runs an enqueued job once, with its shop, and records success", async () => {
    const shop = newShop();
    const id = await enqueue("test.shop-probe", {}, { shopId: shop });
    expect(await jobRow(id)).toMatchObject({ status: "pending", attempts: 0, shopId: shop, maxAttempts: 5 });
    const stats = await drain();
    expect(stats.succeeded).toBeGreaterThanOrEqual(1);
    expect(callsOf(id)).toHaveLength(1);
    expect(shopSeen.get(id)).toEqual({ shopId: shop, setting: shop });
    const row = await jobRow(id);
    expect(row).toMatchObject({ status: "succeeded", attempts: 1, lockedBy: null, lockedUntil: null, lastError: null });
    expect(row.finishedAt).toBeInstanceOf(Date);
    await drain();
    expect(callsOf(id)).toHaveLength(1);
  });

  it("dedupes an idempotency key while the first job is pending or running", async () => {
    const key = `echo-${Math.random()}`;
    const first = await enqueue("test.echo", { n: 1 }, { key });
    expect(await enqueue("test.echo", { n: 2 }, { key })).toBe(first);
    // Concurrent enqueues race on the partial unique index; all get the one job.
    const raced = await Promise.all(Array.from({ length: 6 }, (_, i) => enqueue("test.echo", { n: i }, { key })));
    expect(new Set(raced)).toEqual(new Set([first]));
    // The key is per kind.
    const other = await enqueue("test.flaky", { failTimes: 0 }, { key });
    expect(other).not.toBe(first);
    const rows = await asSystem("test", (tx) => tx.select().from(jobs).where(eq(jobs.idempotencyKey, key)));
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.id === first)?.payload).toEqual({ n: 1 });

    await drain();
    expect(callsOf(first)).toHaveLength(1);
    // Once the job has finished, the same key enqueues a new one.
    const again = await enqueue("test.echo", { n: 3 }, { key });
    expect(again).not.toBe(first);
    await drain();
    expect(callsOf(again)).toHaveLength(1);
  });

  it("coalesces: requests while pending are absorbed, a request while running runs it exactly once more", async () => {
    const tag = `coalesce-${Math.random()}`;
    const key = `hang-${tag}`;
    const first = await enqueue("test.hang", { tag }, { key, coalesce: true });
    // Pending: absorbed, nothing marked.
    expect(await enqueue("test.hang", { tag }, { key, coalesce: true })).toBe(first);
    expect(await jobRow(first)).toMatchObject({ status: "pending", rerun: false });

    const worker = startWorker({ kinds: ["test.hang"], pollMs: 10 });
    try {
      while (!hung.has(tag)) await sleep(10);
      // Running: three more requests mark one rerun, never a parallel job.
      const during = await Promise.all([1, 2, 3].map(() => enqueue("test.hang", { tag }, { key, coalesce: true })));
      expect(new Set(during)).toEqual(new Set([first]));
      expect(await jobRow(first)).toMatchObject({ status: "running", rerun: true });
      const firstRun = hung.get(tag)!;
      firstRun();
      // The rerun starts from a fresh attempt count, so it is an attempt 1 too (and hangs until released).
      while (callsOf(first).length < 2) await sleep(10);
      expect(hung.get(tag)).not.toBe(firstRun);
      hung.get(tag)!();
      while ((await jobRow(first)).status !== "succeeded") await sleep(10);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
    // Two runs in all (the first, then once more for the requests that came while it ran).
    expect(callsOf(first).map((c) => c.attempt)).toEqual([1, 1]);
    expect(await jobRow(first)).toMatchObject({ status: "succeeded", rerun: false, attempts: 1 });
    const rows = await asSystem("test", (tx) => tx.select().from(jobs).where(eq(jobs.idempotencyKey, key)));
    expect(rows).toHaveLength(1);
  });

  it("without coalesce, a request while running is the running job (and nothing reruns)", async () => {
    const tag = `plain-${Math.random()}`;
    const key = `hang-${tag}`;
    const first = await enqueue("test.hang", { tag }, { key });
    const worker = startWorker({ kinds: ["test.hang"], pollMs: 10 });
    try {
      while (!hung.has(tag)) await sleep(10);
      expect(await enqueue("test.hang", { tag }, { key })).toBe(first);
      hung.get(tag)!();
      while ((await jobRow(first)).status !== "succeeded") await sleep(10);
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
    expect(callsOf(first)).toHaveLength(1);
  });

  it("retries with growing backoff, then fails after maxAttempts with the last error, scrubbed", async () => {
    expectErrorLogs(/"msg":"job failed"/);
    const baseMs = 120;
    const id = await enqueue("test.flaky", { failTimes: 99 }, { maxAttempts: 4 });
    const stats = await drain({ backoff: { baseMs } });
    expect(stats).toMatchObject({ retried: 3, failed: 1 });
    const attempts = callsOf(id);
    expect(attempts.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = attempts.slice(1).map((c, i) => c.at - attempts[i]!.at);
    // Attempt n waits between half and all of baseMs * 2^(n-1) (equal jitter), measured on the DB clock.
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual((baseMs * 2 ** i) / 2 - 20));
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!);
    const row = await jobRow(id);
    expect(row).toMatchObject({ status: "failed", attempts: 4, lockedBy: null });
    expect(row.lastError).toMatch(/^boom on attempt 4 with \[shopify-token\]$/);
    expect(row.finishedAt).toBeInstanceOf(Date);

    const recovers = await enqueue("test.flaky", { failTimes: 2 }, { maxAttempts: 4 });
    await drain({ backoff: { baseMs: 20 } });
    expect(await jobRow(recovers)).toMatchObject({ status: "succeeded", attempts: 3, lastError: null });
  });

  it("computes exponential backoff with equal jitter, capped", () => {
    const opts = { baseMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4].map((a) => backoffMs(a, opts, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, opts, () => 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30, opts, () => 1)).toBe(60_000);
    // Below the cap, the smallest next delay is never below the largest previous one.
    for (let a = 1; a < 6; a++) expect(backoffMs(a + 1, opts, () => 0)).toBeGreaterThanOrEqual(backoffMs(a, opts, () => 1));
  });

  it("fails permanent errors at once", async () => {
    expectErrorLogs(/"msg":"job failed"/);
    const id = await enqueue("test.flaky", { failTimes: 9, permanent: true });
    await drain();
    expect(await jobRow(id)).toMatchObject({ status: "failed", attempts: 1, lastError: "PermanentJobError: this cannot work" });
  });

  it("reclaims a job whose worker died once its lease expires, and runs it exactly once more", async () => {
    const tag = `hang-${Math.random()}`;
    const id = await enqueue("test.hang", { tag });
    const worker = startWorker({ kinds: ["test.hang"], leaseMs: 300, pollMs: 10 });
    while (!hung.has(tag)) await sleep(10);
    // The worker goes away with the job unfinished: no heartbeat, no outcome.
    await worker.stop({ timeoutMs: 0 });
    expect(await jobRow(id)).toMatchObject({ status: "running", attempts: 1 });

    await drain({ kinds: ["test.hang"] });
    expect(callsOf(id).map((c) => c.attempt)).toEqual([1, 2]);
    const done = await jobRow(id);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2 });

    // The first worker's handler finishing late changes nothing: its claim token is stale.
    hung.get(tag)!();
    await sleep(200);
    expect(await jobRow(id)).toEqual(done);
    await drain({ kinds: ["test.hang"] });
    expect(callsOf(id)).toHaveLength(2);
  });

  it("fails a job whose lease expired on its last attempt instead of running it again", async () => {
    const tag = `hang-${Math.random()}`;
    const id = await enqueue("test.hang", { tag }, { maxAttempts: 1 });
    const worker = startWorker({ kinds: ["test.hang"], leaseMs: 200, pollMs: 10 });
    while (!hung.has(tag)) await sleep(10);
    await worker.stop({ timeoutMs: 0 });
    await drain({ kinds: ["test.hang"] });
    expect(callsOf(id)).toHaveLength(1);
    expect(await jobRow(id)).toMatchObject({ status: "failed", attempts: 1, lastError: expect.stringMatching(/lease expired on attempt 1 of 1/) });
    hung.get(tag)!();
  });

  it("tells the kind once when a job fails for good (last attempt, permanent, lease expired on the last attempt), never on a retry or success", async () => {
    expectErrorLogs(/"msg":"job failed"/);
    const exhausted = await enqueue("test.hooked", { failTimes: 9 }, { maxAttempts: 3 });
    const permanent = await enqueue("test.hooked", { failTimes: 9, permanent: true });
    const recovered = await enqueue("test.hooked", { failTimes: 2 }, { maxAttempts: 3 });
    await drain({ backoff: { baseMs: 5, maxMs: 10 } });
    expect(finalFailures.filter((f) => f.jobId === exhausted)).toEqual([{ jobId: exhausted, error: "attempt 3 failed", failTimes: 9 }]);
    expect(finalFailures.filter((f) => f.jobId === permanent)).toEqual([{ jobId: permanent, error: "PermanentJobError: no way", failTimes: 9 }]);
    expect(finalFailures.filter((f) => f.jobId === recovered)).toEqual([]);
    expect(await jobRow(recovered)).toMatchObject({ status: "succeeded", attempts: 3 });

    const tag = `hooked-${Math.random()}`;
    const abandoned = await enqueue("test.hooked", { failTimes: 0, hang: tag }, { maxAttempts: 1 });
    const worker = startWorker({ kinds: ["test.hooked"], leaseMs: 200, pollMs: 10 });
    while (!hung.has(tag)) await sleep(10);
    await worker.stop({ timeoutMs: 0 });
    await drain({ kinds: ["test.hooked"] });
    expect(finalFailures.filter((f) => f.jobId === abandoned)).toEqual([
      { jobId: abandoned, error: expect.stringMatching(/lease expired on attempt 1 of 1/) as unknown as string, failTimes: 0 },
    ]);
    hung.get(tag)!();
  });

  it("reschedules a RetryLaterError after its delay without using up attempts", async () => {
    const id = await enqueue("test.later", { laterTimes: 3, delayMs: 150 }, { maxAttempts: 1 });
    await drain();
    const runs = callsOf(id);
    expect(runs).toHaveLength(4);
    // Each run waited for the delay Shopify asked for, not a backoff of our own.
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.at - runs[i - 1]!.at).toBeGreaterThanOrEqual(140);
    expect(await jobRow(id)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("runs each of 50 jobs exactly once with two workers draining at the same time", async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, n) => enqueue("test.echo", { n, sleepMs: 5 })));
    const [a, b] = await Promise.all([drain({ kinds: ["test.echo"], concurrency: 4 }), drain({ kinds: ["test.echo"], concurrency: 4 })]);
    expect(a.claimed + b.claimed).toBe(50);
    if (inject("database").driver === "postgres") {
      expect(a.claimed).toBeGreaterThan(0);
      expect(b.claimed).toBeGreaterThan(0);
    }
    for (const id of ids) expect(callsOf(id), `job ${id}`).toHaveLength(1);
    const rows = await asSystem("test", (tx) => tx.select({ status: jobs.status, attempts: jobs.attempts }).from(jobs).where(inArray(jobs.id, ids)));
    expect(rows).toHaveLength(50);
    expect(rows.every((r) => r.status === "succeeded" && r.attempts === 1)).toBe(true);
  });

  it("rejects a bad payload at enqueue with a clear error and writes nothing", async () => {
    const count = async () =>
      (await asSystem("test", (tx) => queryRows<{ n: number }>(tx, sql`select count(*)::int as n from jobs where kind = 'test.echo'`)))[0]!.n;
    const before = await count();
    // @ts-expect-error n must be a number: enqueue is typed by the kind's schema
    const bad = enqueue("test.echo", { n: "seven" });
    await expect(bad).rejects.toThrow(JobPayloadError);
    await expect(bad).rejects.toThrow(/^Invalid payload for job "test\.echo": n: .*number/);
    await expect(enqueue("test.echo", { n: 1, extra: true } as never)).rejects.toThrow(/Unrecognized key/);
    // @ts-expect-error unknown kinds do not type-check either
    await expect(enqueue("test.nope", {})).rejects.toThrow(UnknownJobKindError);
    await expect(enqueue("test.echo", { n: 1 }, { maxAttempts: 0 })).rejects.toThrow(RangeError);
    await expect(enqueue("test.echo", { n: 1 }, { shopId: "evil.example.com" })).rejects.toThrow(/Not a shop domain/);
    expect(await count()).toBe(before);
  });

  it("fails jobs of unknown kinds, and payloads that no longer parse, clearly and at once", async () => {
    expectErrorLogs(/"msg":"job failed"/);
    const gone = await insertRaw("test.gone", { any: 1 });
    const stale = await insertRaw("test.echo", { n: "no longer a number" });
    await drain();
    expect(await jobRow(gone)).toMatchObject({ status: "failed", attempts: 1, lastError: 'No handler registered for job kind "test.gone"' });
    expect(await jobRow(stale)).toMatchObject({ status: "failed", attempts: 1, lastError: expect.stringMatching(/^Invalid payload for job "test\.echo": n:/) });
    expect(callsOf(stale)).toHaveLength(0);
  });

  it("leaves jobs scheduled for later alone", async () => {
    const id = await enqueue("test.echo", { n: 1 }, { runAt: new Date(Date.now() + 3_600_000) });
    await drain({ timeoutMs: 2_000 });
    expect(callsOf(id)).toHaveLength(0);
    expect(await jobRow(id)).toMatchObject({ status: "pending", attempts: 0 });
    await asSystem("test: cleanup", (tx) => tx.delete(jobs).where(eq(jobs.id, id)));
  });

  it("enqueues inside the caller's system transaction: a rollback leaves no job", async () => {
    const key = `tx-${Math.random()}`;
    await asSystem("test", async (tx) => {
      await enqueue("test.echo", { n: 1 }, { key, tx });
      throw new Error("the surrounding work failed");
    }).catch(() => undefined);
    expect(await asSystem("test", (tx) => tx.select().from(jobs).where(eq(jobs.idempotencyKey, key)))).toEqual([]);
  });

  it("is app_system's alone: the tenant role can neither read nor enqueue", async () => {
    const shop = newShop();
    await expectDbError(withShop(shop, (tx) => tx.select().from(jobs)), /permission denied/);
    await expectDbError(withShop(shop, (tx) => enqueue("test.echo", { n: 1 }, { tx })), /permission denied/);
  });

  it("on the embedded database, a worker claims only once the process answers no request (bounded); on PostgreSQL at once", async () => {
    const embedded = (await getDatabase()).driver === "pglite";
    const shop = newShop();
    // A request of this process, still being answered (server.ts counts every one).
    const response = new EventEmitter();
    countRequest(response);
    const worker = startWorker({ kinds: ["test.echo"], shops: [shop], pollMs: 10 });
    try {
      await sleep(50); // the worker's first pass
      const id = await enqueue("test.echo", { n: 1 }, { shopId: shop });
      await sleep(300);
      // Held while the request is in flight (PGlite: one thread, one connection), or run at once.
      expect(callsOf(id)).toHaveLength(embedded ? 0 : 1);
      response.emit("close");
      while (callsOf(id).length === 0) await sleep(10);
      expect((await jobRow(id)).status).not.toBe("pending");
      // A request that never ends holds the claim at most its bound (1 s), not forever.
      const endless = new EventEmitter();
      countRequest(endless);
      const started = Date.now();
      const next = await enqueue("test.echo", { n: 2 }, { shopId: shop });
      while (callsOf(next).length === 0) await sleep(10);
      const waited = Date.now() - started;
      console.log(`[requests first] ${embedded ? "PGlite" : "PostgreSQL"}: a job enqueued during an endless request ran after ${waited} ms`);
      expect(waited).toBeLessThan(5_000);
      endless.emit("close");
    } finally {
      await worker.stop({ timeoutMs: 1000 });
    }
  });
});
