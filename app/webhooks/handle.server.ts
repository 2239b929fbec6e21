/**
 * handleWebhook: one door for every verified delivery.
 *
 *  - Exactly-once effects: the delivery id is recorded in the same transaction as
 *    the effect, so a duplicate (Shopify retries, and sometimes delivers twice) is
 *    recognised and does nothing, and a failed effect leaves no record and is retried.
 *  - Fast: every effect here is a few indexed writes; anything slow is enqueued.
 *  - app/uninstalled deletes the shop's tokens in the request itself.
 *  - shop/redact records the delivery, marks the shop erasing and queues the erase in
 *    one transaction; the job deletes every row of the shop in every table, in batches
 *    (erase-shop.server.ts). Until it ends, deliveries for the shop are acknowledged
 *    and do nothing (firstDelivery).
 */
import { and, eq, or, sql } from "drizzle-orm";

import { getDatabase, type Tx } from "~/db/client.server";
import { prepareStatements } from "~/db/prepared.server";
import { webhookDeliveries } from "~/db/schema.server";
import { asSystem, isShopDomain, withShop } from "~/db/tenant.server";
import { cancelJobs, enqueue } from "~/jobs/queue.server";
import { enqueueFullHistorySync, orderSyncJob } from "~/sync/jobs.server";
import { log } from "~/log.server";
import { audit, SYSTEM_CHAIN, type RequestOrigin } from "~/security/audit.server";
import { deleteShopSessions, updateShopSessionScopes } from "~/security/session-storage.server";
import { holdShopForWrite, markShopInstalledAt, markShopUninstalled, ShopErasingError, updateShopScopes } from "~/shops.server";

import { onBulkOperationFinished } from "~/sync/bulk.server";
import { applyProductUpdate, recordCostChange } from "~/sync/catalog.server";

import { topicSchemas, type BoundTopic, type TopicPayload } from "./bind-delivery.server";
import { recordDeliveryWithJob } from "./deliveries.server";
import { beginShopErase, pseudonymFor } from "./erase-shop.server";
import { lifecycleEventAge } from "./lifecycle.server";

export interface WebhookDelivery {
  topic: string;
  shop: string;
  webhookId: string;
  /** X-Shopify-Event-Id: the same event sent again under a new webhook id is a duplicate too. */
  eventId?: string | null;
  /** X-Shopify-Triggered-At, checked against the retry window by verify.server.ts. */
  triggeredAt?: Date | null;
  /** Bound to the shop and topic by bind-delivery.server.ts. */
  payload: unknown;
  origin?: RequestOrigin;
}

export type WebhookOutcome = "applied" | "duplicate" | "ignored";

export class WebhookPayloadError extends Error {
  constructor(topic: string, issues: string) {
    super(`${topic} payload rejected: ${issues}`);
    this.name = "WebhookPayloadError";
  }
}

/** The bound payload, typed (bindDelivery has already refused what does not fit). */
function parse<T extends BoundTopic>(topic: T, payload: unknown): TopicPayload<T> {
  const result = topicSchemas[topic].safeParse(payload);
  if (!result.success) throw new WebhookPayloadError(topic, result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return result.data as TopicPayload<T>;
}

/**
 * Records the delivery; false when it was already applied: the same webhook id, or
 * the same event id for the same topic (Shopify's guidance for duplicates,
 * https://shopify.dev/docs/apps/build/webhooks/ignore-duplicates).
 */
async function firstDelivery(tx: Tx, chain: string, delivery: WebhookDelivery): Promise<boolean> {
  // Every effect for the shop starts here, in its transaction: a shop being erased
  // gets nothing, not even the delivery's record (handleWebhook answers "ignored").
  if (chain !== SYSTEM_CHAIN && (await holdShopForWrite(tx, delivery.shop)) === "erasing") throw new ShopErasingError(delivery.shop);
  const inserted = await tx
    .insert(webhookDeliveries)
    .values({
      shopId: chain,
      webhookId: delivery.webhookId,
      topic: delivery.topic,
      eventId: delivery.eventId ?? null,
      triggeredAt: delivery.triggeredAt ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.webhookId });
  if (inserted.length === 0) await countRedelivery(tx, chain, delivery);
  return inserted.length > 0;
}

/** A duplicate: its record counts the delivery (by webhook id; one matched by event id keeps its count). */
async function countRedelivery(tx: Tx, chain: string, delivery: WebhookDelivery): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ attempts: sql`${webhookDeliveries.attempts} + 1` })
    .where(and(eq(webhookDeliveries.shopId, chain), eq(webhookDeliveries.webhookId, delivery.webhookId)));
}

/** Read-only: whether the delivery was already recorded (for effects that cannot share its transaction). */
async function seenBefore(tx: Tx, chain: string, delivery: WebhookDelivery): Promise<boolean> {
  const byWebhook = eq(webhookDeliveries.webhookId, delivery.webhookId);
  const byEvent = delivery.eventId ? and(eq(webhookDeliveries.topic, delivery.topic), eq(webhookDeliveries.eventId, delivery.eventId)) : undefined;
  const [row] = await tx
    .select({ id: webhookDeliveries.webhookId })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.shopId, chain), byEvent ? or(byWebhook, byEvent) : byWebhook))
    .limit(1);
  return row !== undefined;
}

const shopify = { type: "shopify" } as const;

/** Recorded (a redelivery is a duplicate) and audited, with no effect. */
function ignoreStaleLifecycleEvent(delivery: WebhookDelivery): Promise<WebhookOutcome> {
  return withShop(delivery.shop, async (tx) => {
    if (!(await firstDelivery(tx, delivery.shop, delivery))) return "duplicate";
    log.warn({ shop: delivery.shop, topic: delivery.topic }, "lifecycle event older than the current installation ignored");
    await audit(tx, delivery.shop, {
      action: "webhook.stale_lifecycle_ignored",
      actor: shopify,
      meta: { topic: delivery.topic, triggeredAt: delivery.triggeredAt?.toISOString() ?? null },
      origin: delivery.origin,
    });
    return "ignored";
  });
}

/**
 * An uninstall older than the shop's last token exchange (lifecycle.server.ts): the
 * merchant reinstalled before this webhook came. The new installation keeps its
 * tokens; it began after the uninstall, and the orders of the time the app was
 * uninstalled (Shopify sent it no webhooks) are read again by a backfill.
 */
async function recordMissedReinstall(delivery: WebhookDelivery): Promise<WebhookOutcome> {
  const outcome = await withShop(delivery.shop, async (tx) => {
    if (!(await firstDelivery(tx, delivery.shop, delivery))) return "duplicate" as const;
    log.warn({ shop: delivery.shop }, "uninstall older than the last token exchange: a reinstall came first; tokens kept");
    // It began after this uninstall (lifecycle events triggered later are its own).
    await markShopInstalledAt(tx, delivery.shop, delivery.triggeredAt!);
    const meta = { topic: delivery.topic, triggeredAt: delivery.triggeredAt?.toISOString() ?? null, reason: "token exchanged after it" };
    await audit(tx, delivery.shop, { action: "webhook.stale_lifecycle_ignored", actor: shopify, meta, origin: delivery.origin });
    await audit(tx, delivery.shop, { action: "app.installed", actor: shopify, meta: { reinstall: true, uninstallSeenLate: true } });
    return "ignored" as const;
  });
  if (outcome === "ignored") await enqueue("sync.bulk.start", { shop: delivery.shop }, { shopId: delivery.shop, key: `first-sync:${delivery.shop}` });
  return outcome;
}

export async function handleWebhook(delivery: WebhookDelivery): Promise<WebhookOutcome> {
  try {
    return await applyDelivery(delivery);
  } catch (err) {
    if (!(err instanceof ShopErasingError)) throw err;
    // Acknowledged (Shopify must not retry into the erase), with no effect and no record.
    log.info({ topic: delivery.topic, target: pseudonymFor(delivery.shop) }, "webhook for a shop being erased ignored");
    return "ignored";
  }
}

async function applyDelivery(delivery: WebhookDelivery): Promise<WebhookOutcome> {
  const { topic, shop, payload, origin } = delivery;
  if (!isShopDomain(shop)) throw new WebhookPayloadError(topic, "shop domain is not a myshopify.com domain");

  switch (topic) {
    case "APP_UNINSTALLED": {
      const age = await lifecycleEventAge(shop, topic, delivery.triggeredAt);
      if (age === "before-installation") return ignoreStaleLifecycleEvent(delivery);
      if (age === "before-reinstall") return recordMissedReinstall(delivery);
      // Tokens first and unconditionally: even a duplicate delivery must leave none.
      await withShop(shop, (tx) => deleteShopSessions(tx, shop));
      // No more work for a shop that left: queued jobs go (running ones find no session).
      await asSystem("app/uninstalled: stop the shop's jobs", (tx) => cancelJobs(tx, shop));
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await markShopUninstalled(tx, shop);
        await audit(tx, shop, { action: "app.uninstalled", actor: shopify, origin });
        return "applied";
      });
    }
    case "APP_SCOPES_UPDATE": {
      const { current } = parse("APP_SCOPES_UPDATE", payload);
      if ((await lifecycleEventAge(shop, topic, delivery.triggeredAt)) !== "current") return ignoreStaleLifecycleEvent(delivery);
      // Idempotent, and outside the tenant transaction (sessions are not the tenant role's).
      await updateShopSessionScopes(shop, current.join(","));
      const scopes = current.join(",");
      const outcome = await withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return { result: "duplicate" as const, granted: false };
        // read_all_orders granted or withdrawn: from when figures are complete changes (app/sync/history.server.ts).
        const { granted } = await updateShopScopes(tx, shop, scopes);
        await audit(tx, shop, { action: "app.scopes_updated", actor: shopify, meta: { scopes }, origin });
        return { result: "applied" as const, granted };
      });
      // Orders older than 60 days were out of reach until now: read the whole history.
      // A run under way without the scope is followed by one with it (full-history.server.ts).
      if (outcome.granted) await enqueueFullHistorySync(shop);
      return outcome.result;
    }
    case "SHOP_REDACT":
      return asSystem("shop/redact webhook", async (tx) => {
        // The delivery record lives in the system chain: the shop's own rows are about to go.
        if (!(await firstDelivery(tx, SYSTEM_CHAIN, delivery))) return "duplicate";
        // Erased by a job, in batches; the job writes "shop.redacted" when it is done.
        // Marked erasing in this transaction: a delivery or a visit meanwhile writes nothing.
        await beginShopErase(tx, shop);
        return "applied";
      });
    case "CUSTOMERS_REDACT": {
      // We never store customer data; the request is acknowledged and recorded.
      const body = parse("CUSTOMERS_REDACT", payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await audit(tx, shop, { action: "customers.redact_received", actor: shopify, meta: { orders: body.orders_to_redact.length, customerDataHeld: false }, origin });
        return "applied";
      });
    }
    case "CUSTOMERS_DATA_REQUEST": {
      const body = parse("CUSTOMERS_DATA_REQUEST", payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await audit(tx, shop, { action: "customers.data_request_received", actor: shopify, meta: { orders: body.orders_requested.length, customerDataHeld: false }, origin });
        return "applied";
      });
    }
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
    case "ORDERS_CANCELLED":
    case "ORDERS_DELETE":
    case "REFUNDS_CREATE": {
      // The payload only tells us which order changed; the job re-reads it whole.
      // A deleted order is a change like any other: the re-read finds no order and
      // removes it from the ledger and its days' rollups (syncOrder → deleteOrder),
      // and coalescing keeps a late orders/updated from resurrecting it (the re-read
      // that runs last sees Shopify's current answer: none).
      const orderId = String(
        topic === "REFUNDS_CREATE" ? parse("REFUNDS_CREATE", payload).order_id
          : topic === "ORDERS_DELETE" ? parse("ORDERS_DELETE", payload).id
          : parse("ORDERS_UPDATED", payload).id,
      );
      // Recorded and enqueued in ONE transaction (app_system may write both): the job
      // key alone only dedupes while the first job is pending or running, so a
      // redelivery after it finished used to enqueue a second re-read. On the path of
      // every live change, so firstDelivery and the job's insert are one prepared
      // statement (deliveries.server.ts); a job already pending or running is settled
      // as enqueue does (absorbed, or asked to run once more).
      const job = orderSyncJob(shop, orderId);
      const { prepares } = await getDatabase();
      return asSystem("webhook: order changed", async (tx) => {
        prepareStatements(tx, prepares);
        const recorded = await recordDeliveryWithJob(tx, delivery, job.insert);
        if (recorded.erasing) throw new ShopErasingError(shop);
        if (!recorded.recorded) {
          await countRedelivery(tx, shop, delivery);
          return "duplicate";
        }
        await job.settle(tx, recorded.jobId);
        return "applied";
      });
    }
    case "SHOP_UPDATE": {
      parse("SHOP_UPDATE", payload);
      // A time-zone or currency change must rebuild the rollups: the job re-reads the
      // profile (coalesced: a burst of shop updates costs one or two reads).
      return asSystem("webhook: shop updated", async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await enqueue("sync.shop.profile", { shop }, { shopId: shop, key: `shop-profile:${shop}`, coalesce: true, tx });
        return "applied";
      });
    }
    case "PRODUCTS_UPDATE": {
      const body = parse("PRODUCTS_UPDATE", payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await applyProductUpdate(tx, shop, body);
        return "applied";
      });
    }
    case "INVENTORY_ITEMS_UPDATE": {
      const body = parse("INVENTORY_ITEMS_UPDATE", payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await recordCostChange(tx, shop, body);
        return "applied";
      });
    }
    case "BULK_OPERATIONS_FINISH": {
      const body = parse("BULK_OPERATIONS_FINISH", payload);
      // The hand-off opens its own transactions: skip it for a delivery already applied,
      // or for a shop being erased (the erase sweeps until nothing of it is left).
      if ((await withShop(shop, (tx) => holdShopForWrite(tx, shop))) === "erasing") throw new ShopErasingError(shop);
      if (await withShop(shop, (tx) => seenBefore(tx, shop, delivery))) {
        return withShop(shop, async (tx) => ((await firstDelivery(tx, shop, delivery)) ? "applied" : "duplicate"));
      }
      await onBulkOperationFinished(shop, body.admin_graphql_api_id, body.status, body.error_code);
      return withShop(shop, async (tx) => ((await firstDelivery(tx, shop, delivery)) ? "applied" : "duplicate"));
    }
    default:
      log.warn({ topic, shop }, "webhook topic without a handler");
      return "ignored";
  }
}
