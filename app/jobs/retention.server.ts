/**
 * Retention, run by the daily maintenance job (maintenance.server.ts). Every step
 * deletes in short transactions of at most `batchSize` rows through an index on
 * age (drizzle/0026), so a backlog of millions never holds locks, WAL or a pooled
 * connection for long, and a run killed half-way simply continues the next day.
 *
 *  - webhook_deliveries: the dedupe (app/webhooks/handle.server.ts) only needs a
 *    delivery while Shopify can still send it again, and verify.server.ts refuses
 *    anything older than MAX_DELIVERY_AGE_MS (retry window + 15 min). We keep them
 *    7 days: that margin also covers a delivery without X-Shopify-Triggered-At.
 *  - finished jobs: pruneFinishedJobs (queue.server.ts), also batched.
 *  - staged rows of failed runs, and of completed runs whose discard job never
 *    finished: the sync's own discardStagedBatch, per run, as that shop.
 */

import { asSystem, withShop } from "~/db/tenant.server";
import { discardStagedBatch, findAbandonedStaging } from "~/sync/ledger.server";
import { deleteDeliveriesBefore } from "~/webhooks/deliveries.server";
import { MAX_DELIVERY_AGE_MS } from "~/webhooks/verify.server";

export const RETENTION_BATCH_ROWS = 5_000;
export const WEBHOOK_DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60_000;
/** A completed run's staged rows are its discard job's to remove; maintenance takes over after this. */
export const COMPLETED_RUN_GRACE = "1 day";

// The dedupe must outlive every delivery Shopify may still retry.
if (WEBHOOK_DELIVERY_RETENTION_MS <= MAX_DELIVERY_AGE_MS) throw new Error("webhook delivery retention is shorter than Shopify's retry window");

export interface Pruned {
  rows: number;
  batches: number;
}

/** Runs `deleteBatch` (one transaction each) until a batch deletes fewer than `batchSize` rows. */
export async function inBatches(batchSize: number, deleteBatch: () => Promise<number>): Promise<Pruned> {
  const pruned: Pruned = { rows: 0, batches: 0 };
  for (;;) {
    const deleted = await deleteBatch();
    pruned.rows += deleted;
    pruned.batches++;
    if (deleted < batchSize) return pruned;
  }
}

/** Deliveries received before `now` − retention, across every shop. */
export function pruneWebhookDeliveries(now = new Date(), batchSize = RETENTION_BATCH_ROWS): Promise<Pruned> {
  const cutoff = new Date(now.getTime() - WEBHOOK_DELIVERY_RETENTION_MS);
  return inBatches(batchSize, () => asSystem("retention: webhook deliveries", (tx) => deleteDeliveriesBefore(tx, cutoff, batchSize)));
}

/**
 * Staged rows of runs that will never be finalized (failed) or were finalized long
 * enough ago that their discard job should have removed them. A run still
 * requested/running/ingesting is never touched: its ingest resumes from them.
 */
export async function discardAbandonedStaging(batchSize = RETENTION_BATCH_ROWS): Promise<Pruned & { runs: number }> {
  const runs = await asSystem("retention: find abandoned staging", (tx) => findAbandonedStaging(tx, COMPLETED_RUN_GRACE));
  const total = { rows: 0, batches: 0, runs: runs.length };
  for (const { shop, run } of runs) {
    // discardStagedBatch deletes from one staged table per call: loop until nothing is left.
    for (;;) {
      const deleted = await withShop(shop, (tx) => discardStagedBatch(tx, shop, run, batchSize));
      total.batches++;
      total.rows += deleted;
      if (deleted === 0) break;
    }
  }
  return total;
}
