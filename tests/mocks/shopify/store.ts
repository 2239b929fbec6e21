/**
 * The in-memory state of one simulated Shopify store. Plain data on purpose: the
 * GraphQL executor reads it with graphql-js's default resolver (property reads, or
 * calls when a property is a function of the field's arguments), so extending the
 * simulator with orders or products means adding data here and a root field in
 * admin-graphql.ts, not writing a resolver map.
 */
import { createHash } from "node:crypto";

/** The Shop object as the Admin API exposes it (only what the simulator knows). */
export interface SimShop {
  /** gid://shopify/Shop/N */
  id: string;
  name: string;
  /** e.g. demo-store.myshopify.com */
  myshopifyDomain: string;
  /** A CurrencyCode enum value; an invalid code fails serialization as it would on Shopify. */
  currencyCode: string;
  ianaTimezone: string;
  /**
   * The simulator holds no personal data, so this can never be set; a query for
   * `shop { email }` fails (null for a non-null field) instead of returning a fake address.
   */
  email?: never;
}

/**
 * Shopify's leaky bucket for one app on one store. `currentlyAvailable` is the
 * level as of `updatedAtMs`; the executor restores it lazily from the clock.
 */
export interface ThrottleBucket {
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
  currentlyAvailable: number;
  updatedAtMs: number;
}

/** A failure the next GraphQL request receives instead of being executed. */
export type GraphqlFault = "throttled" | "http429" | "http500";

export interface SimFaults {
  /** Consumed front first, one per GraphQL request. */
  nextGraphql: GraphqlFault[];
}

export interface SimStore {
  shop: SimShop;
  bucket: ThrottleBucket;
  faults: SimFaults;
  /** Milliseconds clock for throttling; Date.now by default, so vi fake timers apply. */
  now: () => number;
}

export interface CreateSimStoreOptions {
  domain: string;
  name?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  /** Inject a clock instead of relying on fake timers. */
  now?: () => number;
}

/** Standard-plan figures as documented for 2026-10 (2,000 point bucket, 100 points/s). */
export const DEFAULT_BUCKET = { maximumAvailable: 2000, restoreRate: 100 } as const;

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * A stable numeric shop id derived from the domain, so the same seeded store has
 * the same gid in every run (snapshots, fixtures, logs stay comparable).
 */
function shopIdFor(domain: string): number {
  const digest = createHash("sha256").update(domain).digest();
  // 10-11 digits, like real shop ids, and well inside Number.MAX_SAFE_INTEGER.
  return 10_000_000_000 + (digest.readUIntBE(0, 6) % 80_000_000_000);
}

/** "demo-store.myshopify.com" -> "Demo Store" */
function nameFromDomain(domain: string): string {
  const handle = domain.slice(0, -".myshopify.com".length);
  return handle
    .split("-")
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}

export function createSimStore(options: CreateSimStoreOptions): SimStore {
  const domain = options.domain.trim().toLowerCase();
  // The app validates shop domains strictly; a sloppy fixture should fail here, not
  // as a confusing mismatch deep inside an OAuth or webhook test.
  if (!MYSHOPIFY_DOMAIN.test(domain)) throw new Error(`Not a *.myshopify.com domain: ${options.domain}`);

  const now = options.now ?? (() => Date.now());
  return {
    shop: {
      id: `gid://shopify/Shop/${shopIdFor(domain)}`,
      name: options.name ?? nameFromDomain(domain),
      myshopifyDomain: domain,
      currencyCode: options.currencyCode ?? "USD",
      ianaTimezone: options.ianaTimezone ?? "America/New_York",
    },
    bucket: {
      ...DEFAULT_BUCKET,
      currentlyAvailable: DEFAULT_BUCKET.maximumAvailable,
      updatedAtMs: now(),
    },
    faults: { nextGraphql: [] },
    now,
  };
}
