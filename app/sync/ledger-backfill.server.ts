/**
 * The one-time backfill of what older syncs did not read. A shop whose last
 * completed orders run predates payment-fee sync (sync_runs.ledger_version below
 * ORDERS_LEDGER_VERSION, migration 0040) holds no transactions or shipping lines
 * for the orders that run read: until they are read again, net profit would show
 * their payment fees as 0. So each worker's start after the deploy (a sweep over
 * every shop, sync.ledger.sweep) and the first dashboard visit queue a background
 * orders run (sync.ledger.backfill): the orders bulk query reads sales,
 * payments and shipping lines together, and its finalize replaces each order's
 * rows exactly as a first sync does (decision 0014), so re-reading the orders is
 * correct without a second code path. Products are not re-read: their data did not
 * change. Until that run completes, the dashboard says fees are being backfilled.
 *
 * Idempotent: one job per shop at a time (its key), and the job itself does nothing
 * once a run of the current version is under way or completed. An orders run of
 * the older version that is still going (started before the deploy) is waited for,
 * as full-history.server.ts waits: it cannot read what is missing.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { RetryLaterError } from "~/jobs/handlers.server";
import { enqueue } from "~/jobs/queue.server";
import { audit } from "~/security/audit.server";
import { loadShop } from "~/shops.server";

import { startBulkRun } from "./bulk.server";
import { ORDERS_LEDGER_VERSION } from "./queries.server";
import { failStuckRuns } from "./stuck-runs.server";

const ACTIVE = ["requested", "running", "ingesting"] as const;
/** How soon to look again while an orders run of the older version is under way. */
export const LEDGER_BACKFILL_WAIT_MS = 60_000;

/**
 * current: nothing missing (or no orders run completed yet: the first sync reads it all);
 * running: a run that reads what is missing is under way;
 * needed: missing, and nothing under way reads it (`waiting`: an older orders run must end first).
 */
export type LedgerBackfillState = "current" | "running" | "needed";

interface LedgerBackfillDetail {
  state: LedgerBackfillState;
  waiting: boolean;
}

async function readDetail(tx: Tx, shop: string): Promise<LedgerBackfillDetail> {
  const [last] = await tx.select({ version: syncRuns.ledgerVersion }).from(syncRuns)
    .where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"), eq(syncRuns.status, "completed")))
    .orderBy(desc(syncRuns.finishedAt)).limit(1);
  if (!last || last.version >= ORDERS_LEDGER_VERSION) return { state: "current", waiting: false };
  const active = await tx.select({ kind: syncRuns.kind, version: syncRuns.ledgerVersion }).from(syncRuns)
    .where(and(eq(syncRuns.shopId, shop), inArray(syncRuns.status, [...ACTIVE])));
  // A products run is followed by an orders run started now, with the current document.
  if (active.some((run) => run.kind === "products" || run.version >= ORDERS_LEDGER_VERSION)) return { state: "running", waiting: false };
  return { state: "needed", waiting: active.length > 0 };
}

/** The shop's backfill state, in the caller's tenant transaction (the dashboard's load). */
export async function readLedgerBackfill(tx: Tx, shop: string): Promise<LedgerBackfillState> {
  return (await readDetail(tx, shop)).state;
}

/** Queues the backfill (a no-op while one is queued: the key). */
export const enqueueLedgerBackfill = (shop: string, tx?: Tx) =>
  enqueue("sync.ledger.backfill", { shop }, { shopId: shop, key: `ledger-backfill:${shop}`, tx });

/**
 * The deploy's sweep: every shop whose last completed orders run is older than
 * ORDERS_LEDGER_VERSION, with no run under way that reads what is missing, gets
 * the backfill job (readDetail's rule, over all shops in one statement; an
 * uninstalled shop's job does nothing). Returns how many shops were queued.
 */
export async function enqueueLedgerBackfills(): Promise<number> {
  return asSystem("ledger backfill sweep", async (tx) => {
    const rows = await queryRows<{ shop: string }>(tx, sql`
      select last.shop_id as shop from (
        select distinct on (shop_id) shop_id, ledger_version from sync_runs
        where kind = 'orders' and status = 'completed'
        order by shop_id, finished_at desc nulls last) last
      where last.ledger_version < ${ORDERS_LEDGER_VERSION}
        and not exists (select 1 from sync_runs a where a.shop_id = last.shop_id
          and a.status in ('requested', 'running', 'ingesting')
          and (a.kind = 'products' or a.ledger_version >= ${ORDERS_LEDGER_VERSION}))`);
    for (const { shop } of rows) await enqueueLedgerBackfill(shop, tx);
    return rows.length;
  });
}

/** Queued by every worker start (keyed: many processes starting at once run one sweep). */
export const scheduleLedgerBackfillSweep = () => enqueue("sync.ledger.sweep", {}, { key: "ledger-backfill-sweep" });

export type LedgerBackfillOutcome = "started" | "covered" | "not-needed";

/** The job: starts the orders run that reads what is missing, audited as the system. */
export async function backfillLedger(shop: string): Promise<LedgerBackfillOutcome> {
  const row = await loadShop(shop);
  if (!row || row.uninstalledAt) return "not-needed";
  // A run nothing will advance would otherwise count as under way forever.
  await failStuckRuns(shop);
  const detail = await withShop(shop, (tx) => readDetail(tx, shop));
  if (detail.state === "current") return "not-needed";
  if (detail.state === "running") return "covered";
  if (detail.waiting) throw new RetryLaterError(LEDGER_BACKFILL_WAIT_MS, "an orders run that reads no payments is under way; the backfill follows it");
  await startBulkRun(shop, "orders");
  await withShop(shop, async (tx) => {
    const [run] = await tx.select({ runId: syncRuns.runId }).from(syncRuns)
      .where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"), inArray(syncRuns.status, [...ACTIVE])))
      .orderBy(desc(syncRuns.startedAt)).limit(1);
    await audit(tx, shop, {
      action: "sync.started", actor: { type: "system" }, target: run?.runId,
      meta: { reason: "ledger backfill: payments and shipping lines", ledgerVersion: ORDERS_LEDGER_VERSION },
    });
  });
  return "started";
}
