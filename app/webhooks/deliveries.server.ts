/**
 * The delivery records (`webhook_deliveries`): the dedupe's memory, written by the
 * webhook door (handle.server.ts) and needed only while Shopify may still send a
 * delivery again. Their pruning is the daily retention's to schedule; how a batch
 * of them goes is this module's, the table's owner.
 */
import { sql, type SQL } from "drizzle-orm";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { webhookDeliveries } from "~/db/schema.server";

/** One batch of at most `limit` deliveries received before `cutoff`, across every shop (an asSystem tx). */
export async function deleteDeliveriesBefore(tx: Tx, cutoff: Date, limit: number): Promise<number> {
  return affectedRows(await tx.execute(sql`delete from ${webhookDeliveries} where ctid = any(array(
    select ctid from ${webhookDeliveries} where ${webhookDeliveries.receivedAt} < ${cutoff.toISOString()}::timestamptz limit ${limit}))`));
}

export interface DeliveryRecord {
  shop: string;
  webhookId: string;
  topic: string;
  eventId?: string | null;
  triggeredAt?: Date | null;
}

/**
 * The order webhooks' transaction in one statement (it is on the path of every live
 * order change; as separate statements it was four round trips, each sent unprepared
 * as two): the shop's row held FOR SHARE (holdShopForWrite: an erase marking it waits
 * for this transaction, and this one sees a mark already made), the delivery recorded
 * unless the shop is being erased (a duplicate by webhook id or by topic and event id
 * records nothing: ON CONFLICT DO NOTHING), and the job inserted only if the delivery
 * is new (`job(when)`: jobInsert's half of enqueue). `jobId` is null when nothing was
 * inserted, or a job of the same key was pending or running (the caller settles that).
 */
export async function recordDeliveryWithJob(tx: Tx, d: DeliveryRecord, job: (when: SQL) => SQL): Promise<{ erasing: boolean; recorded: boolean; jobId: number | null }> {
  const [row] = await queryRows<{ erasing: boolean; recorded: boolean; job_id: string | number | null }>(tx, sql`
    with held as materialized (
      select erasing_since from shops where shop_id = ${d.shop}::text for share
    ),
    delivery as (
      insert into webhook_deliveries (shop_id, webhook_id, topic, event_id, triggered_at)
      select ${d.shop}::text, ${d.webhookId}::text, ${d.topic}::text, ${d.eventId ?? null}::text, ${d.triggeredAt?.toISOString() ?? null}::timestamptz
      where not exists (select 1 from held where erasing_since is not null)
      on conflict do nothing
      returning 1
    ),
    job as (${job(sql`exists (select 1 from delivery)`)})
    select exists (select 1 from held where erasing_since is not null) as erasing,
      exists (select 1 from delivery) as recorded,
      (select id from job) as job_id`);
  return { erasing: row!.erasing, recorded: row!.recorded, jobId: row!.job_id === null ? null : Number(row!.job_id) };
}
