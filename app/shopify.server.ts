/**
 * The single Shopify configuration point. Embedded, Shopify-managed install with
 * token exchange and expiring offline tokens; sessions sealed in our own storage.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";

import { env } from "~/env.server";
import { log } from "~/log.server";
import { createSessionStorage } from "~/security/session-storage.server";
import { syncShopProfile } from "~/shops.server";

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
      await syncShopProfile(session.shop, session.scope, admin);
    },
  },
});

export default shopify;
export const apiVersion = ApiVersion.October26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const sessionStorage = shopify.sessionStorage;
export const login = shopify.login;
