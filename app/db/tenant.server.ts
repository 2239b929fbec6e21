/**
 * Tenant scoping. The only two ways application code reaches tenant tables.
 *
 * Guarantees:
 *  - `withShop(shop, fn)` runs fn in one transaction as the `app_tenant` role with
 *    `app.shop_id` set transaction-locally: Postgres row level security (forced on
 *    every tenant table) filters every read and rejects every foreign write, even
 *    for a query that forgets its WHERE clause.
 *  - `asSystem(reason, fn)` runs as `app_system`, which may see every shop. It is
 *    for jobs, the CLI and compliance webhooks only, and it always names a reason.
 *  - Both settings are SET LOCAL / set_config(..., true): they end with the
 *    transaction, so a pooled connection never carries one shop into the next use.
 *
 * Callers must never: use the outer `db` inside fn (PGlite has one connection and
 * would deadlock), or pass a shop taken from the URL rather than the session.
 */
import { sql, type SQL } from "drizzle-orm";

import { getDatabase, type Tx } from "./client.server";
import { sendPrepared } from "./prepared.server";

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export class InvalidShopError extends Error {
  constructor(shop: string) {
    super(`Not a shop domain: ${JSON.stringify(shop.slice(0, 100))}`);
    this.name = "InvalidShopError";
  }
}

export const isShopDomain = (shop: string): boolean => shop.length <= 255 && SHOP_DOMAIN.test(shop);

export function assertShopDomain(shop: string): string {
  if (!isShopDomain(shop)) throw new InvalidShopError(shop);
  return shop;
}

/**
 * How long one statement may run, and wait for a lock, inside a transaction.
 * Set per transaction here, not with `ALTER ROLE app_tenant SET …`: a role's
 * defaults apply only to a session that logs in as it, never after SET ROLE or
 * set_config('role', …) (checked on PostgreSQL 15), and the app logs in as the
 * tables' owner. PGlite accepts the settings but has no timer to enforce them.
 */
export interface QueryLimits {
  statementTimeoutMs: number;
  lockTimeoutMs: number;
}

/**
 * A merchant's page: its queries take milliseconds (`npm run bench:reports`), so
 * one that runs for seconds is pathological and must fail fast (a 503 with a
 * message, app/db/query-limits.server.ts) rather than hold a pooled connection.
 */
export const REQUEST_LIMITS: QueryLimits = { statementTimeoutMs: 3000, lockTimeoutMs: 1000 };

export interface ShopTransactionOptions {
  /** Unset: no limit (jobs: a bulk finalize of a million orders runs for minutes). */
  limits?: QueryLimits;
}

export async function withShop<T>(shop: string, fn: (tx: Tx) => Promise<T>, options: ShopTransactionOptions = {}): Promise<T> {
  assertShopDomain(shop);
  const database = await getDatabase();
  const { limits } = options;
  // One round trip: set_config('role', …, true) is SET LOCAL ROLE (the same
  // membership check), and every transaction of the app pays this preamble;
  // the limits ride in the same statement, transaction-local too.
  const preamble = sql`select set_config('role', 'app_tenant', true), set_config('app.shop_id', ${shop}, true)${limits
    ? sql`, set_config('statement_timeout', ${`${Math.round(limits.statementTimeoutMs)}ms`}, true),
        set_config('lock_timeout', ${`${Math.round(limits.lockTimeoutMs)}ms`}, true)`
    : sql``}`;
  return database.db.transaction((tx) => runAfterPreamble(tx, preamble, database.prepares, fn));
}

export async function asSystem<T>(reason: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!reason.trim()) throw new Error("asSystem needs a reason");
  const database = await getDatabase();
  const preamble = sql`select set_config('role', 'app_system', true), set_config('app.system_reason', ${reason}, true)`;
  return database.db.transaction((tx) => runAfterPreamble(tx, preamble, database.prepares, fn));
}

/**
 * The preamble, then fn. On PostgreSQL (prepares on) the preamble is a prepared
 * statement sent without waiting for its answer: fn's first statement follows it on
 * the same connection, where PostgreSQL runs them in order, so it already runs as the
 * role; the transaction saves the preamble's round trips (two, unprepared: see
 * prepared.server.ts), on every transaction of the app. A preamble that fails is the
 * error reported (fn's statements then fail only as "transaction aborted").
 */
async function runAfterPreamble<T>(tx: Tx, preamble: SQL, prepares: boolean, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const sent = sendPrepared(tx, preamble, prepares);
  if (!sent) {
    await tx.execute(preamble);
    return fn(tx);
  }
  sent.catch(() => {}); // observed below, after fn
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    await sent;
    throw error;
  }
  await sent;
  return result;
}
