/**
 * The Shopify simulator: the parts of Shopify the app talks to, as msw handlers
 * over in-memory stores. OAuth token exchange and refresh issue expiring offline
 * tokens exactly as Shopify documents them; Admin GraphQL runs against Shopify's
 * real 2026-10 schema (admin-graphql.ts). Nothing here is reachable from app code.
 */
import { randomBytes } from "node:crypto";

import { http, HttpResponse, type HttpHandler } from "msw";

import { executeAdminGraphql } from "./admin-graphql";
import { verifySessionToken } from "./session-token";
import type { SimStore } from "./store";

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
}

export function createShopifySimulator({
  apiKey,
  apiSecret,
  apiVersion = "2026-10",
  grantedScopes = "read_orders,read_products",
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
      return HttpResponse.json(issue(shop, grantedScopes));
    }
    if (body.grant_type === "refresh_token") {
      calls.refreshes++;
      const refresh = refreshTokens.get(body.refresh_token ?? "");
      if (!refresh || refresh.shop !== shop || refresh.revoked || refresh.expiresAt < Date.now()) {
        return oauthError(400, "invalid_grant", "Refresh token is invalid or expired");
      }
      // Shopify rotates refresh tokens: the old one stops working once replaced.
      refresh.revoked = true;
      return HttpResponse.json(issue(shop, grantedScopes));
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
    const result = await executeAdminGraphql(store, (await request.json()) as { query: string });
    const headers = result.status === 429 ? { "Retry-After": "1" } : undefined;
    return HttpResponse.json(result.json as Record<string, unknown>, { status: result.status, headers });
  });

  const simulator: ShopifySimulator = {
    apiKey,
    apiSecret,
    stores,
    calls,
    handlers: [tokenHandler, graphqlHandler],
    addStore(store) {
      stores.set(store.shop.myshopifyDomain, store);
      return store;
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
