/**
 * The keyed audit chain against a database-only attacker: someone with the owner's
 * login (or the app's, which may INSERT) who rewrites rows and recomputes every hash
 * they can — but holds no AUDIT_KEYS key.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { and, asc, eq, gte, sql } from "drizzle-orm";
import { describe, expect, inject, it, vi } from "vitest";

import { getDb, type Tx } from "~/db/client.server";
import { auditEvents } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import "~/jobs/maintenance.server";
import { drainJobs, enqueue } from "~/jobs/queue.server";
import { log } from "~/log.server";
import { createAuditKeyring, getAuditKeyring } from "~/security/audit-key.server";
import { readChainHeads, sealUnkeyedChains, type AuditHead, signAuditHead, verifyAgainstHead } from "~/security/audit-head.server";
import { audit, hashAuditRow, macAuditRow, SYSTEM_CHAIN, verifyAuditChains, type AuditEvent } from "~/security/audit.server";

import { newShop } from "../factories";
import { testEnv } from "../setup/test-env";

const event = (n: number): AuditEvent => ({ action: "settings.updated", actor: { type: "staff", id: "42" }, meta: { n } });

async function writeEvents(shop: string, count: number) {
  for (let i = 1; i <= count; i++) await withShop(shop, (tx) => audit(tx, shop, event(i)));
}

const breaksFor = async (shop: string) =>
  (await asSystem("test: verify", (tx) => verifyAuditChains(tx))).breaks.filter((b) => b.shopId === shop);

type Row = typeof auditEvents.$inferSelect;

/**
 * The attack: delete the chain from `fromSeq` on and write a new suffix whose hashes
 * are all consistent — each row's prevHash is the previous row's hash, each hash is
 * computed by `sign` (plain SHA-256, or an HMAC under a key the attacker made up).
 */
async function rewriteSuffix(q: Tx | Awaited<ReturnType<typeof getDb>>, shop: string, fromSeq: number, sign: (row: Omit<Row, "hash" | "keyId">) => { hash: string; keyId: string | null }) {
  const rows = await q.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(asc(auditEvents.seq));
  await q.delete(auditEvents).where(and(eq(auditEvents.shopId, shop), gte(auditEvents.seq, fromSeq)));
  let prevHash = rows.find((r) => r.seq === fromSeq - 1)?.hash ?? "0".repeat(64);
  for (const original of rows.filter((r) => r.seq >= fromSeq)) {
    const { hash: _h, keyId: _k, ...rest } = original;
    // The attacker's edit: the staff member becomes someone else.
    const forged = { ...rest, actorId: "666", prevHash };
    const signed = sign(forged);
    await q.insert(auditEvents).values({ ...forged, ...signed });
    prevHash = signed.hash;
  }
}

describe("keyed audit chain", () => {
  it("signs every new row with the primary audit key (HMAC, key id stored), not a plain hash", async () => {
    const shop = newShop();
    await writeEvents(shop, 2);
    const rows = await withShop(shop, (tx) => tx.select().from(auditEvents).orderBy(auditEvents.seq));
    const keyring = await getAuditKeyring();
    expect(rows.map((r) => r.keyId)).toEqual(["audit-1", "audit-1"]);
    for (const { hash, keyId, ...rest } of rows) {
      expect(hash).toBe(macAuditRow(keyring, keyId!, rest));
      expect(hash).not.toBe(hashAuditRow(rest));
    }
    expect(await breaksFor(shop)).toEqual([]);
  });

  it("detects a suffix rewritten by the database owner with fresh, consistent unkeyed hashes", async () => {
    const shop = newShop();
    await writeEvents(shop, 5);
    await rewriteSuffix(await getDb(), shop, 3, (row) => ({ hash: hashAuditRow(row), keyId: null }));
    const breaks = await breaksFor(shop);
    expect(breaks.map((b) => b.seq)).toEqual([3, 4, 5]);
    expect(breaks[0]!.reason).toMatch(/unkeyed row after the chain was keyed/);
  });

  it("detects a suffix rewritten with consistent HMACs under a key the attacker made up, labelled as ours", async () => {
    const shop = newShop();
    await writeEvents(shop, 5);
    const forgedKeyring = createAuditKeyring({ "audit-1": randomBytes(32).toString("base64") }, "audit-1");
    await rewriteSuffix(await getDb(), shop, 2, (row) => ({ hash: macAuditRow(forgedKeyring, "audit-1", row)!, keyId: "audit-1" }));
    const breaks = await breaksFor(shop);
    expect(breaks.map((b) => b.seq)).toEqual([2, 3, 4, 5]);
    expect(breaks.every((b) => /does not match its MAC/.test(b.reason))).toBe(true);
  });

  it("detects a whole chain rewritten as unkeyed rows (nothing keyed left to contradict it)", async () => {
    const shop = newShop();
    await writeEvents(shop, 3);
    await rewriteSuffix(await getDb(), shop, 1, (row) => ({ hash: hashAuditRow(row), keyId: null }));
    expect(await breaksFor(shop)).toEqual([{ shopId: shop, seq: 3, reason: expect.stringMatching(/chain ends in unkeyed rows/) }]);
  });

  it("verifies after a key rotation with the retired key kept, and names a key it does not hold", async () => {
    const shop = newShop();
    await writeEvents(shop, 2);
    const rotated = JSON.parse(testEnv.AUDIT_KEYS!) as Record<string, string>;
    const withBoth = createAuditKeyring(rotated, "audit-2");
    const verify = (keyring = withBoth) => asSystem("test", (tx) => verifyAuditChains(tx, keyring)).then((r) => r.breaks.filter((b) => b.shopId === shop));
    expect(await verify()).toEqual([]);
    const newOnly = createAuditKeyring({ "audit-2": rotated["audit-2"]! }, "audit-2");
    expect((await verify(newOnly))[0]!.reason).toMatch(/audit key audit-1, which this verifier does not hold/);
  });

  it("accepts rows from before the chain was keyed once the one-time cut-over seals them, and never seals twice", async () => {
    const shop = newShop("legacy");
    // Rows as the unkeyed chain wrote them (before AUDIT_KEYS), by the owner.
    const owner = await getDb();
    let prevHash = "0".repeat(64);
    for (let seq = 1; seq <= 3; seq++) {
      const row = { shopId: shop, seq, action: "app.installed", actorType: "shopify", actorId: null, target: null, meta: { seq }, ip: null, userAgent: null, createdAt: new Date(), prevHash };
      prevHash = hashAuditRow(row);
      await owner.insert(auditEvents).values({ ...row, hash: prevHash, keyId: null });
    }
    expect((await breaksFor(shop))[0]!.reason).toMatch(/chain ends in unkeyed rows/);
    // Other files share this database on PostgreSQL and may have run the cut-over
    // already: replay it from the start inside a transaction that is rolled back.
    const rolledBack = new Error("rolled back");
    await owner.transaction(async (tx) => {
      await tx.delete(auditEvents).where(and(eq(auditEvents.shopId, SYSTEM_CHAIN), eq(auditEvents.action, "audit.keyed")));
      expect(await sealUnkeyedChains(tx)).toBeGreaterThanOrEqual(1);
      const sealed = await tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(asc(auditEvents.seq));
      expect(sealed.map((r) => [r.seq, r.action, r.keyId])).toEqual([[1, "app.installed", null], [2, "app.installed", null], [3, "app.installed", null], [4, "audit.keyed", "audit-1"]]);
      expect((await verifyAuditChains(tx)).breaks.filter((b) => b.shopId === shop)).toEqual([]);
      // Once done, never again: a chain rewritten into unkeyed rows afterwards stays a break.
      await rewriteSuffix(tx, shop, 1, (row) => ({ hash: hashAuditRow(row), keyId: null }));
      expect(await sealUnkeyedChains(tx)).toBe(0);
      expect((await verifyAuditChains(tx)).breaks.filter((b) => b.shopId === shop)).not.toEqual([]);
      throw rolledBack;
    }).catch((e: unknown) => { if (e !== rolledBack) throw e; });
  });
});

describe("published audit chain head", () => {
  const headOf = (shop: string) => withShop(shop, async (tx) => signAuditHead(await getAuditKeyring(), await readChainHeads(tx)));

  it("detects a chain cut short after the head was published, which the chain alone cannot", async () => {
    const shop = newShop();
    await writeEvents(shop, 4);
    const head = await headOf(shop);
    expect(head.chains).toEqual([{ shopId: shop, seq: 4, hash: expect.any(String) }]);
    const check = () => asSystem("test", (tx) => verifyAgainstHead(tx, head));
    expect(await check()).toEqual([]);
    await (await getDb()).delete(auditEvents).where(and(eq(auditEvents.shopId, shop), gte(auditEvents.seq, 3)));
    expect(await breaksFor(shop)).toEqual([]);
    expect(await check()).toEqual([{ shopId: shop, seq: 4, reason: expect.stringMatching(/missing/) }]);
  });

  it("is written to the log by the daily maintenance job, signed, naming every chain's newest row", async () => {
    const shop = newShop();
    await writeEvents(shop, 2);
    const info = vi.spyOn(log, "info");
    try {
      await enqueue("maintenance.daily", { date: "2024-06-02" }, { key: `audit-head-test:${shop}` });
      await drainJobs({ kinds: ["maintenance.daily"], timeoutMs: 30_000 });
      const logged = info.mock.calls.map(([fields]) => (fields as { auditHead?: AuditHead }).auditHead).filter(Boolean);
      // On PostgreSQL this drain may also run another file's daily job: at least ours.
      expect(logged.length).toBeGreaterThanOrEqual(1);
      const head = logged[logged.length - 1]!;
      const [newest] = await withShop(shop, (tx) => readChainHeads(tx));
      expect(head.chains).toContainEqual(newest);
      expect(await asSystem("test", (tx) => verifyAgainstHead(tx, head))).toEqual([]);
    } finally {
      info.mockRestore();
    }
  });

  it("refuses a head whose MAC does not match (a forged head cannot vouch for a rewrite)", async () => {
    const shop = newShop();
    await writeEvents(shop, 2);
    const head = await headOf(shop);
    const forged = { ...head, chains: head.chains.map((c) => ({ ...c, seq: 1 })) };
    const breaks = await asSystem("test", (tx) => verifyAgainstHead(tx, forged));
    expect(breaks).toEqual([{ shopId: "(head)", seq: 0, reason: expect.stringMatching(/MAC does not match/) }]);
  });
});

const provided = inject("database");

describe.runIf(provided.driver === "postgres")("npm run audit:verify", () => {
  it("exits 1 naming a rewritten suffix and a chain cut short since the published head", async () => {
    if (provided.driver !== "postgres") return;
    const rewritten = newShop("rewritten");
    const cut = newShop("cut");
    await writeEvents(rewritten, 3);
    await writeEvents(cut, 3);
    const head = await withShop(cut, async (tx) => signAuditHead(await getAuditKeyring(), await readChainHeads(tx)));
    const headFile = path.join(mkdtempSync(path.join(tmpdir(), "audit-head-")), "head.json");
    writeFileSync(headFile, JSON.stringify({ level: 30, msg: "audit chain head", auditHead: head }));
    await rewriteSuffix(await getDb(), rewritten, 2, (row) => ({ hash: hashAuditRow(row), keyId: null }));
    await (await getDb()).execute(sql`delete from audit_events where shop_id = ${cut} and seq = 3`);
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["app/cli/audit.ts", "verify", "--head", headFile], {
      env: { ...process.env, ...testEnv, DATABASE_URL: provided.appUrl, DATABASE_POOL_MODE: provided.poolMode, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(output).toContain(`${rewritten} #2: unkeyed row after the chain was keyed`);
    expect(output).toContain(`${cut} #3: the published head's row is missing`);
  });
});
