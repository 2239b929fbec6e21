import { randomBytes } from "node:crypto";

import { Session } from "@shopify/shopify-app-remix/server";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";

import { sessions } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { keyStatus, rewrapRow, rewrapSessions, verifySessions, type RowFailure } from "~/security/key-rotation.server";
import { createKeyProvider, setKeyProvider, type KeyProvider } from "~/security/keyring.server";
import { createSessionStorage } from "~/security/session-storage.server";

import { newShop } from "../factories";
import { expectErrorLogs } from "../setup/error-logs";

// On real Postgres every test file of a run shares one database, so other files'
// sessions (sealed with the env keys) sit in the same table. Each test therefore uses
// fresh random keys, counts only its own shops, and deletes its rows afterwards.
// Rows this file's keyrings cannot open show up as failures, so failure lists are
// filtered to our shops.

interface Key {
  kid: string;
  key: string;
}
const newKey = (label: string): Key => ({ kid: `${label}-${randomBytes(4).toString("hex")}`, key: randomBytes(32).toString("base64") });
const ring = (primary: Key, ...keys: Key[]): KeyProvider =>
  createKeyProvider(Object.fromEntries([primary, ...keys].map((k) => [k.kid, k.key])), primary.kid);

const ours = new Set<string>();
const plaintexts = new Set<string>();

afterEach(async () => {
  setKeyProvider(createKeyProvider(JSON.parse(process.env.TOKEN_KEYS!), process.env.TOKEN_PRIMARY_KID!));
  // As app_system, as rotation itself: sessions have forced row level security.
  if (ours.size > 0) await asSystem("test", (tx) => tx.delete(sessions).where(inArray(sessions.shopId, [...ours])));
  ours.clear();
  vi.restoreAllMocks();
});

/** An expiring offline session; a later `version` is a refresh (later expiry, new tokens). */
function offline(shop: string, version = 0): Session {
  const tag = `${version}-${randomBytes(6).toString("hex")}`;
  const session = new Session({
    id: `offline_${shop}`,
    shop,
    state: "",
    isOnline: false,
    scope: "read_orders",
    expires: new Date(Date.now() + 3_600_000 + version * 60_000),
    accessToken: `plain-access-${tag}`,
    refreshToken: `plain-refresh-${tag}`,
    refreshTokenExpires: new Date(Date.now() + 30 * 86_400_000),
  });
  plaintexts.add(session.accessToken!).add(session.refreshToken!);
  return session;
}

async function seedShops(n: number): Promise<Map<string, Session>> {
  const storage = createSessionStorage();
  const seeded = new Map<string, Session>();
  for (let i = 0; i < n; i++) {
    const shop = newShop("rot");
    ours.add(shop);
    const session = offline(shop);
    await storage.storeSession(session);
    seeded.set(shop, session);
  }
  return seeded;
}

async function rowsOf(shops: Iterable<string>) {
  return asSystem("test", (tx) => tx.select().from(sessions).where(inArray(sessions.shopId, [...shops])));
}

async function expectAllOn(kid: string, shopList: Iterable<string>) {
  const shops = [...shopList];
  const rows = await rowsOf(shops);
  expect(rows.length).toBe(shops.length);
  for (const row of rows) {
    expect(row.tokenKid).toBe(kid);
    expect(row.accessToken.startsWith(`v1:${kid}:`)).toBe(true);
    expect(row.refreshToken?.startsWith(`v1:${kid}:`)).toBe(true);
  }
}

async function expectLoads(expected: Map<string, Session>) {
  const storage = createSessionStorage();
  for (const [shop, session] of expected) {
    const loaded = await storage.loadSession(`offline_${shop}`);
    expect(loaded, shop).toBeDefined();
    expect(loaded!.accessToken).toBe(session.accessToken);
    expect(loaded!.refreshToken).toBe(session.refreshToken);
    expect(loaded!.expires?.getTime()).toBe(session.expires?.getTime());
  }
}

const mine = (failures: RowFailure[]) => failures.filter((f) => ours.has(f.shop));

describe("session token key rotation", () => {
  it("adds a key, makes it primary, rewraps, verifies and retires the old key", async () => {
    const a = newKey("a");
    const b = newKey("b");
    setKeyProvider(ring(a));
    const seeded = await seedShops(5);
    await expectAllOn(a.kid, seeded.keys());

    // Step 1: B joins decrypt-only. Nothing changes for existing rows.
    setKeyProvider(ring(a, b));
    await expectLoads(seeded);
    const before = await verifySessions();
    expect(mine(before.failed)).toEqual([]);
    expect(before).toMatchObject({ ok: 5, notPrimary: 0 });

    // Step 2: B becomes primary; the rows are still on A.
    setKeyProvider(ring(b, a));
    const status = await keyStatus();
    expect(status.primaryKid).toBe(b.kid);
    expect(status.keyIds.sort()).toEqual([a.kid, b.kid].sort());
    expect(status.rowsByKid[a.kid]).toBe(5);
    expect(status.rowsByKid[b.kid]).toBeUndefined();
    expect((await verifySessions()).notPrimary).toBe(5);

    // Step 3: rewrap and verify.
    const progress: number[] = [];
    const result = await rewrapSessions({ batchSize: 2, onProgress: (p) => void progress.push(p.rewrapped) });
    expect(result).toMatchObject({ rewrapped: 5, skipped: 0 });
    expect(mine(result.failures)).toEqual([]);
    expect(result.failed).toBe(result.failures.length);
    expect(progress.at(-1)).toBe(5);
    const after = await keyStatus();
    expect(after.rowsByKid[b.kid]).toBe(5);
    expect(after.rowsByKid[a.kid]).toBeUndefined();
    await expectAllOn(b.kid, seeded.keys());
    const verified = await verifySessions();
    expect(mine(verified.failed)).toEqual([]);
    expect(verified).toMatchObject({ ok: 5, notPrimary: 0 });

    // Step 4: retire A. Every session still opens, with the same tokens.
    setKeyProvider(ring(b));
    await expectLoads(seeded);
    expect((await rewrapSessions()).rewrapped).toBe(0);
  });

  it("never rolls back a refresh that lands while the rewrap runs", async () => {
    const a = newKey("a");
    const b = newKey("b");
    setKeyProvider(ring(a));
    const seeded = await seedShops(12);
    setKeyProvider(ring(b, a));

    const storage = createSessionStorage();
    const refreshedShops = [...seeded.keys()].filter((_, i) => i % 2 === 0);
    const latest = new Map(seeded);
    const refreshLoop = async (shop: string) => {
      for (let version = 1; version <= 5; version++) {
        const session = offline(shop, version);
        await storage.storeSession(session);
        latest.set(shop, session);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const [result] = await Promise.all([rewrapSessions({ batchSize: 2 }), ...refreshedShops.map(refreshLoop)]);

    expect(mine(result.failures)).toEqual([]);
    expect(result.rewrapped + result.skipped).toBeLessThanOrEqual(12);
    await expectAllOn(b.kid, seeded.keys());
    await expectLoads(latest);
    for (const shop of refreshedShops) expect(latest.get(shop)).not.toBe(seeded.get(shop));
  });

  it("skips a row a refresh resealed under it, and retries one a stale instance wrote with the old key", async () => {
    const a = newKey("a");
    const b = newKey("b");
    setKeyProvider(ring(a));
    const seeded = await seedShops(2);
    const [fresh, stale] = [...seeded.keys()] as [string, string];
    const read = async (shop: string) => (await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, shop))))[0]!;
    const snapshots = { fresh: await read(fresh), stale: await read(stale) };
    const latest = new Map<string, Session>();

    // Refreshed by an up-to-date instance (primary B) after the rewrap read the row.
    setKeyProvider(ring(b, a));
    latest.set(fresh, offline(fresh, 1));
    await createSessionStorage().storeSession(latest.get(fresh)!);
    // Refreshed by an instance still deployed with primary A.
    setKeyProvider(ring(a, b));
    latest.set(stale, offline(stale, 1));
    await createSessionStorage().storeSession(latest.get(stale)!);

    const provider = ring(b, a);
    setKeyProvider(provider);
    expect(await asSystem("test", (tx) => rewrapRow(tx, provider, snapshots.fresh))).toBe("skipped");
    expect(await asSystem("test", (tx) => rewrapRow(tx, provider, snapshots.stale))).toBe("rewrapped");
    await expectAllOn(b.kid, [fresh, stale]);
    await expectLoads(latest);
  });

  it("resumes after a crash between batches without redoing finished rows", async () => {
    const a = newKey("a");
    const b = newKey("b");
    setKeyProvider(ring(a));
    const seeded = await seedShops(7);
    setKeyProvider(ring(b, a));

    // Crash after the first batch that did some of our rows (on shared Postgres, a
    // batch may hold only other files' rows, which this keyring cannot open).
    let firstRun = 0;
    const crash = rewrapSessions({
      batchSize: 3,
      onProgress: (p) => {
        firstRun = p.rewrapped;
        if (firstRun > 0) throw new Error("simulated crash");
      },
    });
    await expect(crash).rejects.toThrow("simulated crash");
    expect(firstRun).toBeGreaterThan(0);
    const midway = await rowsOf(seeded.keys());
    const done = midway.filter((r) => r.tokenKid === b.kid);
    expect(done.length).toBe(firstRun);
    expect(midway.filter((r) => r.tokenKid === a.kid).length).toBe(7 - firstRun);

    const rerun = await rewrapSessions({ batchSize: 3 });
    expect(mine(rerun.failures)).toEqual([]);
    expect(rerun).toMatchObject({ rewrapped: 7 - firstRun, skipped: 0 });
    // Rows finished before the crash were not touched again.
    const final = new Map((await rowsOf(seeded.keys())).map((r) => [r.id, r]));
    for (const row of done) expect(final.get(row.id)?.accessToken).toBe(row.accessToken);
    await expectAllOn(b.kid, seeded.keys());
    setKeyProvider(ring(b));
    await expectLoads(seeded);
  });

  it("reports a tampered row by id and shop, carries on with the others, and leaks no token material", async () => {
    // Opening the tampered row is refused, and the storage says so at error level.
    expectErrorLogs(/session could not be opened/);
    const a = newKey("a");
    const b = newKey("b");
    setKeyProvider(ring(a));
    const seeded = await seedShops(4);
    const shops = [...seeded.keys()];
    const victim = shops[1]!;
    const [original] = await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, victim)));
    // Flip one ciphertext character, as someone with write access to the table could.
    const at = original!.accessToken.lastIndexOf(":") + 5;
    const flipped = original!.accessToken[at] === "A" ? "B" : "A";
    const tampered = original!.accessToken.slice(0, at) + flipped + original!.accessToken.slice(at + 1);
    await asSystem("test", (tx) => tx.update(sessions).set({ accessToken: tampered }).where(eq(sessions.shopId, victim)));
    const sealedBefore = (await rowsOf(shops)).flatMap((r) => [r.accessToken, r.refreshToken!]);

    const output: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      output.push(String(chunk));
      return write(chunk, ...(rest as []));
    });

    setKeyProvider(ring(b, a));
    const verified = await verifySessions();
    const expected = { id: `offline_${victim}`, shop: victim, reason: expect.stringMatching(/^access_token: sealed value failed authentication/) };
    expect(mine(verified.failed)).toEqual([expected]);
    expect(verified.ok).toBe(3);

    const result = await rewrapSessions({ batchSize: 1 });
    expect(result.rewrapped).toBe(3);
    expect(mine(result.failures)).toEqual([expected]);
    expect(result.failed).toBe(result.failures.length);
    await expectAllOn(b.kid, shops.filter((s) => s !== victim));
    const [victimRow] = await rowsOf([victim]);
    expect(victimRow).toMatchObject({ tokenKid: a.kid, accessToken: tampered });

    expect(await createSessionStorage().loadSession(`offline_${victim}`)).toBeUndefined();
    seeded.delete(victim);
    await expectLoads(seeded);

    const sealedAfter = (await rowsOf(shops)).flatMap((r) => [r.accessToken, r.refreshToken!]);
    const reported = JSON.stringify({ verified, result, output });
    expect(reported).not.toMatch(/v1:[a-z0-9-]{1,32}:[A-Za-z0-9_-]{16}:/);
    for (const secret of [...plaintexts, ...sealedBefore, ...sealedAfter]) expect(reported).not.toContain(secret);
  });
});
