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
 * The app stays installed while the job runs ("Delete my data now"; a late
 * delivery after shop/redact), so the transaction that queues the erase also marks
 * the shop erasing and deletes its tokens (beginShopErase): from its commit, the
 * webhook door, the order sync and afterAuth write nothing for the shop
 * (holdShopForWrite in app/shops.server.ts). A writer already past that check when
 * the mark came may still commit after a table was swept, so the shop's row, which
 * carries the mark, goes only in a transaction that locks it (waiting for every
 * writer holding it) and finds every table empty for the shop; otherwise the job
 * sweeps again.
 *
 * The list of tables is the schema's own `tenantTables`, so a table added later is
 * covered without touching this file; the audit chain goes through its owner-run
 * function because the app roles can never delete audit rows. Tables that are not
 * tenant tables but name shops (jobs, sessions, rate-limit keys) are listed below;
 * the redaction test finds every such table in the catalog, so a new one cannot be
 * missed silently.
 */
import { createHash } from "node:crypto";

import { eq, getTableName, sql } from "drizzle-orm";
import { z } from "zod";

import { affectedRows, queryRows, type Tx } from "~/db/client.server";
import { auditCheckpoints, auditEvents, jobs, rateLimits, sessions, shops, tenantTables } from "~/db/schema.server";
import { asSystem, isShopDomain } from "~/db/tenant.server";
import { registerJob } from "~/jobs/handlers.server";
import { deleteShopJobs, enqueue } from "~/jobs/queue.server";
import { log } from "~/log.server";
import { audit, SYSTEM_CHAIN } from "~/security/audit.server";
import { deleteShopRateLimits } from "~/security/rate-limit.server";
import { deleteShopSessions } from "~/security/session-storage.server";
import { markShopErasing } from "~/shops.server";

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

/** Tenant tables swept in batches; the shop's own row is not one of them: it goes last, once all are empty. */
const sweptTables = Object.values(tenantTables).filter((table) => !appendOnly.has(table) && table !== shops);

/** Sweeps before giving up on an erase whose writers keep coming back (the job then retries later). */
export const ERASE_MAX_SWEEPS = 3;

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
  for (let sweep = 1; ; sweep++) {
    await sweepShopRows(shop, batchSize, result);
    if (await deleteShopRowIfEmpty(shop, result)) return result;
    if (sweep >= ERASE_MAX_SWEEPS) throw new Error(`shop/redact: rows for ${pseudonymFor(shop)} still appear after ${sweep} sweeps`);
    log.warn({ target: pseudonymFor(shop), sweep }, "rows written during the erase: sweeping again");
  }
}

/** Every row of the shop except its own row in `shops`, table by table, in batches. */
export async function sweepShopRows(shop: string, batchSize: number, result: EraseResult): Promise<void> {
  const untilEmpty = async (deleteBatch: () => ReturnType<typeof asSystem<unknown>>) => {
    for (;;) {
      const deleted = affectedRows(await deleteBatch());
      result.rows += deleted;
      result.batches++;
      if (deleted < batchSize) return;
    }
  };
  for (const table of sweptTables) {
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
}

/** Any row left for the shop, anywhere the sweep reaches (tenant tables, audit, jobs, sessions, rate-limit keys). */
const anyRowLeft = (shop: string) => {
  const inTables = [...sweptTables, ...appendOnly, jobs, sessions].map((table) =>
    sql`exists (select 1 from ${sql.identifier(getTableName(table as typeof jobs))} where shop_id = ${shop})`);
  inTables.push(sql`exists (select 1 from ${rateLimits} where ${shop} = any(string_to_array(${rateLimits.key}, ':')))`);
  return sql`select ${sql.join(inTables, sql` or `)} as "left"`;
};

/**
 * The last step: the shop's row, with its erasing mark, goes in the transaction
 * that finds nothing else left. FOR UPDATE first: writers hold the row FOR SHARE
 * (holdShopForWrite), so this waits for any still writing and keeps new ones out
 * until the row is gone. False: something was written meanwhile; sweep again.
 */
async function deleteShopRowIfEmpty(shop: string, result: EraseResult): Promise<boolean> {
  return asSystem("shop/redact: check every table is empty, then delete the shop's row", async (tx) => {
    await tx.select({ shopId: shops.shopId }).from(shops).where(eq(shops.shopId, shop)).for("update");
    const [check] = await queryRows<{ left: boolean }>(tx, anyRowLeft(shop));
    if (check?.left) return false;
    result.rows += affectedRows(await tx.delete(shops).where(eq(shops.shopId, shop)));
    result.batches++;
    return true;
  });
}

/**
 * Starts an erase inside the transaction that asks for it (an asSystem tx: the
 * shop/redact delivery's, or the owner's request): marks the shop erasing, deletes
 * its tokens (as app/uninstalled does: nothing can call Shopify for it any more) and
 * queues the job. Asked ⇔ marked ⇔ queued.
 */
export async function beginShopErase(tx: Tx, shop: string, requestedBy: "shopify" | "owner" = "shopify"): Promise<void> {
  await markShopErasing(tx, shop);
  await deleteShopSessions(tx, shop);
  // No shopId: the job must not erase itself with the shop's jobs, nor wait behind them.
  // Keyed by the pseudonym: the job row names the shop only in its payload.
  await enqueue("shop.erase", { shop, ...(requestedBy === "owner" ? { requestedBy } : {}) }, { key: `erase:${pseudonymFor(shop)}`, tx });
}

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
