/**
 * The database schema. Every tenant table starts with `shop_id` and is listed in
 * `tenantTables`; migrations enable and FORCE row level security on each one
 * (drizzle/0002_tenant_rls.sql) and tests check that the two lists agree.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/** One row per installed (or once installed) shop. `shop_id` is the myshopify domain. */
export const shops = pgTable("shops", {
  shopId: text("shop_id").primaryKey(),
  name: text("name"),
  currencyCode: text("currency_code").notNull(),
  ianaTimezone: text("iana_timezone").notNull(),
  scopes: text("scopes"),
  installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
  uninstalledAt: timestamp("uninstalled_at", { withTimezone: true }),
  ...timestamps,
}).enableRLS();

/**
 * Shopify offline sessions. Not tenant-RLS'd: the app role has no grant on it at
 * all, and only app/security/session-storage.server.ts reads or writes it.
 * Tokens are sealed (app/security/keyring.server.ts); `token_kid` names the key
 * that sealed them so rotation can find stale rows with an index scan.
 * Staff names and emails from online sessions are deliberately not stored.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    shopId: text("shop_id").notNull(),
    state: text("state").notNull(),
    isOnline: boolean("is_online").notNull().default(false),
    scope: text("scope"),
    expires: timestamp("expires", { withTimezone: true }),
    userId: bigint("user_id", { mode: "number" }),
    accountOwner: boolean("account_owner"),
    accessToken: text("access_token").notNull(),
    refreshToken: text("refresh_token"),
    refreshTokenExpires: timestamp("refresh_token_expires", { withTimezone: true }),
    tokenKid: text("token_kid").notNull(),
    ...timestamps,
  },
  (t) => [index("sessions_shop_idx").on(t.shopId), index("sessions_kid_idx").on(t.tokenKid)],
);

/** Tables whose rows belong to one shop; RLS forced, `shop_id` first. */
export const tenantTables = { shops } as const;

export const nowSql = sql`now()`;
