/**
 * handleWebhook: one door for every verified delivery.
 *
 *  - Exactly-once effects: the delivery id is recorded in the same transaction as
 *    the effect, so a duplicate (Shopify retries, and sometimes delivers twice) is
 *    recognised and does nothing, and a failed effect leaves no record and is retried.
 *  - Fast: every effect here is a few indexed writes; anything slow is enqueued.
 *  - app/uninstalled deletes the shop's tokens in the request itself.
 *  - shop/redact deletes every row of the shop in every table.
 */
import { createHash } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";

import type { Tx } from "~/db/client.server";
import { jobs, shops, webhookDeliveries } from "~/db/schema.server";
import { asSystem, isShopDomain, withShop } from "~/db/tenant.server";
import { log } from "~/log.server";
import { audit, SYSTEM_CHAIN, type RequestOrigin } from "~/security/audit.server";
import { deleteShopSessions, updateShopSessionScopes } from "~/security/session-storage.server";

import { enqueueOrderSync } from "~/sync/jobs.server";
import { onBulkOperationFinished } from "~/sync/bulk.server";
import { applyProductUpdate, recordCostChange } from "~/sync/catalog.server";

import { eraseShop } from "./erase-shop.server";

export interface WebhookDelivery {
  topic: string;
  shop: string;
  webhookId: string;
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

const ScopesUpdatePayload = z.object({ current: z.array(z.string()), previous: z.array(z.string()).optional() });
const CustomersRedactPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: z.number() }).passthrough(),
  orders_to_redact: z.array(z.number()).default([]),
});
const CustomersDataRequestPayload = z.object({
  shop_domain: z.string(),
  customer: z.object({ id: z.number() }).passthrough(),
  orders_requested: z.array(z.number()).default([]),
  data_request: z.object({ id: z.number() }).optional(),
});

// Webhook payloads are REST-shaped; we read ids, timestamps and costs, nothing else.
const OrderChangedPayload = z.object({ id: z.number().int().positive(), order_id: z.number().int().positive().optional() })
  .or(z.object({ order_id: z.number().int().positive(), id: z.number().int().positive().optional() }))
  .transform((p) => ({ id: p.id ?? 0, order_id: p.order_id ?? 0 }));
const ProductUpdatePayload = z.object({
  id: z.number().int().positive(),
  title: z.string(),
  updated_at: z.string(),
  variants: z.array(z.object({
    id: z.number().int().positive(),
    title: z.string().nullish(),
    sku: z.string().nullish(),
    inventory_item_id: z.number().int().positive().nullish(),
  })).optional(),
});
const InventoryItemPayload = z.object({
  id: z.number().int().positive(),
  cost: z.string().regex(/^-?\d+(\.\d+)?$/).nullable(),
  updated_at: z.string(),
});
const BulkFinishPayload = z.object({
  admin_graphql_api_id: z.string(),
  status: z.string(),
  error_code: z.string().nullable().optional().transform((v) => v ?? null),
});

function parse<T>(schema: z.ZodType<T>, topic: string, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new WebhookPayloadError(topic, result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return result.data;
}

/** Records the delivery; false when it was already applied. */
async function firstDelivery(tx: Tx, chain: string, delivery: WebhookDelivery): Promise<boolean> {
  const inserted = await tx
    .insert(webhookDeliveries)
    .values({ shopId: chain, webhookId: delivery.webhookId, topic: delivery.topic })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.webhookId });
  if (inserted.length === 0) {
    await tx
      .update(webhookDeliveries)
      .set({ attempts: sql`${webhookDeliveries.attempts} + 1` })
      .where(and(eq(webhookDeliveries.shopId, chain), eq(webhookDeliveries.webhookId, delivery.webhookId)));
  }
  return inserted.length > 0;
}

const shopify = { type: "shopify" } as const;

/** A stable pseudonym: lets the system chain say "a shop was redacted" without naming it. */
export const pseudonymFor = (shop: string) => `shop:${createHash("sha256").update(shop).digest("hex").slice(0, 16)}`;

export async function handleWebhook(delivery: WebhookDelivery): Promise<WebhookOutcome> {
  const { topic, shop, payload, origin } = delivery;
  if (!isShopDomain(shop)) throw new WebhookPayloadError(topic, "shop domain is not a myshopify.com domain");

  switch (topic) {
    case "APP_UNINSTALLED": {
      // Tokens first and unconditionally: even a duplicate delivery must leave none.
      await deleteShopSessions(shop);
      // No more work for a shop that left: queued jobs go (running ones find no session).
      await asSystem("app/uninstalled: stop the shop's jobs", (tx) =>
        tx.delete(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.status, "pending"))),
      );
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await tx.update(shops).set({ uninstalledAt: sql`coalesce(${shops.uninstalledAt}, now())`, updatedAt: new Date() }).where(eq(shops.shopId, shop));
        await audit(tx, shop, { action: "app.uninstalled", actor: shopify, origin });
        return "applied";
      });
    }
    case "APP_SCOPES_UPDATE": {
      const { current } = parse(ScopesUpdatePayload, topic, payload);
      // Idempotent, and outside the tenant transaction (sessions are not the tenant role's).
      await updateShopSessionScopes(shop, current.join(","));
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await tx.update(shops).set({ scopes: current.join(","), updatedAt: new Date() }).where(eq(shops.shopId, shop));
        await audit(tx, shop, { action: "app.scopes_updated", actor: shopify, meta: { scopes: current.join(",") }, origin });
        return "applied";
      });
    }
    case "SHOP_REDACT":
      return asSystem("shop/redact webhook", async (tx) => {
        // The delivery record lives in the system chain: the shop's own rows are about to go.
        if (!(await firstDelivery(tx, SYSTEM_CHAIN, delivery))) return "duplicate";
        const erased = await eraseShop(tx, shop);
        await audit(tx, SYSTEM_CHAIN, { action: "shop.redacted", actor: shopify, target: pseudonymFor(shop), meta: { rows: erased } });
        return "applied";
      });
    case "CUSTOMERS_REDACT": {
      // We never store customer data; the request is acknowledged and recorded.
      const body = parse(CustomersRedactPayload, topic, payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await audit(tx, shop, { action: "customers.redact_received", actor: shopify, meta: { orders: body.orders_to_redact.length, customerDataHeld: false }, origin });
        return "applied";
      });
    }
    case "CUSTOMERS_DATA_REQUEST": {
      const body = parse(CustomersDataRequestPayload, topic, payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await audit(tx, shop, { action: "customers.data_request_received", actor: shopify, meta: { orders: body.orders_requested.length, customerDataHeld: false }, origin });
        return "applied";
      });
    }
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
    case "ORDERS_CANCELLED":
    case "REFUNDS_CREATE": {
      // The payload only tells us which order changed; the job re-reads it whole.
      const body = parse(OrderChangedPayload, topic, payload);
      const orderId = String(topic === "REFUNDS_CREATE" ? body.order_id : body.id);
      await enqueueOrderSync(shop, orderId, delivery.webhookId);
      return withShop(shop, async (tx) => ((await firstDelivery(tx, shop, delivery)) ? "applied" : "duplicate"));
    }
    case "PRODUCTS_UPDATE": {
      const body = parse(ProductUpdatePayload, topic, payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await applyProductUpdate(tx, shop, body);
        return "applied";
      });
    }
    case "INVENTORY_ITEMS_UPDATE": {
      const body = parse(InventoryItemPayload, topic, payload);
      return withShop(shop, async (tx) => {
        if (!(await firstDelivery(tx, shop, delivery))) return "duplicate";
        await recordCostChange(tx, shop, body);
        return "applied";
      });
    }
    case "BULK_OPERATIONS_FINISH": {
      const body = parse(BulkFinishPayload, topic, payload);
      await onBulkOperationFinished(shop, body.admin_graphql_api_id, body.status, body.error_code);
      return withShop(shop, async (tx) => ((await firstDelivery(tx, shop, delivery)) ? "applied" : "duplicate"));
    }
    default:
      log.warn({ topic, shop }, "webhook topic without a handler");
      return "ignored";
  }
}
