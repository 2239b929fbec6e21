/**
 * The delivery records (`webhook_deliveries`): the dedupe's memory, written by the
 * webhook door (handle.server.ts) and needed only while Shopify may still send a
 * delivery again. Their pruning is the daily retention's to schedule; how a batch
 * of them goes is this module's, the table's owner.
 */
import { sql } from "drizzle-orm";

import { affectedRows, type Tx } from "~/db/client.server";
import { webhookDeliveries } from "~/db/schema.server";

/** One batch of at most `limit` deliveries received before `cutoff`, across every shop (an asSystem tx). */
export async function deleteDeliveriesBefore(tx: Tx, cutoff: Date, limit: number): Promise<number> {
  return affectedRows(await tx.execute(sql`delete from ${webhookDeliveries} where ctid = any(array(
    select ctid from ${webhookDeliveries} where ${webhookDeliveries.receivedAt} < ${cutoff.toISOString()}::timestamptz limit ${limit}))`));
}
