/**
 * Housekeeping that runs by itself, through the job queue:
 *  - `maintenance.daily`: audit-log retention (12 months, chains stay verifiable),
 *    the signed audit chain head to the log (app/security/audit-head.server.ts), then
 *    the batched retention of webhook deliveries, finished jobs and abandoned staging
 *    (retention.server.ts), then schedules the next day's run (one per date: the
 *    idempotency key).
 *  - `keys.rewrap`: the key-rotation rewrap as a background job, for stores with
 *    too many sessions to wait on the CLI (`npm run keys:rotate -- rewrap --background`).
 * Both write to the audit log's system chain with actor "system".
 */
import { z } from "zod";

import { asSystem } from "~/db/tenant.server";
import { log } from "~/log.server";
import { audit, pruneAudit, SYSTEM_CHAIN } from "~/security/audit.server";
import { publishAuditHead } from "~/security/audit-head.server";
import { rewrapSessions } from "~/security/key-rotation.server";

import { registerJob } from "./handlers.server";
import { enqueue, pruneFinishedJobs } from "./queue.server";
import { discardAbandonedStaging, pruneWebhookDeliveries } from "./retention.server";

export const AUDIT_RETENTION_MONTHS = 12;

const DailyPayload = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).strict();
const RewrapPayload = z.object({ batchSize: z.number().int().min(1).max(5000) }).strict();

declare module "./handlers.server" {
  interface JobSchemas {
    "maintenance.daily": typeof DailyPayload;
    "keys.rewrap": typeof RewrapPayload;
  }
}

const system = { type: "system" } as const;

/** Queues the daily run for the next 03:00 UTC after `now` (a no-op if already queued). */
export async function scheduleDailyMaintenance(now = new Date()): Promise<void> {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3));
  if (next <= now) next.setUTCDate(next.getUTCDate() + 1);
  const date = next.toISOString().slice(0, 10);
  await enqueue("maintenance.daily", { date }, { runAt: next, key: `maintenance:${date}` });
}

export function retentionCutoff(now = new Date()): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - AUDIT_RETENTION_MONTHS);
  return cutoff;
}

registerJob("maintenance.daily", DailyPayload, async ({ payload }) => {
  // Relative to the day the run is for, so a late run prunes what that day should.
  const cutoff = retentionCutoff(new Date(`${payload.date}T03:00:00Z`));
  const pruned = await asSystem("daily maintenance: audit retention", async (tx) => {
    const count = await pruneAudit(tx, cutoff);
    if (count > 0) await audit(tx, SYSTEM_CHAIN, { action: "audit.pruned", actor: system, meta: { before: cutoff.toISOString(), events: count } });
    return count;
  });
  // After pruning, so the head names rows that the next run's verification still finds.
  await publishAuditHead();
  // Relative to the same day; each step runs in short batches of its own.
  const day = new Date(`${payload.date}T03:00:00Z`);
  const deliveries = await pruneWebhookDeliveries(day);
  const finishedJobs = await pruneFinishedJobs(day);
  const staging = await discardAbandonedStaging();
  log.info({ pruned, deliveries: deliveries.rows, finishedJobs, stagedRows: staging.rows, stagedRuns: staging.runs }, "daily maintenance done");
  await scheduleDailyMaintenance();
});

registerJob("keys.rewrap", RewrapPayload, async ({ payload }) => {
  const result = await rewrapSessions({ batchSize: payload.batchSize });
  await asSystem("background key rewrap", (tx) =>
    audit(tx, SYSTEM_CHAIN, { action: "keys.rewrapped", actor: system, meta: { rewrapped: result.rewrapped, skipped: result.skipped, failed: result.failed } }),
  );
  // Rows that could not be opened need a person: the job says so and fails.
  if (result.failed > 0) throw new Error(`${result.failed} sessions could not be rewrapped; run keys:rotate -- verify`);
});

export const enqueueRewrap = (batchSize = 200) => enqueue("keys.rewrap", { batchSize }, { key: "keys-rewrap" });
