/**
 * The single Shopify configuration point. Embedded, Shopify-managed install with
 * token exchange and expiring offline tokens; sessions sealed in our own storage.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";

import { env } from "~/env.server";
import { log } from "~/log.server";
import { appSecurityHeaders } from "~/security/request-guards.server";
import { createSessionStorage } from "~/security/session-storage.server";
import { guardAdmin, guardLogin } from "~/security/shopify-doors.server";
import { ShopErasingError, syncShopProfile } from "~/shops.server";

const severityToLevel = {
  [LogSeverity.Error]: "error",
  [LogSeverity.Warning]: "warn",
  [LogSeverity.Info]: "info",
  [LogSeverity.Debug]: "debug",
} as const;

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ApiVersion.October26,
  scopes: env.SCOPES,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: createSessionStorage(),
  distribution: AppDistribution.AppStore,
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  logger: {
    level: env.LOG_LEVEL === "debug" || env.LOG_LEVEL === "trace" ? LogSeverity.Debug : LogSeverity.Info,
    // Route the library's logs through ours, so they are redacted and scrubbed too.
    log: (severity, message) => log[severityToLevel[severity]]({ source: "shopify" }, message),
  },
  hooks: {
    // Runs after every token exchange (about hourly per shop with expiring tokens),
    // so it must be idempotent.
    afterAuth: async ({ session, admin }) => {
      // The library calls this right after the exchange (and storing its session):
      // taken before the profile read, so that read's latency does not move it later.
      const exchangedAt = new Date();
      try {
        await syncShopProfile(session.shop, session.scope, admin, exchangedAt);
      } catch (err) {
        // The library turns any non-Response thrown here into a bare 500, which our
        // admin door reads as a refused token exchange: say what happened instead.
        if (err instanceof ShopErasingError) {
          // The library stored the exchanged session before calling us: the erase took the
          // shop's tokens, so this one goes too (the erase would sweep it again anyway).
          await shopify.sessionStorage.deleteSession(session.id);
          throw new Response("Margin Notes is deleting this store's data. Open the app again in a few minutes to start afresh.", {
            status: 503,
            headers: appSecurityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Retry-After": "120" })),
          });
        }
        log.error({ err, shop: session.shop }, "afterAuth failed");
        throw new Response("Margin Notes could not reach Shopify to set up this store. Try again in a minute.", {
          status: 503,
          headers: appSecurityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Retry-After": "60" })),
        });
      }
    },
  },
});

export default shopify;
export const apiVersion = ApiVersion.October26;
type AdminAuth = ReturnType<typeof guardAdmin<Awaited<ReturnType<typeof shopify.authenticate.admin>>>>;

/**
 * One authentication per HTTP request. A page load runs the layout's loader and the page's
 * (one single-fetch request), and each calls authenticate.admin: the library verified the
 * token, loaded the session and logged "Authenticating admin request" twice per request. The
 * loaders share the request's load context (Remix hands each its own copy of the Request),
 * so the first call's outcome is kept on the context for the others — a refusal too: a
 * second attempt would exchange the token again, and an exchange refused after the library
 * stored its session (afterAuth: the shop's data is being erased) would leave that session
 * behind. Each caller gets its own copy of a thrown Response (a body can be read once).
 */
type AuthOutcome = { ok: true; value: Awaited<ReturnType<AdminAuth>> } | { ok: false; error: unknown };

function oncePerRequest(admin: AdminAuth): AdminAuth {
  const attempts = new WeakMap<object, Map<string, Promise<AuthOutcome>>>();
  return async (request, context) => {
    if (!context) return admin(request, context);
    // The same credentials and address only: a context reused across requests shares nothing else.
    const url = new URL(request.url);
    url.searchParams.delete("_routes");
    url.searchParams.delete("index");
    const key = `${request.method} ${url} ${request.headers.get("authorization") ?? ""}`;
    const byKey = attempts.get(context) ?? new Map<string, Promise<AuthOutcome>>();
    attempts.set(context, byKey);
    let outcome = byKey.get(key);
    if (!outcome) {
      outcome = admin(request, context).then((value): AuthOutcome => ({ ok: true, value }), (error: unknown): AuthOutcome => ({ ok: false, error }));
      byKey.set(key, outcome);
    }
    const settled = await outcome;
    if (settled.ok) return settled.value;
    throw settled.error instanceof Response ? settled.error.clone() : settled.error;
  };
}

/** Admin requests and the login page go through our doors (app/security/shopify-doors.server.ts). */
export const authenticate = { ...shopify.authenticate, admin: oncePerRequest(guardAdmin(shopify.authenticate.admin, { appUrl: env.SHOPIFY_APP_URL })) };
export const unauthenticated = shopify.unauthenticated;
export const sessionStorage = shopify.sessionStorage;
export const login = guardLogin(shopify.login, { appUrl: env.SHOPIFY_APP_URL });

/**
 * Document headers for a shop the session token verified: Shopify's own per-shop
 * frame-ancestors (and App Bridge preload), never built from the URL's `shop`.
 */
export function verifiedDocumentHeaders(shop: string): Headers {
  const headers = new Headers();
  shopify.addDocumentResponseHeaders(new Request(`${env.SHOPIFY_APP_URL}/?${new URLSearchParams({ shop })}`), headers);
  // The library preloads Shopify's CDN copy; preload the App Bridge the page actually loads
  // (the simulator's stand-in in the demo), or the browser fetches one it never uses (and,
  // offline, logs a failed request on every page).
  if (headers.has("Link")) headers.set("Link", `<${env.APP_BRIDGE_URL}>; rel="preload"; as="script"`);
  return headers;
}
