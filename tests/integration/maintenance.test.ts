import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";

import { queryRows } from "~/db/client.server";
import { auditEvents, jobs } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { scheduleDailyMaintenance } from "~/jobs/maintenance.server";
import { drainJobs, enqueue } from "~/jobs/queue.server";
import { audit, verifyAuditChains } from "~/security/audit.server";

import { newShop } from "../factories";

afterEach(() => vi.useRealTimers());

describe("daily maintenance", () => {
  it("prunes audit events past 12 months, keeps the chain verifiable and schedules the next day", async () => {
    const shop = newShop("maint");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2023-05-01T00:00:00Z"));
    await withShop(shop, (tx) => audit(tx, shop, { action: "app.installed", actor: { type: "shopify" } }));
    vi.useRealTimers();
    await withShop(shop, (tx) => audit(tx, shop, { action: "app.scopes_updated", actor: { type: "shopify" } }));

    // The run for 2024-06-01 drops what is older than 2023-06-01 (other test files'
    // events in this shared database are all younger).
    await enqueue("maintenance.daily", { date: "2024-06-01" }, { key: `maintenance-test:${shop}` });
    await drainJobs({ kinds: ["maintenance.daily"], timeoutMs: 30_000 });

    const left = await withShop(shop, (tx) => tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)));
    expect(left.map((e) => e.action)).toEqual(["app.scopes_updated"]);
    const { breaks } = await asSystem("test", (tx) => verifyAuditChains(tx));
    expect(breaks.filter((b) => b.shopId === shop)).toEqual([]);
    const next = await asSystem("test", (tx) =>
      tx.select().from(jobs).where(and(eq(jobs.kind, "maintenance.daily"), eq(jobs.status, "pending"))));
    expect(next.length).toBeGreaterThanOrEqual(1);
    expect(next.every((j) => j.runAt.getTime() > Date.now())).toBe(true);
  });

  it("is scheduled once per day however many instances ask", async () => {
    const at = new Date("2031-01-05T10:00:00Z");
    await Promise.all([scheduleDailyMaintenance(at), scheduleDailyMaintenance(at), scheduleDailyMaintenance(at)]);
    const [row] = await asSystem("test", (tx) =>
      queryRows<{ n: number }>(tx, sql`select count(*)::int as n from jobs where kind = 'maintenance.daily' and idempotency_key = 'maintenance:2031-01-06'`));
    expect(row?.n).toBe(1);
  });
});
