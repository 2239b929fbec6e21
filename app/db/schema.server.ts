/**
 * The database schema. Every tenant table starts with `shop_id` and is listed in
 * `tenantTables`; migrations enable and FORCE row level security on each one
 * (drizzle/0002_tenant_rls.sql) and tests check that the two lists agree.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

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

/**
 * Append-only, hash-chained audit log (app/security/audit.server.ts). One chain per
 * shop, plus a `_system` chain for events about no single shop. The app roles may
 * INSERT and SELECT, never UPDATE or DELETE (drizzle/0004_audit_append_only.sql).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    shopId: text("shop_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    action: text("action").notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    target: text("target"),
    meta: jsonb("meta").$type<Record<string, unknown>>().notNull().default({}),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.seq] }), index("audit_events_shop_action_idx").on(t.shopId, t.action, t.seq)],
).enableRLS();

/** Where retention pruned a chain: the verifier resumes from the last pruned hash. */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  shopId: text("shop_id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  prunedAt: timestamp("pruned_at", { withTimezone: true }).notNull().defaultNow(),
}).enableRLS();

/** Webhook deliveries already applied, keyed by X-Shopify-Webhook-Id (dedupe). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    shopId: text("shop_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    topic: text("topic").notNull(),
    attempts: integer("attempts").notNull().default(1),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.webhookId] })],
).enableRLS();

/** Tables whose rows belong to one shop; RLS forced, `shop_id` first. */
export const tenantTables = { shops, auditEvents, auditCheckpoints, webhookDeliveries } as const;

export const nowSql = sql`now()`;
