/**
 * The backfill that follows a grant of read_all_orders (app/scopes_update, or an
 * auth that finds the scope new). The orders older than Shopify's 60 days were out
 * of reach until now; only an orders run started with the scope reads them, and only
 * its completion clears shops.history_from (history.server.ts).
 *
 * A grant that arrives while a run is under way must not be lost: a run started
 * without the scope cannot read the older orders however long it runs, so this job
 * waits for it to end (RetryLaterError: back to the queue, no worker slot held) and
 * then starts its own. A products run in progress needs no follow-up: its orders run
 * starts after it, with the scope.
 */
import { and, eq, inArray } from "drizzle-orm";

import { syncRuns } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { RetryLaterError } from "~/jobs/handlers.server";
import { loadShop } from "~/shops.server";

import { startBulkSync } from "./bulk.server";
import { hasAllOrders } from "./history.server";
import { failStuckRuns } from "./stuck-runs.server";

const ACTIVE = ["requested", "running", "ingesting"] as const;
/** How soon to look again while a run without the scope is under way. */
export const FULL_HISTORY_WAIT_MS = 60_000;

export type FullHistoryOutcome = "started" | "covered" | "not-needed";

export async function startFullHistorySync(shop: string): Promise<FullHistoryOutcome> {
  const row = await loadShop(shop);
  // Uninstalled, withdrawn again, or already whole: nothing to read.
  if (!row || row.uninstalledAt || !hasAllOrders(row.scopes) || row.historyFrom === null) return "not-needed";
  await failStuckRuns(shop);
  const active = await withShop(shop, (tx) =>
    tx.select({ kind: syncRuns.kind, allOrders: syncRuns.allOrders }).from(syncRuns)
      .where(and(eq(syncRuns.shopId, shop), inArray(syncRuns.status, [...ACTIVE]))));
  if (active.some((run) => run.kind === "orders" && !run.allOrders)) {
    throw new RetryLaterError(FULL_HISTORY_WAIT_MS, "a sync run without read_all_orders is under way; the full history follows it");
  }
  if (active.length > 0) return "covered";
  await startBulkSync(shop);
  return "started";
}
