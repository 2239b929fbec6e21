/**
 * The Shopify simulator: the parts of Shopify the app talks to, as msw handlers
 * over in-memory stores. OAuth token exchange and refresh issue expiring offline
 * tokens exactly as Shopify documents them; Admin GraphQL runs against Shopify's
 * real 2026-10 schema (admin-graphql.ts); bulk results are served from a
 * storage-like URL (bulk.ts); live changes deliver signed webhooks to the app
 * through `deliver` (live.ts). Nothing here is reachable from app code.
 */
import { randomBytes, randomUUID } from "node:crypto";

import { http, HttpResponse, type HttpHandler } from "msw";

import { executeAdminGraphql } from "./admin-graphql";
import { bulkDownloadHandler, completeBulkOperations as completeStoreBulkOperations, finishBulkOperation } from "./bulk";
import * as live from "./live";
import type { EditSpec, OrderSpec, RefundSpec } from "./seed";
import { verifySessionToken } from "./session-token";
import type { CancelReason, SimAgreement, SimBulkOperation, SimInventoryItem, SimOrder, SimProduct, SimStore } from "./store";
import { signedWebhook } from "./webhooks";

const ACCESS_TTL_S = 3600;
const REFRESH_TTL_S = 90 * 24 * 3600;

interface IssuedToken {
  shop: string;
  expiresAt: number;
  revoked: boolean;
}

export interface SimulatorOptions {
  apiKey: string;
  apiSecret: string;
  apiVersion?: string;
  /** What the merchant granted at install (shopify.app.toml's scopes). */
  grantedScopes?: string;
  /** Where webhooks are addressed (`${appUrl}/webhooks`). */
  appUrl?: string;
  /** Run bulk operations to completion on their own (the demo); tests advance them by polling or completeBulkOperations(). */
  autoCompleteBulk?: boolean;
}

/** One webhook the simulator sent (or would have sent, when `deliver` is not set). */
export interface WebhookDelivery {
  topic: string;
  shop: string;
  webhookId: string;
  payload: unknown;
  /** The app's answer; null when no deliverer is set. */
  status: number | null;
}

export interface LiveOptions {
  /** Deliver the matching webhook(s) (default true). */
  webhook?: boolean;
  webhookId?: string;
  /** Deliver each webhook this many extra times with the same X-Shopify-Webhook-Id. */
  duplicate?: number;
  at?: Date | number;
}

export interface LiveResult {
  /** The app's responses, in delivery order (empty when not delivered). */
  responses: Response[];
}

export interface ShopifySimulator {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly stores: Map<string, SimStore>;
  readonly handlers: HttpHandler[];
  readonly calls: { tokenExchanges: number; refreshes: number; graphql: number };
  addStore(store: SimStore): SimStore;
  /** Uninstall revokes every token Shopify issued for the shop. */
  revokeTokens(shop: string): void;
  /** Ages every access token of a shop past its expiry (refresh then required). */
  expireAccessTokens(shop: string): void;
  isValidAccessToken(shop: string, token: string): boolean;

  /** Base URL webhooks are addressed to. */
  appUrl: string;
  /**
   * Sends a signed webhook to the app: tests set the in-process app handler
   * (tests/app-harness.ts appHandler()), the demo a `fetch` to the app's URL. When
   * unset, webhooks are only recorded in `webhooks`.
   */
  deliver: ((request: Request) => Promise<Response>) | null;
  autoCompleteBulk: boolean;
  /** Every webhook sent, oldest first. */
  readonly webhooks: WebhookDelivery[];
  /** Signs and delivers one webhook (plus `duplicate` redeliveries with the same id). */
  deliverWebhook(topic: string, shop: string, payload: unknown, options?: { webhookId?: string; duplicate?: number }): Promise<Response[]>;
  /** Waits for webhooks the simulator sent on its own (bulk_operations/finish). */
  settled(): Promise<void>;
  /** Runs every pending bulk operation (of one shop, or all) to COMPLETED/FAILED and delivers bulk_operations/finish. */
  completeBulkOperations(shop?: string): Promise<SimBulkOperation[]>;

  placeOrder(shop: string, spec?: OrderSpec, options?: LiveOptions): Promise<LiveResult & { order: SimOrder }>;
  refundOrder(shop: string, orderId: string, spec?: RefundSpec, options?: LiveOptions): Promise<LiveResult & { order: SimOrder; agreement: SimAgreement | null }>;
  cancelOrder(shop: string, orderId: string, options?: LiveOptions & { reason?: CancelReason }): Promise<LiveResult & { order: SimOrder; agreement: SimAgreement | null }>;
  /** Captures the order's open authorization (payments.ts) and sends orders/updated. */
  capturePayment(shop: string, orderId: string, options?: LiveOptions): Promise<LiveResult & { order: SimOrder }>;
  editOrder(shop: string, orderId: string, spec?: EditSpec, options?: LiveOptions): Promise<LiveResult & { order: SimOrder; agreement: SimAgreement | null }>;
  /** Changes the store's settings (time zone, currency, name) and sends shop/update. */
  updateShop(shop: string, changes: live.ShopChanges, options?: LiveOptions): Promise<LiveResult>;
  /** Deletes the order from the store (every API answer, the truth) and sends orders/delete. */
  deleteOrder(shop: string, orderId: string, options?: LiveOptions): Promise<LiveResult & { order: SimOrder }>;
  updateProduct(shop: string, productId: string, changes?: Omit<live.ProductChanges, "at">, options?: LiveOptions): Promise<LiveResult & { product: SimProduct }>;
  /** `cost` is a decimal string in shop currency ("12.50"), or null for no cost. */
  setUnitCost(shop: string, inventoryItemId: string, cost: string | null, options?: LiveOptions): Promise<LiveResult & { item: SimInventoryItem }>;
}

export function createShopifySimulator({
  apiKey,
  apiSecret,
  apiVersion = "2026-10",
  grantedScopes = "read_orders,read_all_orders,read_products",
  appUrl = "https://margin-notes.test",
  autoCompleteBulk = false,
}: SimulatorOptions): ShopifySimulator {
  const stores = new Map<string, SimStore>();
  const accessTokens = new Map<string, IssuedToken>();
  const refreshTokens = new Map<string, IssuedToken>();
  const calls = { tokenExchanges: 0, refreshes: 0, graphql: 0 };

  const issue = (shop: string, scope: string) => {
    const access = `shpat_${randomBytes(16).toString("hex")}`;
    const refresh = `shprt_${randomBytes(16).toString("hex")}`;
    accessTokens.set(access, { shop, expiresAt: Date.now() + ACCESS_TTL_S * 1000, revoked: false });
    refreshTokens.set(refresh, { shop, expiresAt: Date.now() + REFRESH_TTL_S * 1000, revoked: false });
    return {
      access_token: access,
      scope,
      expires_in: ACCESS_TTL_S,
      refresh_token: refresh,
      refresh_token_expires_in: REFRESH_TTL_S,
    };
  };

  const oauthError = (status: number, error: string, description: string) =>
    HttpResponse.json({ error, error_description: description }, { status });

  const tokenHandler = http.post("https://*.myshopify.com/admin/oauth/access_token", async ({ request }) => {
    const shop = new URL(request.url).hostname;
    const store = stores.get(shop);
    const body = (await request.json()) as Record<string, string>;
    if (!store) return oauthError(404, "shop_not_found", "Shop not found");
    if (body.client_id !== apiKey || body.client_secret !== apiSecret) {
      return oauthError(401, "invalid_client", "Client authentication failed");
    }
    if (body.grant_type === "urn:ietf:params:oauth:grant-type:token-exchange") {
      calls.tokenExchanges++;
      const subject = verifySessionToken(body.subject_token ?? "", apiKey, apiSecret);
      if (!subject || subject.shop !== shop) return oauthError(400, "invalid_subject_token", "Invalid subject token");
      if (body.expiring !== "1") return oauthError(400, "invalid_request", "This app must use expiring offline tokens");
      return HttpResponse.json(issue(shop, store.grantedScopes?.join(",") ?? grantedScopes));
    }
    if (body.grant_type === "refresh_token") {
      calls.refreshes++;
      const refresh = refreshTokens.get(body.refresh_token ?? "");
      if (!refresh || refresh.shop !== shop || refresh.revoked || refresh.expiresAt < Date.now()) {
        return oauthError(400, "invalid_grant", "Refresh token is invalid or expired");
      }
      // Shopify rotates refresh tokens: the old one stops working once replaced.
      refresh.revoked = true;
      return HttpResponse.json(issue(shop, store.grantedScopes?.join(",") ?? grantedScopes));
    }
    return oauthError(400, "unsupported_grant_type", "Unsupported grant type");
  });

  const graphqlHandler = http.post("https://*.myshopify.com/admin/api/:version/graphql.json", async ({ request, params }) => {
    const shop = new URL(request.url).hostname;
    const store = stores.get(shop);
    if (!store) return new HttpResponse("Not Found", { status: 404 });
    if (params.version !== apiVersion) return HttpResponse.json({ errors: "Not Found" }, { status: 404 });
    const token = request.headers.get("X-Shopify-Access-Token") ?? "";
    if (!simulator.isValidAccessToken(shop, token)) {
      return HttpResponse.json(
        { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
        { status: 401 },
      );
    }
    calls.graphql++;
    const body = (await request.json()) as { query: string; variables?: Record<string, unknown> };
    const result = await executeAdminGraphql(store, body);
    await store.listeners.graphqlAnswered?.(store, body);
    const headers = result.status === 429 ? { "Retry-After": "1" } : undefined;
    return HttpResponse.json(result.json as Record<string, unknown>, { status: result.status, headers });
  });

  const pending = new Set<Promise<unknown>>();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => {});
    return promise;
  };
  const storeOf = (shop: string): SimStore => {
    const store = stores.get(shop);
    if (!store) throw new Error(`No simulated store ${shop}`);
    return store;
  };
  const send = async (events: live.WebhookEvent[], shop: string, options: LiveOptions = {}): Promise<Response[]> => {
    if (options.webhook === false) return [];
    const responses: Response[] = [];
    for (const event of events) {
      responses.push(...(await simulator.deliverWebhook(event.topic, shop, event.payload, { webhookId: options.webhookId, duplicate: options.duplicate })));
    }
    return responses;
  };
  const onBulkFinished = (store: SimStore, op: SimBulkOperation) => {
    const payload = {
      admin_graphql_api_id: op.id,
      completed_at: op.completedAt,
      created_at: op.createdAt,
      error_code: op.errorCode?.toLowerCase() ?? null,
      status: op.status.toLowerCase(),
      type: "query",
    };
    // Not inside the GraphQL request that finished it (a poll): Shopify sends it on its own.
    track(new Promise((resolve) => setImmediate(resolve)).then(() => simulator.deliverWebhook("bulk_operations/finish", store.shop.myshopifyDomain, payload)));
  };
  const onBulkCreated = (store: SimStore, op: SimBulkOperation) => {
    if (!simulator.autoCompleteBulk) return;
    track(new Promise((resolve) => setTimeout(resolve, 50)).then(() => finishBulkOperation(store, op)));
  };

  const simulator: ShopifySimulator = {
    apiKey,
    apiSecret,
    stores,
    calls,
    handlers: [tokenHandler, graphqlHandler, bulkDownloadHandler()],
    appUrl,
    deliver: null,
    autoCompleteBulk,
    webhooks: [],
    addStore(store) {
      stores.set(store.shop.myshopifyDomain, store);
      store.grantedScopes ??= grantedScopes.split(",");
      store.listeners.bulkOperationFinished = onBulkFinished;
      store.listeners.bulkOperationCreated = onBulkCreated;
      return store;
    },
    async deliverWebhook(topic, shop, payload, options = {}) {
      const webhookId = options.webhookId ?? randomUUID();
      // A redelivery of one webhook keeps its event id and trigger time, as Shopify's retries do.
      const eventId = randomUUID();
      const triggeredAt = new Date();
      const responses: Response[] = [];
      for (let i = 0; i <= (options.duplicate ?? 0); i++) {
        const entry: WebhookDelivery = { topic, shop, webhookId, payload, status: null };
        simulator.webhooks.push(entry);
        if (!simulator.deliver) continue;
        const response = await simulator.deliver(signedWebhook({ appUrl: simulator.appUrl, secret: apiSecret, topic, shop, payload, webhookId, eventId, triggeredAt }));
        entry.status = response.status;
        responses.push(response);
      }
      return responses;
    },
    async settled() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async completeBulkOperations(shop) {
      const targets = shop ? [storeOf(shop)] : [...stores.values()];
      const done: SimBulkOperation[] = [];
      for (const store of targets) done.push(...(await completeStoreBulkOperations(store)));
      await simulator.settled();
      return done;
    },
    async placeOrder(shop, spec = {}, options = {}) {
      const result = live.placeOrder(storeOf(shop), { ...spec, at: options.at });
      return { order: result.order, responses: await send(result.events, shop, options) };
    },
    async capturePayment(shop, orderId, options = {}) {
      const result = live.capture(storeOf(shop), orderId, { at: options.at });
      return { order: result.order, responses: await send(result.events, shop, options) };
    },
    async refundOrder(shop, orderId, spec = {}, options = {}) {
      const result = live.refund(storeOf(shop), orderId, { ...spec, at: options.at });
      return { order: result.order, agreement: result.agreement, responses: await send(result.events, shop, options) };
    },
    async cancelOrder(shop, orderId, options = {}) {
      const result = live.cancel(storeOf(shop), orderId, { at: options.at, reason: options.reason });
      return { order: result.order, agreement: result.agreement, responses: await send(result.events, shop, options) };
    },
    async editOrder(shop, orderId, spec, options = {}) {
      const result = live.edit(storeOf(shop), orderId, { ...spec, at: options.at });
      return { order: result.order, agreement: result.agreement, responses: await send(result.events, shop, options) };
    },
    async updateShop(shop, changes, options = {}) {
      return { responses: await send(live.updateShop(storeOf(shop), changes).events, shop, options) };
    },
    async deleteOrder(shop, orderId, options = {}) {
      const result = live.deleteOrder(storeOf(shop), orderId);
      return { order: result.order, responses: await send(result.events, shop, options) };
    },
    async updateProduct(shop, productId, changes = {}, options = {}) {
      const result = live.updateProduct(storeOf(shop), productId, { ...changes, at: options.at });
      return { product: result.product, responses: await send(result.events, shop, options) };
    },
    async setUnitCost(shop, inventoryItemId, cost, options = {}) {
      const result = live.setUnitCost(storeOf(shop), inventoryItemId, cost, options.at);
      return { item: result.item, responses: await send(result.events, shop, options) };
    },
    revokeTokens(shop) {
      for (const map of [accessTokens, refreshTokens]) {
        for (const issued of map.values()) if (issued.shop === shop) issued.revoked = true;
      }
    },
    expireAccessTokens(shop) {
      for (const issued of accessTokens.values()) if (issued.shop === shop) issued.expiresAt = Date.now() - 1000;
    },
    isValidAccessToken(shop, token) {
      const issued = accessTokens.get(token);
      return Boolean(issued && issued.shop === shop && !issued.revoked && issued.expiresAt > Date.now());
    },
  };
  return simulator;
}
