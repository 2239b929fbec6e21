/**
 * Admin GraphQL for background work (sync jobs), with Shopify's rate limits
 * honoured rather than hit:
 *  - THROTTLED errors wait for the leaky bucket to refill enough for the query's
 *    requested cost (extensions.cost.throttleStatus), then retry;
 *  - 429 and 5xx (and dropped connections) back off exponentially with full
 *    jitter, honouring Retry-After;
 *  - attempts are bounded; after that the caller gets an AdminApiError that says
 *    what happened, never a hang;
 *  - a wait longer than a moment (Retry-After: 3600, an empty bucket) is not slept
 *    in a worker slot: RetryLaterError hands it to the queue, which reschedules the
 *    job for then (capped) and runs other shops' jobs meanwhile.
 * The offline session comes from offlineSession (Shopify's library refreshing
 * expiring tokens, one refresh per shop at a time); we send the request ourselves
 * to see status codes and cost extensions.
 */
import { setTimeout as sleep } from "node:timers/promises";

import type { Session } from "@shopify/shopify-app-remix/server";

import { RetryLaterError } from "~/jobs/handlers.server";
import { offlineSession } from "./offline-session.server";
import { apiVersion } from "~/shopify.server";
import { log } from "~/log.server";

export class AdminApiError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = "AdminApiError";
  }
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphqlBody<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { cost?: { requestedQueryCost: number; throttleStatus: ThrottleStatus } };
}

export interface AdminApiOptions {
  /** Failures (HTTP 429/5xx, network) before giving up. THROTTLED is flow control, not a failure. */
  maxAttempts?: number;
  /** The longest a call may wait for Shopify's bucket in total. */
  maxThrottleWaitMs?: number;
  /** First backoff step in ms (tests shorten it). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest single wait slept in place; a longer one throws RetryLaterError. */
  maxInPlaceWaitMs?: number;
  /**
   * The offline session to call with, when the caller already loaded it (a live
   * order re-read loads it beside the shop row, not after it). Default: offlineSession.
   */
  session?: Session;
}

const defaults: Required<Omit<AdminApiOptions, "session">> = { maxAttempts: 6, maxThrottleWaitMs: 300_000, baseDelayMs: 500, maxDelayMs: 30_000, maxInPlaceWaitMs: 2_000 };

/** Sleeps a short wait; a long one goes back to the queue. */
type Settings = typeof defaults;

async function waitOrDefer(waitMs: number, o: Settings, why: string): Promise<void> {
  if (waitMs > o.maxInPlaceWaitMs) throw new RetryLaterError(waitMs, `${why}; retrying in ${Math.ceil(waitMs / 1000)} s`);
  await sleep(waitMs);
}

const backoff = (attempt: number, o: Settings) =>
  Math.random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** attempt);

export async function adminGraphql<T>(
  shop: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: AdminApiOptions = {},
): Promise<T> {
  const { session: given, ...rest } = options;
  const o = { ...defaults, ...rest };
  const session = given ?? (await offlineSession(shop));
  const url = `https://${shop}/admin/api/${apiVersion}/graphql.json`;
  let lastProblem = "";
  let throttledFor = 0;

  for (let attempt = 0; attempt < o.maxAttempts; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": session.accessToken ?? "" },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      lastProblem = `network: ${(error as Error).message}`;
      await waitOrDefer(backoff(attempt, o), o, `Admin API unreachable for ${shop}`);
      continue;
    }

    if (response.status === 429 || response.status >= 500) {
      lastProblem = `HTTP ${response.status}`;
      const retryAfter = Number(response.headers.get("Retry-After"));
      await waitOrDefer(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoff(attempt, o), o, `Admin API answered HTTP ${response.status} for ${shop}`);
      continue;
    }
    if (!response.ok) {
      throw new AdminApiError(`Admin API answered HTTP ${response.status} for ${shop}`, false);
    }

    const body = (await response.json()) as GraphqlBody<T>;
    const cost = body.extensions?.cost;
    if (body.errors?.some((e) => e.extensions?.code === "THROTTLED")) {
      lastProblem = "THROTTLED";
      const status = cost?.throttleStatus;
      const needed = status ? Math.max(0, (cost?.requestedQueryCost ?? 0) - status.currentlyAvailable) : 0;
      const wait = status && status.restoreRate > 0 ? (needed / status.restoreRate) * 1000 + 100 : backoff(attempt, o);
      const waitMs = Math.min(wait, o.maxDelayMs);
      throttledFor += waitMs;
      if (throttledFor > o.maxThrottleWaitMs) break;
      log.debug({ shop, waitMs: Math.round(waitMs) }, "Admin API throttled; waiting for the bucket");
      await waitOrDefer(wait > o.maxInPlaceWaitMs ? wait : waitMs, o, `Admin API throttled for ${shop}`);
      // Waiting for the bucket is the protocol working, not a failed attempt.
      attempt--;
      continue;
    }
    if (body.errors?.length) {
      throw new AdminApiError(`Admin API rejected the query: ${body.errors.map((e) => e.message).join("; ")}`, false);
    }
    if (!body.data) throw new AdminApiError("Admin API answered without data", true);
    return body.data;
  }
  throw new AdminApiError(`Admin API still failing after ${o.maxAttempts} attempts (${lastProblem})`, true);
}
