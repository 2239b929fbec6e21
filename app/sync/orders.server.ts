/**
 * Live order changes. A webhook only says "order N changed"; the job re-reads the
 * order's whole current state from Shopify (ORDER_QUERY) and replaces what the
 * ledger holds for it. Duplicates and reordering therefore converge: whichever
 * read is applied last sets the state.
 *
 * Why an older read never overwrites a newer one: finalizeRun discards a read
 * whose updatedAt is older than the version held, but Shopify's updatedAt has
 * whole seconds, so two changes within one second share a version and that check
 * cannot order them. The re-read job is coalesced (jobs.server.ts): one per order
 * in flight, and a notice arriving while it runs makes it run again after the read
 * in flight was applied — so the last read applied is the newest, whatever the
 * number of workers (tests/integration/sync-interleaving.test.ts).
 */
import { randomUUID } from "node:crypto";

import { getDatabase } from "~/db/client.server";
import { Pipeline } from "~/db/pipeline.server";
import { prepareStatements } from "~/db/prepared.server";
import { withShop } from "~/db/tenant.server";
import { log } from "~/log.server";
import { readOfflineSessionRow, openOfflineSession } from "~/security/session-storage.server";
import { holdShopForWrite, readShopPrepared } from "~/shops.server";

import { adminGraphql } from "./admin-api.server";
import { beyondReach } from "./history.server";
import { finalizeRun, lockLedger, lockLedgerHoldingShop, removeOrder } from "./ledger.server";
import { offlineSession } from "./offline-session.server";
import { readOrder } from "./order-read.server";
import { currentTimezone } from "./rollups-rebuild.server";
import { StagedBatch } from "./stage.server";

export async function syncOrder(shop: string, orderId: string): Promise<"applied" | "deleted" | "unreachable" | "missing-shop"> {
  // The shop row and the stored token in one transaction, both prepared and sent
  // together (one round trip): both are needed before Shopify is asked. A token
  // that cannot be had (a refresh that fails) only matters for a shop that is still here.
  const [shopRow, sessionRow] = await withShop(shop, (tx) => Promise.all([readShopPrepared(tx, shop), readOfflineSessionRow(tx, shop)]));
  if (!shopRow || shopRow.uninstalledAt || shopRow.erasingSince) return "missing-shop";
  const session = await offlineSession(shop, { stored: await openOfflineSession(sessionRow) });
  // Whole or not at all: readOrder pages through every agreement and sale.
  const read = await readOrder(shop, `gid://shopify/Order/${orderId}`, (q, v) => adminGraphql(shop, q, v, { session }));
  if (!read) {
    // Without read_all_orders, "not found" may only mean "older than 60 days":
    // keep what the ledger holds rather than delete a real order (history.server.ts).
    if (await withShop(shop, (tx) => beyondReach(tx, shop, orderId, shopRow.scopes))) {
      log.warn({ shop, orderId }, "order changed beyond the 60-day window without read_all_orders; ledger keeps its last read");
      return "unreachable";
    }
    return deleteOrder(shop, orderId, shopRow.ianaTimezone);
  }
  const batch = new StagedBatch();
  batch.addOrder(read.order);
  for (const { agreement, sales: agreementSales } of read.agreements) {
    batch.addAgreement(agreement, read.order.id);
    for (const sale of agreementSales) batch.addSale(sale, agreement.id);
  }
  const runId = `order-${orderId}-${randomUUID()}`;
  const { prepares } = await getDatabase();
  const written = await withShop(shop, async (tx) => {
    // The ledger's statements are a fixed set of texts, each parsed and planned on
    // every change unless prepared: prepared, a change's transaction takes half the time.
    prepareStatements(tx, prepares);
    // The read took a while: the shop may be being erased (or erased) by now. The zone
    // is the one of this moment, not the one read before the (slow) Admin calls: a
    // time-zone change and its rollups rebuild may have happened meanwhile.
    const held = await lockLedgerHoldingShop(tx, shop);
    if (held.state !== "open") return false;
    // Prepared, the staging insert and the finalize's statements up to its prune are
    // sent together (db/pipeline.server.ts): one round trip where they were eight.
    const pipeline = prepares ? new Pipeline() : undefined;
    const staged = batch.writeLive(tx, shop, runId);
    if (pipeline) pipeline.add(staged);
    else await staged;
    await finalizeRun(tx, shop, runId, held.timezone ?? shopRow.ianaTimezone, "live", undefined, { staleGuarded: true, pipeline });
    return true;
  });
  return written ? "applied" : "missing-shop";
}

/** Shopify no longer has the order: deleted orders leave every report. */
async function deleteOrder(shop: string, orderId: string, heldTimezone: string): Promise<"deleted" | "missing-shop"> {
  return withShop(shop, async (tx) => {
    // Removing rewrites the order's days' rollups: nothing of the kind for a shop being erased.
    if ((await holdShopForWrite(tx, shop)) !== "open") return "missing-shop" as const;
    await lockLedger(tx, shop);
    await removeOrder(tx, shop, Number(orderId), (await currentTimezone(tx, shop)) ?? heldTimezone);
    return "deleted" as const;
  });
}
