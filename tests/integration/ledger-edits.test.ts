/**
 * Shopify's Help Center (Editing orders → Considerations, Analytics): "If you edit
 * an order after the day the order was placed, then the edit displays as a
 * separate order in your reports. Reports display an edited order as a new order,
 * even though a new order hasn't been created." The ledger's daily orders follow
 * it, directly from staged agreements (not through the truth model): a later-day
 * edit is one more order on its day, valued at the products it added; a same-day
 * edit adds none; money is booked on each sale's day either way.
 */
import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows, type Tx } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { finalizeRun } from "~/sync/ledger.server";

import { newShop } from "../factories";

const TZ = "America/Chicago";

/** Order 1 placed 2026-11-10 10:00 local; an edit the same afternoon; edits on the 11th (twice) and the 12th (a removal only). */
async function stageEditedOrder(tx: Tx, shop: string, runId: string) {
  await tx.execute(sql`
    insert into staged_orders (shop_id, run_id, order_id, created_at, processed_at, cancelled_at, source_updated_at, test, currency_code)
    values (${shop}, ${runId}, 1, '2026-11-10T16:00:00Z', '2026-11-10T16:00:00Z', null, '2026-11-12T20:00:00Z', false, 'USD')`);
  await tx.execute(sql`
    insert into staged_agreements (shop_id, run_id, agreement_id, order_id, happened_at, reason) values
      (${shop}, ${runId}, 10, 1, '2026-11-10T16:00:00Z', 'ORDER'),
      (${shop}, ${runId}, 11, 1, '2026-11-10T20:00:00Z', 'ORDER_EDIT'),
      (${shop}, ${runId}, 12, 1, '2026-11-11T16:00:00Z', 'ORDER_EDIT'),
      (${shop}, ${runId}, 13, 1, '2026-11-11T17:00:00Z', 'ORDER_EDIT'),
      (${shop}, ${runId}, 14, 1, '2026-11-12T16:00:00Z', 'ORDER_EDIT')`);
  await tx.execute(sql`
    insert into staged_sales (shop_id, run_id, sale_id, agreement_id, action_type, line_type, quantity, line_item_id, product_id, total_amount, discount_amount, tax_amount) values
      (${shop}, ${runId}, 100, 10, 'ORDER', 'PRODUCT', 1, 1000, 7, 50.00, 0, 0),
      (${shop}, ${runId}, 101, 11, 'ORDER', 'PRODUCT', 1, 1001, 7, 20.00, 0, 0),
      (${shop}, ${runId}, 102, 12, 'ORDER', 'PRODUCT', 1, 1002, 8, 30.00, 0, 0),
      (${shop}, ${runId}, 103, 13, 'UPDATE', 'PRODUCT', 0, 1000, 7, -5.00, 5.00, 0),
      (${shop}, ${runId}, 104, 14, 'RETURN', 'PRODUCT', -1, 1001, 7, -20.00, 0, 0)`);
}

const dailyOrders = (shop: string) =>
  withShop(shop, (tx) => queryRows<{ day: string; orders: number; base: string }>(tx, sql`
    select day::text as day, orders, original_net_product::text as base from daily_orders where shop_id = ${shop} order by day`));

describe("an order edited on a later day counts as a separate order on the edit's day", () => {
  for (const mode of ["bulk", "live"] as const) {
    it(`one more order on each later day with an edit, valued at what it added (${mode} finalize)`, async () => {
      const shop = newShop(`edits-${mode}`);
      const runId = randomUUID();
      await withShop(shop, async (tx) => {
        await stageEditedOrder(tx, shop, runId);
        await finalizeRun(tx, shop, runId, TZ, mode);
      });
      expect((await dailyOrders(shop)).map((d) => [d.day, d.orders, Number(d.base).toFixed(2)])).toEqual([
        ["2026-11-10", 1, "50.00"], // placed, plus a same-day edit: one order, its value at creation
        ["2026-11-11", 1, "30.00"], // two edits that day: one "order", valued at the product it added
        ["2026-11-12", 1, "0.00"], // a removal only: one "order" that added nothing
      ]);
    });
  }
});
