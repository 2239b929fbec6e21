/**
 * The single Shopify configuration point. Embedded, Shopify-managed install with
 * token exchange and expiring offline tokens; sessions sealed in our own storage.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { jwtVerify } from "jose";

import { isShopDomain } from "~/db/tenant.server";
import { env } from "~/env.server";
import { isBrowserNavigation } from "~/lib/browser-navigation";
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
          throw erasingRefusal();
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
/** The answer to a visit while the shop's data is being erased (a new Response per caller: a body is read once). */
const erasingRefusals = new WeakSet<Response>();
function erasingRefusal(): Response {
  const response = new Response("Margin Notes is deleting this store's data. Open the app again in a few minutes to start afresh.", {
    status: 503,
    headers: appSecurityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Retry-After": "120" })),
  });
  erasingRefusals.add(response);
  return response;
}

type AdminAuth = ReturnType<typeof guardAdmin<Awaited<ReturnType<typeof shopify.authenticate.admin>>>>;

/**
 * One authentication per HTTP request. A page load runs the layout's loader and the page's
 * (one single-fetch request), and each calls authenticate.admin: the library verified the
 * token, loaded the session and logged "Authenticating admin request" twice per request. The
 * loaders share the request's load context (Remix hands each its own copy of the Request),
 * so the first call's promise is kept on the context for the others. A failed attempt is not
 * shared (a thrown Response can be read once): a later loader tries on its own, as before —
 * except a refusal because the shop's data is being erased, which is answered again at once
 * (another exchange would store a session the erase already took).
 */
function oncePerRequest(admin: AdminAuth): AdminAuth {
  const attempts = new WeakMap<object, Map<string, ReturnType<AdminAuth>>>();
  return async (request, context) => {
    if (!context) return admin(request, context);
    // The same credentials and address only: a context reused across requests shares nothing else.
    const url = new URL(request.url);
    url.searchParams.delete("_routes");
    url.searchParams.delete("index");
    const key = `${request.method} ${url} ${request.headers.get("authorization") ?? ""}`;
    const byKey = attempts.get(context) ?? new Map<string, ReturnType<AdminAuth>>();
    attempts.set(context, byKey);
    const earlier = byKey.get(key);
    if (earlier) {
      try {
        return await earlier;
      } catch (error) {
        // The shop's data is being erased: another exchange would store a session again.
        if (error instanceof Response && erasingRefusals.has(error)) throw erasingRefusal();
        return admin(request, context);
      }
    }
    const attempt = admin(request, context);
    byKey.set(key, attempt);
    return attempt;
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

// The library's own check of a session token (shopify-api's decode-session-token: HS256 with
// the app's secret, exp/nbf with 10 s of clock tolerance, aud = the API key), by the same jose.
const SESSION_TOKEN_KEY = new TextEncoder().encode(env.SHOPIFY_API_SECRET);
const CLOCK_TOLERANCE_S = 10;

/**
 * The shop that is opening the app in its admin, when this request is exactly that: a browser
 * navigation (GET, `Sec-Fetch-Mode: navigate`) to an embedded page with the `shop`, `host` and
 * `id_token` the admin frames it with, whose session token verifies and names that shop. Null
 * for anything else, which then waits for `authenticate.admin` as every request does.
 *
 * Why: a first open waits for the token exchange and the shop's install (Shopify's answers, the
 * shop's rows, the first sync's start) before `authenticate.admin` returns. A page that can show
 * its shell first (the dashboard's title bar and skeleton, nothing of the shop's data) sends it
 * once the token is proved here, framed for the shop it proves, and reads the data after the
 * library's whole authentication, in the same response. Only a signature check; nothing is
 * loaded or stored.
 */
export async function verifiedFramingShop(request: Request): Promise<string | null> {
  if (request.method !== "GET" || !isBrowserNavigation(request)) return null;
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop");
  const token = params.get("id_token");
  if (params.get("embedded") !== "1" || !params.get("host") || !token || !shop || !isShopDomain(shop)) return null;
  try {
    const { payload } = await jwtVerify(token, SESSION_TOKEN_KEY, { algorithms: ["HS256"], clockTolerance: CLOCK_TOLERANCE_S });
    if (payload.aud !== env.SHOPIFY_API_KEY || typeof payload.dest !== "string") return null;
    return new URL(payload.dest).hostname === shop ? shop : null;
  } catch {
    return null;
  }
}
