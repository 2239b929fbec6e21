/**
 * shop/redact: every row of one shop, in every table, goes — in a job, in batches.
 *
 * The webhook only records the delivery and enqueues `shop.erase` in the same
 * transaction (handle.server.ts): a shop with years of ledger must not be deleted
 * inside Shopify's 5-second request, nor in one transaction that holds millions of
 * row locks and WAL, nor with every deleted row returned into memory. The job
 * deletes each table's rows `batchSize` at a time, each batch its own short
 * transaction with no RETURNING; a job killed half-way resumes where it stopped
 * (what is gone stays gone) and the shop's row goes last.
 *
 * The list of tables is the schema's own `tenantTables`, so a table added later is
 * covered without touching this file; the audit chain goes through its owner-run
 * function because the app roles can never delete audit rows. Tables that are not
 * tenant tables but name shops (jobs, sessions, rate-limit keys) are listed below;
 * the redaction test finds every such table in the catalog, so a new one cannot be
 * missed silently.
 */
import { createHash } from "node:crypto";

import { getTableName, sql } from "drizzle-orm";
import { z } from "zod";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { auditCheckpoints, auditEvents, shops, tenantTables } from "~/db/schema.server";
import { asSystem, isShopDomain } from "~/db/tenant.server";
import { registerJob } from "~/jobs/handlers.server";
import { deleteShopJobs, enqueue } from "~/jobs/queue.server";
import { log } from "~/log.server";
import { audit, SYSTEM_CHAIN } from "~/security/audit.server";
import { deleteShopRateLimits } from "~/security/rate-limit.server";
import { deleteShopSessions } from "~/security/session-storage.server";

/** A stable pseudonym: lets the system chain say "a shop was redacted" without naming it. */
export const pseudonymFor = (shop: string) => `shop:${createHash("sha256").update(shop).digest("hex").slice(0, 16)}`;

export const ERASE_BATCH_ROWS = 5_000;

const ErasePayload = z.object({
  shop: z.string().refine(isShopDomain, "not a shop domain"),
  batchSize: z.number().int().min(1).max(50_000).optional(),
  // Who asked: Shopify's shop/redact (absent: jobs queued before this field existed) or
  // the store owner's "Delete my data now" (app/data-rights/erase.server.ts).
  requestedBy: z.enum(["shopify", "owner"]).optional(),
}).strict();

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "shop.erase": typeof ErasePayload;
  }
}

const appendOnly = new Set<unknown>([auditEvents, auditCheckpoints]);

/** Tenant tables in deletion order: the shop's own row last, so a half-erased shop is still visibly there. */
const eraseOrder = Object.values(tenantTables)
  .filter((table) => !appendOnly.has(table))
  .sort((a, b) => Number(a === shops) - Number(b === shops));

export interface EraseResult {
  rows: number;
  /** Transactions the erase took: at least one per table, more for big ones. */
  batches: number;
}

/**
 * Deletes every row of `shop`, `batchSize` rows per transaction (each as app_system).
 * Idempotent: running it again on an erased shop deletes nothing.
 */
export async function eraseShopInBatches(shop: string, batchSize = ERASE_BATCH_ROWS): Promise<EraseResult> {
  if (!isShopDomain(shop)) throw new Error("eraseShopInBatches needs a shop domain");
  const result: EraseResult = { rows: 0, batches: 0 };
  const untilEmpty = async (deleteBatch: () => ReturnType<typeof asSystem<unknown>>) => {
    for (;;) {
      const deleted = affectedRows(await deleteBatch());
      result.rows += deleted;
      result.batches++;
      if (deleted < batchSize) return;
    }
  };
  for (const table of eraseOrder) {
    const name = sql.identifier(getTableName(table));
    // ctid: a batch of this shop's rows by physical address, whatever the table's key.
    await untilEmpty(() => asSystem("shop/redact: erase a batch", (tx) =>
      tx.execute(sql`delete from ${name} where ctid = any(array(select ctid from ${name} where shop_id = ${shop} limit ${batchSize}))`)));
  }
  // Queued work for the shop (jobs are app_system's table, keyed by shop too). The
  // erase job itself is enqueued without a shop (handle.server.ts), so it stays.
  await untilEmpty(() => asSystem("shop/redact: erase the shop's jobs", async (tx) => ({ count: await deleteShopJobs(tx, shop, batchSize) })));
  await asSystem("shop/redact: erase audit, sessions, counters", async (tx) => {
    // The chain is removed by its owner-run function (the app roles cannot delete audit rows).
    const [audited] = await queryRows<{ erased: string | number }>(tx, sql`select audit_erase_shop(${shop}) as erased`);
    result.rows += Number(audited?.erased ?? 0);
    // app/uninstalled normally removed them already; a shop has a handful.
    result.rows += await deleteShopSessions(tx, shop);
    // Rate-limit counters name the shop inside their key (`shop:<domain>:export`, …).
    result.rows += await deleteShopRateLimits(tx, shop);
    result.batches++;
  });
  return result;
}

/** Enqueues the erase inside the delivery's transaction (an asSystem tx): recorded ⇔ queued. */
export const enqueueShopErase = (tx: Tx, shop: string, requestedBy: "shopify" | "owner" = "shopify") =>
  // No shopId: the job must not erase itself with the shop's jobs, nor wait behind them.
  // Keyed by the pseudonym: the job row names the shop only in its payload.
  enqueue("shop.erase", { shop, ...(requestedBy === "owner" ? { requestedBy } : {}) }, { key: `erase:${pseudonymFor(shop)}`, tx });

registerJob("shop.erase", ErasePayload, async ({ payload }) => {
  const { rows, batches } = await eraseShopInBatches(payload.shop, payload.batchSize);
  await asSystem("shop/redact: record the erase", (tx) =>
    audit(tx, SYSTEM_CHAIN, {
      action: "shop.redacted",
      actor: payload.requestedBy === "owner" ? { type: "system" } : { type: "shopify" },
      target: pseudonymFor(payload.shop),
      meta: { rows, batches, requestedBy: payload.requestedBy ?? "shopify" },
    }));
  log.info({ target: pseudonymFor(payload.shop), rows, batches }, "shop erased");
});
