/**
 * Every shop gets its turn: one shop's flood of jobs must not starve another shop's
 * sync, and no shop runs more than its share of jobs at once.
 */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { jobs, syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { claimStatement } from "~/jobs/claim.server";
import { registerJob } from "~/jobs/handlers.server";
import { startWorker, type WorkerHandle } from "~/jobs/queue.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { seedStore } from "../mocks/shopify/seed";

import "~/sync/jobs.server";

const Flood = z.object({ n: z.number().int() }).strict();
declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "test.flood": typeof Flood;
  }
}
registerJob("test.flood", Flood, () => new Promise((resolve) => setTimeout(resolve, 20)));

let worker: WorkerHandle | undefined;
afterEach(async () => {
  await worker?.stop({ timeoutMs: 5_000 });
  worker = undefined;
});

const FLOOD = 2000;

describe("fair claiming", () => {
  it("a shop flooding 2,000 jobs does not hold up another shop's sync, and never runs more than 2 at once", async () => {
    const simulator = startSimulator({ autoCompleteBulk: true });
    const flooder = newShop("flood");
    const quiet = newShop("quiet");
    seedStore(addStore(simulator, quiet), { seed: 5, orders: 100, days: 10, end: new Date("2026-11-20T15:00:00Z") });

    // The flood is older than anything the quiet shop will enqueue.
    await asSystem("test: flood", (tx) =>
      tx.insert(jobs).values(Array.from({ length: FLOOD }, (_, n) => ({
        kind: "test.flood", payload: { n }, shopId: flooder, maxAttempts: 1, runAt: sql`now() - interval '1 minute'`,
      }))));
    await install(simulator, quiet);

    worker = startWorker({ shops: [flooder, quiet], concurrency: 3, pollMs: 10, backoff: { baseMs: 5, maxMs: 20 } });
    let mostRunning = 0;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [running] = await asSystem("test", (tx) => queryRows<{ n: number }>(tx,
        sql`select count(*)::int as n from jobs where shop_id = ${flooder} and status = 'running'`));
      mostRunning = Math.max(mostRunning, running!.n);
      const runs = await withShop(quiet, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, quiet)));
      if (runs.length === 2 && runs.every((r) => r.status === "completed")) break;
      if (Date.now() > deadline) throw new Error(`quiet shop's sync did not complete: ${JSON.stringify(runs.map((r) => [r.kind, r.status]))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await simulator.settled();
    const [left] = await asSystem("test", (tx) => queryRows<{ n: number }>(tx,
      sql`select count(*)::int as n from jobs where shop_id = ${flooder} and status = 'pending'`));
    // Claimed by run_at alone, the quiet shop's jobs would wait behind the whole flood.
    expect(left!.n).toBeGreaterThan(FLOOD / 2);
    expect(mostRunning).toBeLessThanOrEqual(2);
    expect(mostRunning).toBeGreaterThan(0);
    await asSystem("test: clean up", (tx) => tx.delete(jobs).where(and(eq(jobs.shopId, flooder), eq(jobs.kind, "test.flood"))));
  });

  it("reads each shop's due jobs from jobs_due_idx", async () => {
    const plan = await asSystem("test: plan", async (tx) => {
      // Small test tables favour sequential scans; the question is whether the index can serve.
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ "QUERY PLAN": unknown }>(tx, sql`explain (format json) ${claimStatement({
        free: 3, perShop: 2, leaseMs: 1000, token: "plan", filter: sql`true`,
      })}`);
      return JSON.stringify(rows[0]!["QUERY PLAN"]);
    });
    expect(plan).toContain('"Index Name":"jobs_due_idx"');
  });
});
