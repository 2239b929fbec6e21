/**
 * The sync's background jobs. Handlers are registered here (not in the queue),
 * so the queue knows nothing of the sync; webhooks and pages only enqueue.
 * Imported for its side effect by entry.server.tsx, before the worker starts.
 */
import { z } from "zod";

import type { Tx } from "~/db/client.server";
import { registerJob } from "~/jobs/handlers.server";
import { enqueue, jobInsert } from "~/jobs/queue.server";

import { discardStagedRun, ingestBulkResult, pollBulkRun, startBulkRun, startBulkSync } from "./bulk.server";
import { startFullHistorySync } from "./full-history.server";
import { backfillLedger, enqueueLedgerBackfills } from "./ledger-backfill.server";
import { syncOrder } from "./orders.server";
import { refreshShopProfile } from "~/shops.server";

import { adminGraphql } from "./admin-api.server";
import { SHOP_PROFILE_QUERY } from "./queries.server";
import type { MarginNotesShopProfileQuery } from "~/types/admin.generated";
import { rebuildRollups } from "./rollups-rebuild.server";
import { failRunIfActive, failStuckRuns, hasActiveRun, recordFailedStart, stuckReasons, STUCK_GRACE_MS } from "./stuck-runs.server";

const ShopPayload = z.object({ shop: z.string() }).strict();
const BulkRunPayload = z.object({ shop: z.string(), kind: z.enum(["orders", "products"]) }).strict();
const RunPayload = z.object({ shop: z.string(), runId: z.string() }).strict();
const EmptyPayload = z.object({}).strict();
const OrderPayload = z.object({ shop: z.string(), orderId: z.string().regex(/^\d+$/) }).strict();

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "sync.bulk.start": typeof ShopPayload;
    "sync.bulk.poll": typeof RunPayload;
    "sync.bulk.ingest": typeof RunPayload;
    "sync.order": typeof OrderPayload;
    "sync.rollups.rebuild": typeof ShopPayload;
    "sync.shop.profile": typeof ShopPayload;
    "sync.bulk.discard": typeof RunPayload;
    "sync.bulk.run": typeof BulkRunPayload;
    "sync.runs.sweep": typeof ShopPayload;
    "sync.bulk.full_history": typeof ShopPayload;
    "sync.ledger.backfill": typeof ShopPayload;
    "sync.ledger.sweep": typeof EmptyPayload;
  }
}

// A run whose poll or ingest job fails for good fails too, with the reason: it must
// not stay "running" forever (the sweep below is the safety net if this never runs).
// A start that fails for good records a failed run, so the dashboard says why.
registerJob("sync.bulk.start", ShopPayload, async ({ payload }) => void (await startBulkSync(payload.shop)), {
  onFinalFailure: async ({ payload, error }) => void (await recordFailedStart(payload.shop, "products", stuckReasons.jobFailed(error))),
});
// read_all_orders granted: the whole history, after any run that cannot read it (full-history.server.ts).
registerJob("sync.bulk.full_history", ShopPayload, async ({ payload }) => void (await startFullHistorySync(payload.shop)));
// Synced before payment-fee sync: read the orders again, once (ledger-backfill.server.ts).
registerJob("sync.ledger.backfill", ShopPayload, async ({ payload }) => void (await backfillLedger(payload.shop)));
// Each worker start: queue that backfill for every shop that needs it, visited or not.
registerJob("sync.ledger.sweep", EmptyPayload, async () => void (await enqueueLedgerBackfills()));
const failTheRun = { onFinalFailure: async ({ payload, error }: { payload: { shop: string; runId: string }; error: string }) =>
  void (await failRunIfActive(payload.shop, payload.runId, stuckReasons.jobFailed(error))) };
registerJob("sync.bulk.poll", RunPayload, ({ payload }) => pollBulkRun(payload.shop, payload.runId), failTheRun);
registerJob("sync.bulk.ingest", RunPayload, async ({ payload, signal }) => void (await ingestBulkResult(payload.shop, payload.runId, { signal })), failTheRun);
registerJob("sync.bulk.run", BulkRunPayload, ({ payload }) => startBulkRun(payload.shop, payload.kind), {
  onFinalFailure: async ({ payload, error }) => void (await recordFailedStart(payload.shop, payload.kind, stuckReasons.jobFailed(error))),
});
registerJob("sync.runs.sweep", ShopPayload, async ({ payload }) => {
  await failStuckRuns(payload.shop);
  // While a run is active, look again later (this job holds its key while it runs: no key).
  if (await hasActiveRun(payload.shop)) {
    await enqueue("sync.runs.sweep", { shop: payload.shop }, { shopId: payload.shop, runAt: new Date(Date.now() + STUCK_GRACE_MS) });
  }
});
registerJob("sync.bulk.discard", RunPayload, async ({ payload, signal }) => void (await discardStagedRun(payload.shop, payload.runId, { signal })));
registerJob("sync.order", OrderPayload, async ({ payload }) => void (await syncOrder(payload.shop, payload.orderId)));
// After a time-zone or currency change (app/shops.server.ts recordInstall).
registerJob("sync.rollups.rebuild", ShopPayload, async ({ payload }) => void (await rebuildRollups(payload.shop)));
// shop/update: re-read the profile (time zone, currency) and react to a change.
registerJob("sync.shop.profile", ShopPayload, async ({ payload }) => {
  const { shop: profile } = await adminGraphql<MarginNotesShopProfileQuery>(payload.shop, SHOP_PROFILE_QUERY);
  await refreshShopProfile(payload.shop, profile);
});

/**
 * At most one re-read of an order in flight: notices that arrive while one waits
 * are absorbed by it (it reads the newest state when it runs), and a notice that
 * arrives while one runs makes it run once more. A flash sale's thousands of
 * webhooks for a few hot orders cost a few re-reads, not thousands.
 */
export const enqueueOrderSync = (shop: string, orderId: string, tx?: Tx) =>
  enqueue("sync.order", { shop, orderId }, { shopId: shop, key: `order:${shop}:${orderId}`, coalesce: true, tx });

/** The same re-read as two halves, for a statement that writes it beside the delivery's record (jobInsert). */
export const orderSyncJob = (shop: string, orderId: string) =>
  jobInsert("sync.order", { shop, orderId }, { shopId: shop, key: `order:${shop}:${orderId}`, coalesce: true });

/** read_all_orders was granted: backfill the whole history (one such job at a time per shop). */
export const enqueueFullHistorySync = (shop: string) =>
  enqueue("sync.bulk.full_history", { shop }, { shopId: shop, key: `full-history:${shop}` });
