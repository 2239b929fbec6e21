/**
 * Webhook authentication. Shopify's `authenticate.webhook` is the front door; when
 * it answers 500 for a genuine delivery (library bug Shopify/shopify-app-js#3360:
 * after uninstall, an expired offline token cannot be refreshed and the library
 * throws instead of continuing without a session) we verify the HMAC ourselves on
 * the raw body and continue without an admin client. Anything else it throws
 * (401 bad HMAC, 400 missing headers, 405 wrong method) is passed through.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

import { env } from "~/env.server";
import { log } from "~/log.server";
import { authenticate } from "~/shopify.server";

export interface VerifiedWebhook {
  /** Normalised like the library's: "APP_UNINSTALLED", "SHOP_REDACT", … */
  topic: string;
  shop: string;
  webhookId: string;
  apiVersion: string;
  payload: unknown;
  /** Whether the library's own path verified it (false: our fallback did). */
  viaLibrary: boolean;
}

export function isValidHmac(rawBody: string, hmacHeader: string | null, secret: string): boolean {
  if (!hmacHeader) return false;
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmacHeader, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const normaliseTopic = (topic: string) => topic.toUpperCase().replace(/[/.]/g, "_");

export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const fallback = request.clone();
  try {
    const ctx = await authenticate.webhook(request);
    return {
      topic: ctx.topic,
      shop: ctx.shop,
      webhookId: ctx.webhookId,
      apiVersion: ctx.apiVersion,
      payload: ctx.payload,
      viaLibrary: true,
    };
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.status !== 500) throw thrown;
    const rawBody = await fallback.text();
    const header = (name: string) => fallback.headers.get(`x-shopify-${name}`);
    if (!isValidHmac(rawBody, header("hmac-sha256"), env.SHOPIFY_API_SECRET)) {
      throw new Response("Unauthorized", { status: 401 });
    }
    const topic = header("topic");
    const shop = header("shop-domain");
    const webhookId = header("webhook-id");
    if (!topic || !shop || !webhookId) throw new Response("Bad Request", { status: 400 });
    log.warn({ shop, topic }, "webhook verified by fallback after the library answered 500 (shopify-app-js#3360)");
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody);
    } catch {
      throw new Response("Bad Request: body is not JSON", { status: 400 });
    }
    return { topic: normaliseTopic(topic), shop, webhookId, apiVersion: header("api-version") ?? "", payload, viaLibrary: false };
  }
}
