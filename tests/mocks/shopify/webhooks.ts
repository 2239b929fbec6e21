/**
 * Webhook deliveries as Shopify sends them: POST, JSON body, base64 HMAC-SHA256 of
 * the raw body with the app's secret, and the X-Shopify-* headers.
 */
import { createHmac, randomUUID } from "node:crypto";

import { shopIdFor } from "./store";

export interface WebhookOptions {
  appUrl: string;
  secret: string;
  topic: string;
  shop: string;
  payload: unknown;
  webhookId?: string;
  /** X-Shopify-Event-Id: one per event; a retry (same webhook id) carries the same one. */
  eventId?: string;
  /** X-Shopify-Triggered-At: when the event happened; retries keep the original. */
  triggeredAt?: Date;
  apiVersion?: string;
  /** Tamper with the delivery after signing (tests of rejection). */
  mutate?: (parts: { body: string; headers: Headers }) => void;
}

export function signedWebhook({ appUrl, secret, topic, shop, payload, webhookId = randomUUID(), eventId = randomUUID(), triggeredAt = new Date(), apiVersion = "2026-10", mutate }: WebhookOptions): Request {
  const parts = { body: JSON.stringify(payload), headers: new Headers() };
  parts.headers.set("Content-Type", "application/json");
  parts.headers.set("X-Shopify-Hmac-Sha256", createHmac("sha256", secret).update(parts.body, "utf8").digest("base64"));
  parts.headers.set("X-Shopify-Topic", topic);
  parts.headers.set("X-Shopify-Shop-Domain", shop);
  parts.headers.set("X-Shopify-API-Version", apiVersion);
  parts.headers.set("X-Shopify-Webhook-Id", webhookId);
  parts.headers.set("X-Shopify-Event-Id", eventId);
  parts.headers.set("X-Shopify-Triggered-At", triggeredAt.toISOString());
  parts.headers.set("User-Agent", "Shopify-Captain-Hook");
  mutate?.(parts);
  return new Request(`${appUrl}/webhooks`, { method: "POST", headers: parts.headers, body: parts.body });
}

export const compliancePayloads = {
  /** app/uninstalled: the Shop resource (only the fields the app could read). */
  appUninstalled: (shop: string) => ({ id: shopIdFor(shop), name: "Test Store", domain: shop, myshopify_domain: shop, plan_name: "basic" }),
  shopRedact: (shop: string) => ({ shop_id: shopIdFor(shop), shop_domain: shop }),
  /** Since 2025-07 the body carries shop_id (shopify.dev changelog, "Add shop_id to app/scopes_update webhook payload"). */
  scopesUpdate: (shop: string, current: string[], previous: string[]) => ({ id: 1, shop_id: shopIdFor(shop), current, previous, updated_at: new Date().toISOString() }),
  customersRedact: (shop: string) => ({
    shop_id: shopIdFor(shop),
    shop_domain: shop,
    customer: { id: 191167, email: "canary.customer@example.com", phone: "+15555550100" },
    orders_to_redact: [299938, 280263],
  }),
  customersDataRequest: (shop: string) => ({
    shop_id: shopIdFor(shop),
    shop_domain: shop,
    orders_requested: [299938],
    customer: { id: 191167, email: "canary.customer@example.com", phone: "+15555550100" },
    data_request: { id: 9999 },
  }),
};
