/**
 * Live order changes. A webhook only says "order N changed"; the job re-reads the
 * order's whole current state from Shopify (ORDER_QUERY) and replaces what the
 * ledger holds for it. Duplicates and reordering therefore converge: whichever
 * delivery runs last applies the newest state, and an older read never overwrites
 * a newer one (finalizeRun compares Shopify's updatedAt).
 */
import { randomUUID } from "node:crypto";

import { and, eq, sql } from "drizzle-orm";

import { orders, sales } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { log } from "~/log.server";
import { loadShop } from "~/shops.server";

import { adminGraphql } from "./admin-api.server";
import { finalizeRun, lockLedger, refreshRollups } from "./ledger.server";
import { ORDER_QUERY } from "./queries.server";
import { StagedBatch, type AgreementNode, type OrderNode, type SaleNode } from "./stage.server";

interface PageInfo { hasNextPage: boolean; endCursor: string | null }
interface OrderPage {
  order: (OrderNode & {
    agreements: { pageInfo: PageInfo; nodes: Array<AgreementNode & { sales: { pageInfo: PageInfo; nodes: SaleNode[] } }> };
  }) | null;
}

export async function syncOrder(shop: string, orderId: string): Promise<"applied" | "deleted" | "missing-shop"> {
  const shopRow = await loadShop(shop);
  if (!shopRow || shopRow.uninstalledAt) return "missing-shop";
  const gid = `gid://shopify/Order/${orderId}`;
  const batch = new StagedBatch();
  let after: string | null = null;
  let first = true;
  for (;;) {
    const page: OrderPage = await adminGraphql<OrderPage>(shop, ORDER_QUERY, { id: gid, after });
    if (!page.order) {
      if (first) return deleteOrder(shop, orderId, shopRow.ianaTimezone);
      break;
    }
    if (first) batch.addOrder(page.order);
    first = false;
    for (const agreement of page.order.agreements.nodes) {
      batch.addAgreement(agreement, page.order.id);
      for (const sale of agreement.sales.nodes) batch.addSale(sale, agreement.id);
      if (agreement.sales.pageInfo.hasNextPage) {
        log.warn({ shop, orderId, agreement: agreement.id }, "agreement has more sales than one page; the next bulk reconciliation completes it");
      }
    }
    if (!page.order.agreements.pageInfo.hasNextPage) break;
    after = page.order.agreements.pageInfo.endCursor;
  }
  const runId = `order-${orderId}-${randomUUID()}`;
  await withShop(shop, async (tx) => {
    await batch.write(tx, shop, runId);
    await finalizeRun(tx, shop, runId, shopRow.ianaTimezone, "live");
  });
  return "applied";
}

/** Shopify no longer has the order: deleted orders leave every report. */
async function deleteOrder(shop: string, orderId: string, timezone: string): Promise<"deleted"> {
  await withShop(shop, async (tx) => {
    await lockLedger(tx, shop);
    const days = await tx
      .selectDistinct({ day: sql<string>`(${sales.happenedAt} at time zone ${timezone})::date::text` })
      .from(sales)
      .where(and(eq(sales.shopId, shop), eq(sales.orderId, Number(orderId))));
    const placed = await tx
      .select({ day: sql<string>`(${orders.placedAt} at time zone ${timezone})::date::text` })
      .from(orders)
      .where(and(eq(orders.shopId, shop), eq(orders.orderId, Number(orderId))));
    await tx.delete(sales).where(and(eq(sales.shopId, shop), eq(sales.orderId, Number(orderId))));
    await tx.delete(orders).where(and(eq(orders.shopId, shop), eq(orders.orderId, Number(orderId))));
    await refreshRollups(tx, shop, timezone, [...new Set([...days, ...placed].map((d) => d.day))]);
  });
  return "deleted";
}
