import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";

import { getDb } from "~/db/client.server";
import { auditEvents } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { audit, pruneAudit, verifyAuditChains, type AuditEvent } from "~/security/audit.server";

import { expectDbError } from "../expect-db-error";
import { newShop } from "../factories";

const event = (n: number): AuditEvent => ({
  action: "app.scopes_updated",
  actor: { type: "staff", id: "42" },
  meta: { n, note: "comma, \"quote\"" },
  origin: { ip: "203.0.113.7", userAgent: "Mozilla/5.0" },
});

async function writeEvents(shop: string, count: number) {
  for (let i = 1; i <= count; i++) await withShop(shop, (tx) => audit(tx, shop, event(i)));
}

const breaksFor = async (shop: string) =>
  (await asSystem("test: verify", (tx) => verifyAuditChains(tx))).breaks.filter((b) => b.shopId === shop);

afterEach(() => {
  vi.useRealTimers();
});

describe("audit log", () => {
  it("chains each shop's events and verifies them", async () => {
    const shop = newShop();
    await writeEvents(shop, 4);
    const rows = await withShop(shop, (tx) => tx.select().from(auditEvents).orderBy(auditEvents.seq));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(await breaksFor(shop)).toEqual([]);
  });

  it("keeps one contiguous chain under concurrent writers", async () => {
    const shop = newShop();
    await Promise.all(Array.from({ length: 12 }, (_, i) => withShop(shop, (tx) => audit(tx, shop, event(i)))));
    const rows = await withShop(shop, (tx) => tx.select().from(auditEvents));
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await breaksFor(shop)).toEqual([]);
  });

  it("writes in the caller's transaction: a rolled-back action leaves no event", async () => {
    const shop = newShop();
    await withShop(shop, async (tx) => {
      await audit(tx, shop, event(1));
      throw new Error("the action failed");
    }).catch(() => undefined);
    expect(await withShop(shop, (tx) => tx.select().from(auditEvents))).toEqual([]);
  });

  it("refuses UPDATE and DELETE to both app roles", async () => {
    const shop = newShop();
    await writeEvents(shop, 1);
    await expectDbError(withShop(shop, (tx) => tx.update(auditEvents).set({ action: "app.installed" })), /permission denied/);
    await expectDbError(withShop(shop, (tx) => tx.delete(auditEvents)), /permission denied/);
    await expectDbError(asSystem("test", (tx) => tx.update(auditEvents).set({ ip: null }).where(eq(auditEvents.shopId, shop))), /permission denied/);
    await expectDbError(asSystem("test", (tx) => tx.delete(auditEvents).where(eq(auditEvents.shopId, shop))), /permission denied/);
    await expectDbError(asSystem("test", (tx) => tx.execute(sql`truncate audit_events`)), /permission denied/);
  });

  it("shows a shop only its own events", async () => {
    const a = newShop("a");
    const b = newShop("b");
    await writeEvents(a, 2);
    await writeEvents(b, 3);
    const seenByA = await withShop(a, (tx) => tx.select({ shopId: auditEvents.shopId }).from(auditEvents));
    expect(new Set(seenByA.map((r) => r.shopId))).toEqual(new Set([a]));
    await expectDbError(withShop(a, (tx) => audit(tx, b, event(1))), /row-level security/);
  });

  it("detects a row edited by the database owner", async () => {
    const shop = newShop();
    await writeEvents(shop, 3);
    // The owner (the migration login) can still write; that is what tamper evidence is for.
    await (await getDb()).update(auditEvents).set({ ip: "198.51.100.1" }).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.seq, 2)));
    expect(await breaksFor(shop)).toEqual([{ shopId: shop, seq: 2, reason: expect.stringMatching(/row content does not match its MAC/) }]);
  });

  it("detects a row deleted by the database owner", async () => {
    const shop = newShop();
    await writeEvents(shop, 3);
    await (await getDb()).delete(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.seq, 2)));
    const breaks = await breaksFor(shop);
    expect(breaks).toHaveLength(1);
    expect(breaks[0]).toMatchObject({ seq: 3, reason: expect.stringMatching(/missing/) });
  });

  it("prunes past retention and the chain still verifies, then continues", async () => {
    const shop = newShop();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-01-10T00:00:00Z"));
    await writeEvents(shop, 3);
    vi.setSystemTime(new Date("2026-06-10T00:00:00Z"));
    await writeEvents(shop, 2);
    vi.useRealTimers();
    const pruned = await asSystem("test: retention", (tx) => pruneAudit(tx, new Date("2025-06-10T00:00:00Z")));
    expect(pruned).toBeGreaterThanOrEqual(3);
    const left = await withShop(shop, (tx) => tx.select().from(auditEvents).orderBy(auditEvents.seq));
    expect(left.map((r) => r.seq)).toEqual([4, 5]);
    expect(await breaksFor(shop)).toEqual([]);
    await writeEvents(shop, 1);
    expect(await breaksFor(shop)).toEqual([]);
  });
});
