/**
 * Sync runs must end: a run left `running`/`ingesting` with nothing to advance it
 * would show "Reading orders…" forever, and "Retry sync" would hand back the dead
 * run. Two ways a run ends here, both with a reason the dashboard shows
 * (sync-status-card.tsx):
 *  - its poll or ingest job failed for good (the kinds' onFinalFailure hook), or the
 *    job that was to start it did (recordFailedStart);
 *  - a sweep finds it stuck: no pending or running job of its own for longer than a
 *    grace period (a hook that never ran: the process died right after the failure
 *    was recorded; a job deleted by hand), or older than MAX_RUN_AGE in any case.
 * The sweep runs as a job per shop while the shop has an active run, and before
 * every start of a sync, so a retry always starts afresh.
 */
import { randomUUID } from "node:crypto";

import { and, eq, inArray, sql } from "drizzle-orm";

import { queryRows } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { audit } from "~/security/audit.server";

const ACTIVE = ["requested", "running", "ingesting"] as const;
/** A run's poll/ingest jobs are re-enqueued within moments of each other; longer without one is stuck. */
export const STUCK_GRACE_MS = 10 * 60_000;
/** Shopify keeps a bulk operation's file for a week; a run this old will not finish well. */
export const MAX_RUN_AGE_MS = 3 * 24 * 60 * 60_000;
/** Job kinds that advance a run (payload { shop, runId }). */
const RUN_JOB_KINDS = ["sync.bulk.poll", "sync.bulk.ingest"];

export const stuckReasons = {
  jobFailed: (error: string) => `The sync stopped after repeated errors: ${error.slice(0, 200)}`,
  orphaned: "The sync stopped making progress (its background work ended unexpectedly).",
  tooOld: "The sync took more than 3 days and was stopped.",
};

/** Fails the run if it is still active (idempotent); true if this call failed it. */
export async function failRunIfActive(shop: string, runId: string, reason: string): Promise<boolean> {
  return withShop(shop, async (tx) => {
    const [run] = await tx.update(syncRuns).set({ status: "failed", error: reason, finishedAt: new Date() })
      .where(and(eq(syncRuns.shopId, shop), eq(syncRuns.runId, runId), inArray(syncRuns.status, [...ACTIVE])))
      .returning({ kind: syncRuns.kind });
    if (!run) return false;
    await audit(tx, shop, { action: "sync.failed", actor: { type: "system" }, target: runId, meta: { kind: run.kind, error: reason.slice(0, 200) } });
    return true;
  });
}

/**
 * A run's start job (sync.bulk.start, sync.bulk.run) failed for good: no run of that
 * kind exists to fail, so a failed one is recorded with the reason. Without it the
 * dashboard would show the products run "completed" with no orders read (or "never"),
 * and nothing would say why. While a run is active (it shows its own state), nothing is recorded.
 */
export async function recordFailedStart(shop: string, kind: "orders" | "products", reason: string): Promise<boolean> {
  return withShop(shop, async (tx) => {
    const [active] = await tx.select({ runId: syncRuns.runId }).from(syncRuns)
      .where(and(eq(syncRuns.shopId, shop), inArray(syncRuns.status, [...ACTIVE]))).limit(1);
    if (active) return false;
    const runId = randomUUID();
    await tx.insert(syncRuns).values({ shopId: shop, runId, kind, status: "failed", error: reason, finishedAt: new Date() });
    await audit(tx, shop, { action: "sync.failed", actor: { type: "system" }, target: runId, meta: { kind, error: reason.slice(0, 200) } });
    return true;
  });
}

/** Fails the shop's stuck runs; returns how many. */
export async function failStuckRuns(shop: string): Promise<number> {
  // The jobs table is app_system's alone: the check reads both as the system role.
  const stuck = await asSystem("sync: find stuck runs", (tx) =>
    queryRows<{ run_id: string; too_old: boolean }>(tx, sql`
      select r.run_id, r.started_at < now() - ${`${MAX_RUN_AGE_MS} milliseconds`}::interval as too_old
      from sync_runs r
      where r.shop_id = ${shop} and r.status in ('requested', 'running', 'ingesting')
        and (r.started_at < now() - ${`${MAX_RUN_AGE_MS} milliseconds`}::interval
          or (r.started_at < now() - ${`${STUCK_GRACE_MS} milliseconds`}::interval
            and not exists (
              select 1 from jobs j
              where j.shop_id = r.shop_id and j.status in ('pending', 'running')
                and j.kind in (${sql.join(RUN_JOB_KINDS.map((k) => sql`${k}`), sql`, `)})
                and j.payload->>'runId' = r.run_id)))`),
  );
  let failed = 0;
  for (const run of stuck) {
    if (await failRunIfActive(shop, run.run_id, run.too_old ? stuckReasons.tooOld : stuckReasons.orphaned)) failed++;
  }
  return failed;
}

/** Whether the shop has a run in progress (the sweep reschedules itself while it does). */
export async function hasActiveRun(shop: string): Promise<boolean> {
  const rows = await withShop(shop, (tx) =>
    tx.select({ runId: syncRuns.runId }).from(syncRuns).where(and(eq(syncRuns.shopId, shop), inArray(syncRuns.status, [...ACTIVE]))).limit(1));
  return rows.length > 0;
}
