/**
 * A bulk run into the ledger, on both of the database's cores.
 *
 * Why: a finalize is a handful of set-based statements, and PostgreSQL runs each
 * one on one core (it does not parallelise INSERT … SELECT or UPDATE). During the
 * finalize the app itself is idle, so on a 2-core server one core sat unused for
 * most of a million-order backfill (docs/decisions/0001-ledger-at-scale.md). The
 * run's orders are split by id into FINALIZE_PARTS parts, each applied (orders,
 * sales, returns' cost) by its own transaction on its own connection, at once.
 *
 * Why it stays correct:
 *  - parts never share an order, and a sale belongs to one order: no row is
 *    written by two parts, so they never wait for each other;
 *  - every part holds the shop's ledger lock in shared mode: a live change (which
 *    takes it exclusively) waits for all of them, and they for it;
 *  - a part is idempotent (the same upserts as any finalize): if one part commits
 *    and another fails, the job runs the run's finalize again and the committed
 *    part's orders are simply re-applied;
 *  - the export's reconciliation (orders Shopify deleted) runs first, alone, under
 *    the exclusive lock; the rollups are rebuilt after every part committed, by the
 *    transaction that completes the run (bulk.server.ts);
 *  - each transaction first holds the shop's row (holdShopForWrite): once the
 *    merchant's data is being erased, no part writes, and an erase waits for the
 *    parts already writing.
 * PGlite is one connection: one part.
 */
import { getDatabase, type Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { holdShopForWrite, ShopErasingError } from "~/shops.server";

import { applyBulkPart, lockLedger, planForBulk, reconcileRun, type ExportWindow } from "./ledger.server";

/** Transactions a PostgreSQL finalize runs at once (the 2-core machine this app is measured on). */
export const FINALIZE_PARTS = 2;

/** Every part first holds the shop's row: an erase that began (or begins) keeps the run out. */
async function holdOpenShop(tx: Tx, shop: string): Promise<void> {
  if ((await holdShopForWrite(tx, shop)) !== "open") throw new ShopErasingError(shop);
}

export async function applyBulkRun(shop: string, runId: string, window: ExportWindow | undefined): Promise<{ orders: number; sales: number }> {
  if (window) {
    await withShop(shop, async (tx) => {
      await holdOpenShop(tx, shop);
      await lockLedger(tx, shop);
      await planForBulk(tx);
      await reconcileRun(tx, shop, runId, window);
    });
  }
  const parts = (await getDatabase()).driver === "postgres" ? FINALIZE_PARTS : 1;
  // Every part settles before this returns: a failed part never leaves a sibling
  // running behind the job's back.
  const settled = await Promise.allSettled(Array.from({ length: parts }, (_, index) =>
    withShop(shop, async (tx) => {
      await holdOpenShop(tx, shop);
      return applyBulkPart(tx, shop, runId, parts > 1 ? { of: parts, index } : undefined);
    })));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.reduce((sum, s) => {
    const value = (s as PromiseFulfilledResult<{ orders: number; sales: number }>).value;
    return { orders: sum.orders + value.orders, sales: sum.sales + value.sales };
  }, { orders: 0, sales: 0 });
}
