/**
 * The sync's background jobs. Handlers are registered here (not in the queue),
 * so the queue knows nothing of the sync; webhooks and pages only enqueue.
 * Imported for its side effect by entry.server.tsx, before the worker starts.
 */
import { z } from "zod";

import type { Tx } from "~/db/client.server";
import { registerJob } from "~/jobs/handlers.server";
import { enqueue } from "~/jobs/queue.server";

import { discardStagedRun, ingestBulkResult, pollBulkRun, startBulkSync } from "./bulk.server";
import { syncOrder } from "./orders.server";

const ShopPayload = z.object({ shop: z.string() }).strict();
const RunPayload = z.object({ shop: z.string(), runId: z.string() }).strict();
const OrderPayload = z.object({ shop: z.string(), orderId: z.string().regex(/^\d+$/) }).strict();

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "sync.bulk.start": typeof ShopPayload;
    "sync.bulk.poll": typeof RunPayload;
    "sync.bulk.ingest": typeof RunPayload;
    "sync.order": typeof OrderPayload;
    "sync.bulk.discard": typeof RunPayload;
  }
}

registerJob("sync.bulk.start", ShopPayload, async ({ payload }) => void (await startBulkSync(payload.shop)));
registerJob("sync.bulk.poll", RunPayload, ({ payload }) => pollBulkRun(payload.shop, payload.runId));
registerJob("sync.bulk.ingest", RunPayload, async ({ payload, signal }) => void (await ingestBulkResult(payload.shop, payload.runId, { signal })));
registerJob("sync.bulk.discard", RunPayload, async ({ payload, signal }) => void (await discardStagedRun(payload.shop, payload.runId, { signal })));
registerJob("sync.order", OrderPayload, async ({ payload }) => void (await syncOrder(payload.shop, payload.orderId)));

/**
 * At most one re-read of an order in flight: notices that arrive while one waits
 * are absorbed by it (it reads the newest state when it runs), and a notice that
 * arrives while one runs makes it run once more. A flash sale's thousands of
 * webhooks for a few hot orders cost a few re-reads, not thousands.
 */
export const enqueueOrderSync = (shop: string, orderId: string, tx?: Tx) =>
  enqueue("sync.order", { shop, orderId }, { shopId: shop, key: `order:${shop}:${orderId}`, coalesce: true, tx });
