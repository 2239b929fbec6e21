/**
 * Rate limits on costly actions (exports, AI narratives, resyncs) and, later, on
 * unauthenticated doors. Never on validly signed webhooks: Shopify is their only
 * caller and a refused delivery is a lost one (bad signatures are limited per address).
 *
 * Guarantees:
 *  - `rateLimit(key, policy)` returns when the call is admitted and throws a 429
 *    Response (text body, `Retry-After` in whole seconds, at least 1) when it is not.
 *  - Counters live in Postgres (`rate_limits`), so the limit holds across instances
 *    and on PGlite alike. Each call is one atomic upsert: concurrent callers are
 *    serialised by the row lock, so exactly `limit` calls per window are admitted.
 *  - The window is FIXED and aligned to the epoch (a 1 h window runs 10:00-11:00
 *    UTC). Chosen over a sliding window for exactness and a single row per key and
 *    window; the price is that a caller may fit up to 2 × limit calls in a short
 *    span straddling a boundary, which is acceptable for the costs guarded here.
 *  - The database clock decides the window, not the instance's, so instances with
 *    skewed clocks still share windows. Tests may pass `now` instead.
 *  - Refused calls count too: hammering a limited action does not get it sooner.
 *  - Expired windows are swept opportunistically (about 1 call in 100), no timers.
 *    Windows are capped at one day so that the sweep needs no per-key knowledge.
 *
 * Keys name their scope: `shop:<domain>:<action>` (the shop from the session, never
 * the URL) or `ip:<address>:<door>`. They are never echoed to the caller.
 */
import { lt, sql } from "drizzle-orm";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { rateLimits } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { log } from "~/log.server";

import { securityHeaders } from "./headers.server";

export interface RateLimitPolicy {
  /** Calls admitted per window. */
  readonly limit: number;
  /** Window length in seconds, at most MAX_WINDOW_SECONDS. */
  readonly windowSeconds: number;
}

/** Every limit the app applies, in one place. */
export const policies = {
  /** Report exports (CSV/PDF). */
  export: { limit: 10, windowSeconds: 3600 },
  /** "Export all my data" (the whole store's archive). */
  dataExport: { limit: 3, windowSeconds: 3600 },
  /** "Delete my data now": the erase is queued once anyway; more is a mistake or abuse. */
  dataErase: { limit: 2, windowSeconds: 3600 },
  /** Activity (audit log) CSV exports: each one is itself audited. */
  auditExport: { limit: 10, windowSeconds: 3600 },
  /** "Retry sync": each one starts Shopify bulk operations. */
  resync: { limit: 3, windowSeconds: 3600 },
  /** "Generate"/"Regenerate narrative": each one may be a paid model call (the daily cap is separate). */
  narrate: { limit: 5, windowSeconds: 60 },
  /** Webhook deliveries with a bad signature, per source address (good ones are never limited). */
  webhookBadSignature: { limit: 10, windowSeconds: 60 },
  /** "Save report": each one builds and stores a snapshot. */
  saveReport: { limit: 30, windowSeconds: 3600 },
  /** Deleting a saved report (owner only), per shop: one per confirmed click. */
  deleteReport: { limit: 30, windowSeconds: 600 },
  /** The public trust pages (/trust, /.well-known/security.txt), per source address: open doors that read a file. */
  publicPage: { limit: 100, windowSeconds: 900 },
  /** /auth/login, per source address: an open door that only redirects to Shopify. */
  login: { limit: 30, windowSeconds: 60 },
  /** Cost edits on the Costs page: each one queues a re-cost of the sales it covers. */
  costEdit: { limit: 60, windowSeconds: 3600 },
  /** Cost CSV previews and imports: each one reads up to 8 MB and checks it against the catalogue. */
  costImport: { limit: 20, windowSeconds: 3600 },
  /** Session tokens Shopify signed but would not exchange (uninstalled shop, foreign dest), per shop and per source. */
  failedTokenExchange: { limit: 5, windowSeconds: 600 },
  /** Expenses page saves and deletes (fee rates, shipping rules, custom costs), per shop: one per click. */
  expenseChange: { limit: 60, windowSeconds: 600 },
  /** The admin blocks' reads (product and order pages), per shop: each page view asks once, so a busy store with several staff stays well inside it; a loop does not. */
  adminBlock: { limit: 240, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitPolicy>;

export const MAX_WINDOW_SECONDS = 86_400;
const SWEEP_CHANCE = 0.01;

export interface RateLimitOptions {
  /** The clock; defaults to the database's now(). */
  now?: Date;
  /** Source of randomness for the opportunistic sweep (tests force or prevent it). */
  random?: () => number;
}

function assertPolicy({ limit, windowSeconds }: RateLimitPolicy): void {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`rate limit: limit must be a positive integer, got ${limit}`);
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new Error(`rate limit: windowSeconds must be an integer in 1..${MAX_WINDOW_SECONDS}, got ${windowSeconds}`);
  }
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

function describeDuration(seconds: number): string {
  if (seconds % 3600 === 0) return plural(seconds / 3600, "hour");
  if (seconds >= 60) return plural(Math.ceil(seconds / 60), "minute");
  return plural(seconds, "second");
}

function tooManyRequests(policy: RateLimitPolicy, retryAfter: number): Response {
  const body =
    `Too many requests: this action is limited to ${policy.limit} per ${describeDuration(policy.windowSeconds)}. ` +
    `Try again in ${describeDuration(retryAfter)}.`;
  const headers = securityHeaders(
    new Headers({ "Content-Type": "text/plain; charset=utf-8", "Retry-After": String(retryAfter), "Cache-Control": "no-store" }),
  );
  return new Response(body, { status: 429, headers });
}

/** Deletes windows that have certainly ended, whatever their policy. */
async function sweepExpired(now: Date | undefined): Promise<void> {
  const clock = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
  try {
    await asSystem("rate limit sweep", (tx) =>
      tx.delete(rateLimits).where(lt(rateLimits.windowStart, sql`${clock} - make_interval(secs => ${MAX_WINDOW_SECONDS})`)),
    );
  } catch (err) {
    // Housekeeping only: the next sweep will catch up, the caller must not fail.
    log.warn({ err }, "rate limit sweep failed");
  }
}

/**
 * Throws the same 429 as `rateLimit` when `key` has already used its window, without
 * counting a call: for limits on failures, checked before the costly attempt.
 */
export async function assertUnderLimit(key: string, policy: RateLimitPolicy): Promise<void> {
  assertPolicy(policy);
  const window = policy.windowSeconds;
  const [row] = await asSystem("rate limit check", (tx) =>
    queryRows<{ count: number; seconds_left: number }>(
      tx,
      sql`select r.count::int as count, ceil(extract(epoch from r.window_start - now()) + ${window}::int)::int as seconds_left
          from rate_limits r
          where r.key = ${key}
            and r.window_start = to_timestamp((floor(extract(epoch from now()) / ${window}::int) * ${window}::int)::float8)`,
    ),
  );
  if (row && Number(row.count) >= policy.limit) throw tooManyRequests(policy, Math.max(1, Number(row.seconds_left)));
}

/** Counts one call against `key`; throws a 429 Response when over the policy's limit. */
export async function rateLimit(key: string, policy: RateLimitPolicy, options: RateLimitOptions = {}): Promise<void> {
  assertPolicy(policy);
  if (!key || key.length > 512) throw new Error("rate limit: key must be 1-512 characters");
  const clock = options.now ? sql`${options.now.toISOString()}::timestamptz` : sql`now()`;
  const window = policy.windowSeconds;
  const [row] = await asSystem("rate limit", (tx) =>
    queryRows<{ count: number; seconds_left: number }>(
      tx,
      sql`insert into rate_limits as r (key, window_start, count)
          values (${key}, to_timestamp((floor(extract(epoch from ${clock}) / ${window}::int) * ${window}::int)::float8), 1)
          on conflict (key, window_start) do update set count = r.count + 1
          returning r.count::int as count,
                    ceil(extract(epoch from r.window_start - ${clock}) + ${window}::int)::int as seconds_left`,
    ),
  );
  if ((options.random ?? Math.random)() < SWEEP_CHANCE) await sweepExpired(options.now);
  if (!row) throw new Error("rate limit: upsert returned no row");
  if (Number(row.count) > policy.limit) throw tooManyRequests(policy, Math.max(1, Number(row.seconds_left)));
}

/**
 * Deletes every counter that names the shop (shop/redact). A key is ':'-separated
 * (`shop:<domain>:export`, …) and a domain has no ':', so a whole part must equal the
 * domain: a substring match would also hit "xa.myshopify.com" for "a.myshopify.com".
 */
export async function deleteShopRateLimits(tx: Tx, shop: string): Promise<number> {
  return affectedRows(await tx.delete(rateLimits).where(sql`${shop} = any(string_to_array(${rateLimits.key}, ':'))`));
}
