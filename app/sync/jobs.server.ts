/**
 * The sync's background jobs. Handlers are registered here (not in the queue),
 * so the queue knows nothing of the sync; webhooks and pages only enqueue.
 * Imported for its side effect by entry.server.tsx, before the worker starts.
 */
import { z } from "zod";

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

/** One job per change notice; a redelivery of the same notice is the same job. */
export const enqueueOrderSync = (shop: string, orderId: string, webhookId: string) =>
  enqueue("sync.order", { shop, orderId }, { shopId: shop, key: `order:${orderId}:${webhookId}` });
