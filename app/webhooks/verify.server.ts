/**
 * Webhook authentication: everything a delivery must pass before it has any effect.
 * Each step answers 4xx (never 500) and the first to fail decides:
 *
 *  1. POST only (405).
 *  2. The body is read with a byte cap before anyone reads it whole (413).
 *  3. HMAC-SHA256 of the raw bytes with the app secret (401). Bad signatures count
 *     against the source address; past the limit they get 429 with Retry-After.
 *  4. The unsigned headers are well formed: topic, webhook id, a lower-case
 *     myshopify.com shop, X-Shopify-Triggered-At (400).
 *  5. Not a replay from outside Shopify's retry window (401, audited).
 *  6. The body is JSON (400) and is bound to the shop and topic headers
 *     (bind-delivery.server.ts; 401, audited).
 *  7. Shopify's `authenticate.webhook`, given the bytes already read. When it answers
 *     500 for a genuine delivery (library bug Shopify/shopify-app-js#3360: after
 *     uninstall an expired offline token cannot be refreshed and it throws instead of
 *     continuing without a session) our own checks above stand in for it.
 *
 * The headers are not signed, so 5 bounds naive replays only; what makes a replayed
 * body harmless is 6 (it cannot be aimed elsewhere) and exactly-once dedupe on the
 * webhook and event ids (handle.server.ts).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import { asSystem, isShopDomain } from "~/db/tenant.server";
import { env } from "~/env.server";
import { log } from "~/log.server";
import { audit, requestOrigin, SYSTEM_CHAIN, type RequestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { authenticate } from "~/shopify.server";
import { storedShopifyId } from "~/shops.server";

import { bindDelivery, shopIdInBody } from "./bind-delivery.server";
import { pseudonymFor } from "./erase-shop.server";
import { BodyTooLargeError, payloadTooLarge, readCappedBody } from "./read-body.server";

export interface VerifiedWebhook {
  /** Normalised like the library's: "APP_UNINSTALLED", "SHOP_REDACT", … */
  topic: string;
  shop: string;
  webhookId: string;
  eventId: string | null;
  triggeredAt: Date;
  apiVersion: string;
  /** Parsed and bound to shop and topic. */
  payload: unknown;
  origin: RequestOrigin;
  /** Whether the library's own path verified it too (false: it answered 500, see #3360). */
  viaLibrary: boolean;
}

/**
 * Shopify has no documented maximum for HTTPS webhook bodies; its staff note bodies
 * "upwards of a megabyte" (orders with many lines), and an orders/* body with hundreds
 * of lines is about 1-2 MB. 5 MiB leaves 2.5x headroom over that while bounding what
 * one request can make us hold in memory.
 */
export const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/**
 * Shopify retries a failed delivery 8 times over 4 hours, and a retry carries the
 * original X-Shopify-Triggered-At; anything older is not Shopify's.
 * https://shopify.dev/changelog/updates-to-webhook-retry-mechanism
 * The margin covers delivery latency and clock skew.
 */
export const RETRY_WINDOW_MS = 4 * 60 * 60_000;
export const MAX_DELIVERY_AGE_MS = RETRY_WINDOW_MS + 15 * 60_000;
/** A trigger time this far ahead of our clock is forged (or a clock is badly wrong). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const text = (status: number, body: string, extra: Record<string, string> = {}) =>
  new Response(body, { status, headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", ...extra })) });

export function isValidHmac(rawBody: string | Uint8Array, hmacHeader: string | null, secret: string): boolean {
  if (!hmacHeader) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const normaliseTopic = (topic: string) => topic.toUpperCase().replace(/[/.]/g, "_");
const TOPIC = /^[a-z0-9_]+(\/[a-z0-9_]+)+$/i;
const WEBHOOK_ID = /^[A-Za-z0-9._:-]{1,200}$/;

type RejectionReason = "shop_mismatch" | "topic_mismatch" | "stale" | "from_the_future";

/**
 * A signed delivery refused for what it claims: audited in the system chain (the
 * header's shop may not be ours, and the chain must outlive a redaction), the shops
 * named by pseudonym only.
 */
async function reject(reason: RejectionReason, detail: string, fields: { topic: string; shop: string; webhookId: string; claimedShop?: string; origin: RequestOrigin }): Promise<Response> {
  log.warn({ reason, topic: fields.topic, shop: fields.shop, detail }, "signed webhook refused");
  await asSystem("webhook rejected", (tx) =>
    audit(tx, SYSTEM_CHAIN, {
      action: "webhook.rejected",
      actor: { type: "system" },
      target: pseudonymFor(fields.shop),
      meta: {
        reason,
        topic: fields.topic.slice(0, 100),
        webhookId: fields.webhookId.slice(0, 200),
        ...(fields.claimedShop ? { claimedShop: pseudonymFor(fields.claimedShop) } : {}),
      },
      origin: fields.origin,
    }),
  );
  return text(401, `Unauthorized: ${detail}`);
}

export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw text(405, "Method Not Allowed", { Allow: "POST" });
  const origin = requestOrigin(request, env.TRUSTED_PROXY_HOPS);

  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readCappedBody(request, MAX_WEBHOOK_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(MAX_WEBHOOK_BYTES);
    throw text(400, "Bad Request: the body could not be read");
  }

  const header = (name: string) => request.headers.get(`x-shopify-${name}`);
  if (!isValidHmac(body, header("hmac-sha256"), env.SHOPIFY_API_SECRET)) {
    // Unknown addresses (no trusted proxy) share one bucket: only bad signatures
    // count and only they are refused, so Shopify's deliveries are never held up.
    await rateLimit(`ip:${origin.ip ?? "unknown"}:webhook-signature`, policies.webhookBadSignature);
    throw text(401, "Unauthorized");
  }

  const rawTopic = header("topic");
  const shop = header("shop-domain");
  const webhookId = header("webhook-id");
  if (!rawTopic || !TOPIC.test(rawTopic)) throw text(400, "Bad Request: X-Shopify-Topic is missing or malformed");
  if (!webhookId || !WEBHOOK_ID.test(webhookId)) throw text(400, "Bad Request: X-Shopify-Webhook-Id is missing or malformed");
  // Shopify sends the bare, lower-case myshopify.com domain: anything else is not it.
  if (!shop || !isShopDomain(shop)) throw text(400, "Bad Request: X-Shopify-Shop-Domain is not a myshopify.com domain");
  const topic = normaliseTopic(rawTopic);
  const eventId = header("event-id");
  if (eventId !== null && !WEBHOOK_ID.test(eventId)) throw text(400, "Bad Request: X-Shopify-Event-Id is malformed");

  // Shopify always sends it; without it a replay could not be dated, so it is required.
  const triggeredHeader = header("triggered-at");
  const triggeredAt = triggeredHeader ? new Date(triggeredHeader) : null;
  if (!triggeredAt || Number.isNaN(triggeredAt.getTime())) throw text(400, "Bad Request: X-Shopify-Triggered-At is missing or not a date");
  const age = Date.now() - triggeredAt.getTime();
  const fields = { topic, shop, webhookId, origin };
  if (age > MAX_DELIVERY_AGE_MS) throw await reject("stale", "delivery is older than Shopify's retry window", fields);
  if (age < -MAX_CLOCK_SKEW_MS) throw await reject("from_the_future", "X-Shopify-Triggered-At is in the future", fields);

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw text(400, "Bad Request: body is not JSON");
  }
  const binding = bindDelivery(topic, shop, payload);
  if (!binding.ok) throw await reject(binding.reason, binding.detail, { ...fields, claimedShop: binding.claimedShop });
  // A body that names its shop by Shopify id (shop_id; app/uninstalled's Shop
  // resource by id) must name the one recorded at sign-in: app/scopes_update's
  // body has no domain to check, only this.
  const claimedId = shopIdInBody(topic, binding.payload);
  if (claimedId !== null) {
    const stored = await storedShopifyId(shop);
    if (stored !== null && stored !== claimedId) throw await reject("shop_mismatch", "the body's shop id is not this shop's", fields);
  }

  // The library reads the bytes we already hold, never the (uncapped) original stream.
  const forLibrary = new Request(request.url, { method: "POST", headers: request.headers, body });
  let viaLibrary = true;
  try {
    const ctx = await authenticate.webhook(forLibrary);
    if (ctx.shop !== shop || normaliseTopic(ctx.topic) !== topic || ctx.webhookId !== webhookId) {
      throw new Error("the library read the delivery's headers differently");
    }
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown;
    if (thrown.status !== 500) throw thrown;
    viaLibrary = false;
    log.warn({ shop, topic }, "webhook verified by our checks after the library answered 500 (shopify-app-js#3360)");
  }
  return {
    topic,
    shop,
    webhookId,
    eventId,
    triggeredAt,
    apiVersion: header("api-version") ?? "",
    payload: binding.payload,
    origin,
    viaLibrary,
  };
}
