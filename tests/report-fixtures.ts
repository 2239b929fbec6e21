/**
 * Sales rows for report tests, written straight into the rollups the sync fills
 * (daily_rollups, daily_orders, products, and daily_totals / monthly_rollups derived
 * from the daily rows as app/sync/rollups.server.ts derives them), so reports are tested on figures
 * that are known exactly (the arithmetic is spelled out where reports.test.ts checks it).
 */
import { sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { dailyOrders, dailyRollups, products } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";

const SUMS = `sum(gross_sales), sum(discounts), sum(returns), sum(shipping), sum(duties), sum(fees), sum(taxes), sum(tips),
  sum(units), sum(cogs), sum(net_sales_with_cost), sum(costed_from_backfill)`;
const COLUMNS = `gross_sales, discounts, returns, shipping, duties, fees, taxes, tips, units, cogs, net_sales_with_cost, costed_from_backfill`;

/**
 * daily_totals and monthly_rollups from the shop's daily_rollups, as the sync
 * leaves them (the sync writes all three in one statement; a fixture that writes
 * daily rows by hand calls this after them).
 */
export async function deriveReportRollups(tx: Tx, shop: string): Promise<void> {
  await tx.execute(sql`delete from daily_totals where shop_id = ${shop}`);
  await tx.execute(sql`delete from monthly_rollups where shop_id = ${shop}`);
  await tx.execute(sql`insert into daily_totals (shop_id, day, ${sql.raw(COLUMNS)})
    select shop_id, day, ${sql.raw(SUMS)} from daily_rollups where shop_id = ${shop} group by 1, 2`);
  await tx.execute(sql`insert into monthly_rollups (shop_id, month, product_id, ${sql.raw(COLUMNS)})
    select shop_id, date_trunc('month', day::timestamp)::date, product_id, ${sql.raw(SUMS)}
    from daily_rollups where shop_id = ${shop} group by 1, 2, 3`);
}

/**
 * A week of sales (1–7 March 2026) and the week before it, as the sync would
 * leave them in the rollups: three products and a non-product line.
 */
export async function seedSales(shop: string, titles: { linen?: string; scarf?: string; mug?: string } = {}) {
  await withShop(shop, async (tx) => {
    await tx.insert(products).values([
      { shopId: shop, productId: 101, title: titles.linen ?? "Linen Shirt" },
      { shopId: shop, productId: 102, title: titles.scarf ?? "Wool Scarf" },
      { shopId: shop, productId: 103, title: titles.mug ?? "Stoneware Mug" },
    ]);
    const row = (day: string, productId: number, values: Partial<typeof dailyRollups.$inferInsert>) => ({ shopId: shop, day, productId, ...values });
    await tx.insert(dailyRollups).values([
      // Current period.
      row("2026-03-01", 101, { grossSales: "100.00", discounts: "-10.00", units: 2, cogs: "30.00", netSalesWithCost: "90.00", costedFromBackfill: "90.00" }),
      row("2026-03-02", 102, { grossSales: "50.00", returns: "-20.00", units: 1, cogs: "15.00", netSalesWithCost: "30.00" }),
      row("2026-03-03", 0, { shipping: "15.00", taxes: "12.00" }),
      row("2026-03-05", 103, { grossSales: "40.00", units: 4 }),
      // Comparison period (22–28 February).
      row("2026-02-25", 101, { grossSales: "80.00", units: 2, cogs: "24.00", netSalesWithCost: "80.00" }),
      // Outside both.
      row("2026-03-08", 101, { grossSales: "1000.00", units: 20, cogs: "300.00", netSalesWithCost: "1000.00" }),
      row("2026-02-21", 102, { grossSales: "700.00", units: 7 }),
    ]);
    await tx.insert(dailyOrders).values([
      { shopId: shop, day: "2026-03-01", orders: 2, originalNetProduct: "90.00" },
      { shopId: shop, day: "2026-03-02", orders: 1, originalNetProduct: "50.00" },
      { shopId: shop, day: "2026-03-05", orders: 1, originalNetProduct: "40.00" },
      { shopId: shop, day: "2026-02-25", orders: 2, originalNetProduct: "80.00" },
      { shopId: shop, day: "2026-03-08", orders: 9, originalNetProduct: "1000.00" },
    ]);
    await deriveReportRollups(tx, shop);
  });
}

/** Another shop's rows on the same days, with figures that would stand out. */
export async function seedOtherShop(shop: string) {
  await withShop(shop, async (tx) => {
    await tx.insert(products).values({ shopId: shop, productId: 101, title: "OTHER-SHOP-CANARY" });
    await tx.insert(dailyRollups).values({ shopId: shop, day: "2026-03-02", productId: 101, grossSales: "99999.00", units: 999, cogs: "1.00", netSalesWithCost: "99999.00" });
    await tx.insert(dailyOrders).values({ shopId: shop, day: "2026-03-02", orders: 777, originalNetProduct: "99999.00" });
    await deriveReportRollups(tx, shop);
  });
}
