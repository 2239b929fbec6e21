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
import { shops, webhookDeliveries } from "~/db/schema.server";
import { asSystem, isShopDomain, withShop } from "~/db/tenant.server";
import { log } from "~/log.server";
import { audit, SYSTEM_CHAIN, type RequestOrigin } from "~/security/audit.server";
import { deleteShopSessions, updateShopSessionScopes } from "~/security/session-storage.server";

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
    default:
      log.warn({ topic, shop }, "webhook topic without a handler");
      return "ignored";
  }
}
