import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { rateLimits } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { MAX_WINDOW_SECONDS, policies, rateLimit, type RateLimitPolicy } from "~/security/rate-limit.server";

import { expectDbError } from "../expect-db-error";
import { newShop } from "../factories";

const key = (label = "test") => `test:${randomUUID()}:${label}`;
const noSweep = { random: () => 1 };

/** The thrown 429, or undefined when the call was admitted. */
async function refusal(promise: Promise<void>): Promise<Response | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

const rowsFor = (k: string) => asSystem("test: read counters", (tx) => tx.select().from(rateLimits).where(eq(rateLimits.key, k)));

describe("rateLimit", () => {
  const policy: RateLimitPolicy = { limit: 3, windowSeconds: 60 };

  it("admits calls up to the limit", async () => {
    const k = key();
    for (let i = 0; i < policy.limit; i++) expect(await refusal(rateLimit(k, policy, noSweep))).toBeUndefined();
  });

  it("refuses the call after the limit with a 429, Retry-After and a clear body", async () => {
    const k = key();
    for (let i = 0; i < policy.limit; i++) await rateLimit(k, policy, noSweep);
    const response = await refusal(rateLimit(k, policy, noSweep));
    expect(response?.status).toBe(429);
    const retryAfter = Number(response?.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(policy.windowSeconds);
    expect(response?.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(response?.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await response?.text();
    expect(body).toMatch(/Too many requests: this action is limited to 3 per 1 minute\. Try again in \d+ (second|minute)s?\./);
    expect(body).not.toContain(k);
  });

  it("keeps keys independent", async () => {
    const a = key("a");
    const b = key("b");
    for (let i = 0; i < policy.limit; i++) await rateLimit(a, policy, noSweep);
    expect((await refusal(rateLimit(a, policy, noSweep)))?.status).toBe(429);
    expect(await refusal(rateLimit(b, policy, noSweep))).toBeUndefined();
  });

  it("starts over when the window ends, and says how long is left in it", async () => {
    const k = key();
    const windowStart = Date.UTC(2031, 0, 1, 10, 0, 0);
    const early = new Date(windowStart + 10_000);
    for (let i = 0; i < policy.limit; i++) await rateLimit(k, policy, { ...noSweep, now: early });
    const refused = await refusal(rateLimit(k, policy, { ...noSweep, now: new Date(windowStart + 45_500) }));
    expect(refused?.headers.get("retry-after")).toBe("15");
    // Still the same window one millisecond before its end.
    expect((await refusal(rateLimit(k, policy, { ...noSweep, now: new Date(windowStart + 59_999) })))?.status).toBe(429);
    const next = new Date(windowStart + 60_000);
    for (let i = 0; i < policy.limit; i++) expect(await refusal(rateLimit(k, policy, { ...noSweep, now: next }))).toBeUndefined();
    expect((await refusal(rateLimit(k, policy, { ...noSweep, now: next })))?.status).toBe(429);
  });

  it("admits exactly `limit` of many concurrent calls", async () => {
    const k = key();
    const concurrent = { limit: 5, windowSeconds: 3600 };
    const outcomes = await Promise.all(Array.from({ length: 24 }, () => refusal(rateLimit(k, concurrent, noSweep))));
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(concurrent.limit);
    expect(outcomes.filter((o) => o?.status === 429)).toHaveLength(24 - concurrent.limit);
    const rows = await rowsFor(k);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.count).toBe(24);
  });

  it("sweeps windows that have certainly ended, and only those", async () => {
    const old = key("old");
    const recent = key("recent");
    const now = new Date(Date.UTC(2032, 5, 1, 12, 0, 0));
    await rateLimit(old, policy, { ...noSweep, now: new Date(now.getTime() - (MAX_WINDOW_SECONDS + 120) * 1000) });
    await rateLimit(recent, policy, { ...noSweep, now: new Date(now.getTime() - 3600_000) });
    await rateLimit(key("trigger"), policy, { now, random: () => 0 });
    expect(await rowsFor(old)).toEqual([]);
    expect(await rowsFor(recent)).toHaveLength(1);
  });

  it("refuses a policy it could not sweep or a nonsense limit", async () => {
    await expect(rateLimit(key(), { limit: 1, windowSeconds: MAX_WINDOW_SECONDS + 1 })).rejects.toThrow(/windowSeconds/);
    await expect(rateLimit(key(), { limit: 0, windowSeconds: 60 })).rejects.toThrow(/limit/);
    await expect(rateLimit("", { limit: 1, windowSeconds: 60 })).rejects.toThrow(/key/);
  });

  it("names the policies the app applies", () => {
    expect(policies.export).toEqual({ limit: 10, windowSeconds: 3600 });
    expect(policies.auditExport.limit).toBeGreaterThan(0);
  });
});

describe("rate_limits grants", () => {
  it("is out of reach of the tenant role, and only app_system may count", async () => {
    await expectDbError(withShop(newShop(), (tx) => tx.execute(sql`select * from rate_limits`)), /permission denied/);
    await expectDbError(
      withShop(newShop(), (tx) => tx.execute(sql`delete from rate_limits`)),
      /permission denied/,
    );
    const [grants] = await asSystem("test: grants", (tx) =>
      queryRows<{ s: boolean; i: boolean; u: boolean; d: boolean; t: boolean }>(
        tx,
        sql`select has_table_privilege('app_system', 'rate_limits', 'SELECT') as s,
                   has_table_privilege('app_system', 'rate_limits', 'INSERT') as i,
                   has_table_privilege('app_system', 'rate_limits', 'UPDATE') as u,
                   has_table_privilege('app_system', 'rate_limits', 'DELETE') as d,
                   has_table_privilege('app_system', 'rate_limits', 'TRUNCATE') as t`,
      ),
    );
    expect(grants).toEqual({ s: true, i: true, u: true, d: true, t: false });
  });
});
