/**
 * The order webhooks' door (handleWebhook → deliveries.server.ts recordDeliveryWithJob):
 * the shop held, the delivery recorded and the coalesced re-read queued in one
 * statement. The guarantees are the ones the separate statements gave: a new delivery
 * queues one `sync.order` job; a duplicate (webhook id, or topic and event id) counts
 * and queues nothing; a notice for an order whose re-read is pending is absorbed by it,
 * one for a re-read that is running asks it to run once more; a shop being erased gets
 * nothing recorded; a shop without a row yet still gets its delivery and job.
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { jobs } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { markShopErasing, recordInstall } from "~/shops.server";
import { handleWebhook, type WebhookDelivery } from "~/webhooks/handle.server";

import { newShop } from "../factories";

import "~/sync/jobs.server";

const profile = (shop: string) => ({ name: shop, myshopifyDomain: shop, currencyCode: "USD" as const, ianaTimezone: "UTC" });

async function installed(): Promise<string> {
  const shop = newShop("order-door");
  await recordInstall(shop, profile(shop), "read_orders");
  return shop;
}

const orderUpdated = (shop: string, orderId: number, ids: { webhookId?: string; eventId?: string } = {}): WebhookDelivery => ({
  topic: "ORDERS_UPDATED",
  shop,
  webhookId: ids.webhookId ?? randomUUID(),
  eventId: ids.eventId ?? randomUUID(),
  triggeredAt: new Date(),
  payload: { id: orderId, admin_graphql_api_id: `gid://shopify/Order/${orderId}` },
});

const orderJobs = (shop: string) =>
  asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "sync.order"))).orderBy(jobs.id));

const deliveries = (shop: string) =>
  asSystem("test", (tx) => queryRows<{ webhook_id: string; attempts: number; event_id: string | null; topic: string }>(tx,
    sql`select webhook_id, attempts, event_id, topic from webhook_deliveries where shop_id = ${shop} order by received_at, webhook_id`));

describe("order webhooks: delivery and re-read in one statement", () => {
  it("queues one re-read per new delivery, with the order, shop, key and attempts enqueue gives it", async () => {
    const shop = await installed();
    const delivery = orderUpdated(shop, 5001);
    expect(await handleWebhook(delivery)).toBe("applied");
    const [job] = await orderJobs(shop);
    expect(job).toMatchObject({
      kind: "sync.order", payload: { shop, orderId: "5001" }, shopId: shop, status: "pending",
      attempts: 0, maxAttempts: 5, idempotencyKey: `order:${shop}:5001`, rerun: false,
    });
    expect(await deliveries(shop)).toEqual([{ webhook_id: delivery.webhookId, attempts: 1, event_id: delivery.eventId, topic: "ORDERS_UPDATED" }]);
  });

  it("a duplicate by webhook id or by event id counts, queues nothing, even after the first job finished", async () => {
    const shop = await installed();
    const first = orderUpdated(shop, 5002);
    expect(await handleWebhook(first)).toBe("applied");
    await asSystem("test", (tx) => tx.update(jobs).set({ status: "succeeded", finishedAt: new Date() }).where(eq(jobs.shopId, shop)));
    expect(await handleWebhook(first)).toBe("duplicate");
    expect(await handleWebhook({ ...first, webhookId: randomUUID() })).toBe("duplicate");
    expect((await orderJobs(shop)).map((j) => j.status)).toEqual(["succeeded"]);
    expect((await deliveries(shop)).map((d) => d.attempts)).toEqual([2]);
  });

  it("a notice while the re-read is pending is absorbed; one while it runs asks it to run once more", async () => {
    const shop = await installed();
    expect(await handleWebhook(orderUpdated(shop, 5003))).toBe("applied");
    expect(await handleWebhook(orderUpdated(shop, 5003))).toBe("applied");
    const [pending, ...none] = await orderJobs(shop);
    expect(none).toEqual([]);
    expect(pending).toMatchObject({ status: "pending", rerun: false });
    // As a worker's claim leaves it.
    await asSystem("test", (tx) => tx.update(jobs)
      .set({ status: "running", attempts: 1, lockedBy: "test-worker", lockedUntil: sql`now() + interval '5 minutes'` })
      .where(eq(jobs.id, pending!.id)));
    expect(await handleWebhook(orderUpdated(shop, 5003))).toBe("applied");
    expect(await orderJobs(shop)).toEqual([expect.objectContaining({ id: pending!.id, status: "running", rerun: true })]);
    // Another order of the shop is a job of its own.
    expect(await handleWebhook(orderUpdated(shop, 5004))).toBe("applied");
    expect((await orderJobs(shop)).map((j) => j.idempotencyKey)).toEqual([`order:${shop}:5003`, `order:${shop}:5004`]);
    expect(await deliveries(shop)).toHaveLength(4);
  });

  it("a shop being erased gets no record and no job; a shop without a row yet gets both", async () => {
    const erasing = await installed();
    await asSystem("test", (tx) => markShopErasing(tx, erasing));
    expect(await handleWebhook(orderUpdated(erasing, 5005))).toBe("ignored");
    expect(await orderJobs(erasing)).toEqual([]);
    expect(await deliveries(erasing)).toEqual([]);

    const unknown = newShop("order-door-new");
    expect(await handleWebhook({ ...orderUpdated(unknown, 5006), topic: "REFUNDS_CREATE", payload: { id: 77, order_id: 5006, admin_graphql_api_id: "gid://shopify/Refund/77" } })).toBe("applied");
    expect((await orderJobs(unknown)).map((j) => j.payload)).toEqual([{ shop: unknown, orderId: "5006" }]);
    expect((await deliveries(unknown)).map((d) => d.topic)).toEqual(["REFUNDS_CREATE"]);
  });
});
