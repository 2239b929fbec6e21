import { and, eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";

import { queryRows } from "~/db/client.server";
import { auditEvents, jobs, stagedAgreements, stagedOrders, syncRuns, webhookDeliveries } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { scheduleDailyMaintenance } from "~/jobs/maintenance.server";
import { drainJobs, enqueue, pruneFinishedJobs } from "~/jobs/queue.server";
import { discardAbandonedStaging, pruneWebhookDeliveries } from "~/jobs/retention.server";
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

describe("retention in batches (daily maintenance)", () => {
  const runDaily = async (date: string, key: string) => {
    await enqueue("maintenance.daily", { date }, { key });
    await drainJobs({ kinds: ["maintenance.daily"], timeoutMs: 30_000 });
  };

  it("deletes webhook deliveries past 7 days in batches, keeps younger ones (the dedupe still needs them)", async () => {
    const shop = newShop("whret");
    const at = (iso: string) => new Date(iso);
    await withShop(shop, (tx) => tx.insert(webhookDeliveries).values([
      ...Array.from({ length: 5 }, (_, i) => ({ shopId: shop, webhookId: `old-${i}`, topic: "ORDERS_UPDATED", receivedAt: at("2024-05-01T00:00:00Z") })),
      { shopId: shop, webhookId: "edge", topic: "ORDERS_UPDATED", receivedAt: at("2024-05-25T03:00:00Z") },
      { shopId: shop, webhookId: "young", topic: "ORDERS_UPDATED", receivedAt: at("2024-05-31T00:00:00Z") },
    ]));
    const pruned = await pruneWebhookDeliveries(at("2024-06-01T03:00:00Z"), 2);
    expect(pruned.rows).toBeGreaterThanOrEqual(5);
    expect(pruned.batches).toBeGreaterThanOrEqual(3);
    const left = await withShop(shop, (tx) => tx.select({ id: webhookDeliveries.webhookId }).from(webhookDeliveries).where(eq(webhookDeliveries.shopId, shop)));
    expect(left.map((r) => r.id).sort()).toEqual(["edge", "young"]);
    // Through the daily job too: a run for 2024-06-08 removes what 2024-06-01 kept.
    await runDaily("2024-06-08", `maintenance-test:${shop}`);
    expect(await withShop(shop, (tx) => tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.shopId, shop)))).toEqual([]);
  });

  it("deletes finished jobs past their retention in batches, never pending, running or recent ones", async () => {
    const shop = newShop("jobret");
    const row = (status: "pending" | "running" | "succeeded" | "failed", finishedAt: string | null, i: number) =>
      // Due and leased far ahead: no other file's worker may claim them meanwhile.
      ({ kind: "test.retention", payload: { i }, shopId: shop, status, maxAttempts: 1, finishedAt: finishedAt ? new Date(finishedAt) : null,
        runAt: new Date("2100-01-01T00:00:00Z"), lockedUntil: status === "running" ? new Date("2100-01-01T00:00:00Z") : null });
    await asSystem("test", (tx) => tx.insert(jobs).values([
      ...Array.from({ length: 5 }, (_, i) => row("succeeded", "2024-05-20T00:00:00Z", i)), // > 7 days before 06-01
      row("succeeded", "2024-05-28T00:00:00Z", 10), // younger than 7 days
      row("failed", "2024-05-20T00:00:00Z", 11), // failed are kept 30 days
      row("failed", "2024-04-01T00:00:00Z", 12),
      row("pending", null, 13),
      row("running", null, 14),
    ]));
    const deleted = await pruneFinishedJobs(new Date("2024-06-01T03:00:00Z"), 2);
    expect(deleted).toBeGreaterThanOrEqual(6);
    const left = await asSystem("test", (tx) => tx.select({ payload: jobs.payload }).from(jobs).where(eq(jobs.shopId, shop)));
    expect(left.map((j) => (j.payload as { i: number }).i).sort((a, b) => a - b)).toEqual([10, 11, 13, 14]);
  });

  it("discards staged rows of failed and long-completed runs, never of a run still ingesting", async () => {
    const shop = newShop("stgret");
    const staged = (runId: string, n: number) => withShop(shop, async (tx) => {
      await tx.insert(stagedOrders).values(Array.from({ length: n }, (_, i) => ({
        shopId: shop, runId, orderId: i + 1, createdAt: new Date(), sourceUpdatedAt: new Date(), test: false, currencyCode: "EUR" })));
      await tx.insert(stagedAgreements).values(Array.from({ length: n }, (_, i) => ({
        shopId: shop, runId, agreementId: i + 1, orderId: i + 1, happenedAt: new Date(), reason: "ORDER" })));
    });
    const old = new Date(Date.now() - 3 * 24 * 60 * 60_000);
    await withShop(shop, (tx) => tx.insert(syncRuns).values([
      { shopId: shop, runId: "failed", kind: "orders", status: "failed", finishedAt: new Date() },
      { shopId: shop, runId: "done-long-ago", kind: "orders", status: "completed", finishedAt: old },
      { shopId: shop, runId: "done-just-now", kind: "orders", status: "completed", finishedAt: new Date() },
      { shopId: shop, runId: "ingesting", kind: "orders", status: "ingesting" },
    ]));
    for (const run of ["failed", "done-long-ago", "done-just-now", "ingesting"]) await staged(run, 5);

    const result = await discardAbandonedStaging(2);
    expect(result.runs).toBeGreaterThanOrEqual(2);
    const left = await withShop(shop, async (tx) => ({
      orders: (await tx.select({ run: stagedOrders.runId }).from(stagedOrders)).map((r) => r.run),
      agreements: (await tx.select({ run: stagedAgreements.runId }).from(stagedAgreements)).map((r) => r.run),
    }));
    expect([...new Set(left.orders)].sort()).toEqual(["done-just-now", "ingesting"]);
    expect([...new Set(left.agreements)].sort()).toEqual(["done-just-now", "ingesting"]);
    expect(left.orders).toHaveLength(10);
  });

  it("audit_prune finds old events through an index on created_at, not a scan of every chain", async () => {
    const plan = await asSystem("test: plan", async (tx) => {
      // With sequential scans priced out, the planner still picks one if no index fits.
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ "QUERY PLAN": string }>(tx, sql`explain
        select distinct on (shop_id) shop_id, seq, hash from audit_events where created_at < now() - interval '12 months' order by shop_id, seq desc`);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("audit_events_created_idx");
    expect(plan).not.toMatch(/Seq Scan on audit_events/);
  });
});
