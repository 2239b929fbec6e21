/**
 * A single day drawn by the hour (app/reports/hourly*.ts) adds up to the day the
 * dashboard's cards and daily series show, on both databases: net sales, gross profit
 * and orders, hour by hour from the ledger, against the daily rollups the sync keeps,
 * on ordinary days and on both 2026 DST days in New York (23 and 25 hours), with
 * returns and orders edited on a later day (Shopify counts those as an order again).
 */
import { randomUUID } from "node:crypto";

import Big from "big.js";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { readReport } from "~/reports/build.server";
import { compareRange } from "~/reports/period";
import { finalizeRun } from "~/sync/ledger.server";
import { rebuildAllRollups } from "~/sync/rollups.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "America/New_York";
const sum = (values: string[]) => values.reduce((s, v) => s.plus(v), new Big(0)).toFixed(2);

let shop: string;
beforeAll(async () => {
  shop = newShop("hours");
  const runId = randomUUID();
  await withShop(shop, async (tx) => {
    await stageRun(tx, shop, runId, 730);
    await finalizeRun(tx, shop, runId, TZ, "bulk");
    // Every 20th order's refund becomes an edit on a later day: the day counts that order again.
    await tx.execute(sql`update sales set agreement_reason = 'ORDER_EDIT' where shop_id = ${shop} and agreement_id % 200 = 1`);
    // Costs of four decimals on a third of the product sales: hours rounded one by one would drift from the day.
    await tx.execute(sql`update sales set cogs = 3.3333 * quantity, cost_source = 'at_sale' where shop_id = ${shop} and line_type = 'PRODUCT' and sale_id % 3 = 0`);
    await rebuildAllRollups(tx, shop, TZ);
  });
}, 120_000);

const dayReport = (day: string, compare: "previous_period" | "previous_year" | "none" = "previous_period") => {
  const period = { from: day, to: day };
  const range = { period, compare: compareRange(period, compare), compareMode: compare };
  return withShop(shop, (tx) => readReport(tx, shop, range, "USD", { timeZone: TZ, now: new Date("2027-06-01T00:00:00Z") }));
};

describe("a single day by the hour", () => {
  it("adds up to the day's totals and orders, 24, 23 and 25 hours, on days with returns and later-day edits", async () => {
    const [edited] = await withShop(shop, (tx) => queryRows<{ day: string }>(tx, sql`
      select (happened_at at time zone ${TZ})::date::text as day from sales
      where shop_id = ${shop} and agreement_reason = 'ORDER_EDIT' order by happened_at limit 1`));
    expect(edited).toBeDefined();
    const days: Array<[string, number]> = [["2026-03-08", 23], ["2026-11-01", 25], ["2026-06-15", 24], [edited!.day, 24]];
    for (const [day, hours] of days) {
      const report = await dayReport(day);
      const total = report.series[0]!;
      const current = report.hours!.current;
      expect(current, day).toHaveLength(hours);
      // Something to add up: the fixture sells every day.
      expect(Number(total.netSales), day).toBeGreaterThan(0);
      expect(Number(total.grossProfit), day).not.toBe(0);
      expect(sum(current.map((h) => h.netSales)), day).toBe(total.netSales);
      expect(sum(current.map((h) => h.grossProfit)), day).toBe(total.grossProfit);
      expect(current.reduce((n, h) => n + h.orders, 0), day).toBe(total.orders);
      expect(report.current.netSales, day).toBe(total.netSales);
      // The comparison day (the day before) by the hour too, adding up to its own day.
      const before = await dayReport(report.range.compare!.from, "none");
      expect(sum(report.hours!.compare!.map((h) => h.netSales)), day).toBe(before.series[0]!.netSales);
      expect(report.hours!.compare!.reduce((n, h) => n + h.orders, 0), day).toBe(before.series[0]!.orders);
      expect(before.hours!.compare).toBeNull();
    }
    // The edited order's day counts it again, as the daily rollup does.
    const editDay = await dayReport(edited!.day);
    const [placed] = await withShop(shop, (tx) => queryRows<{ n: number }>(tx, sql`
      select count(*)::int as n from orders where shop_id = ${shop} and (placed_at at time zone ${TZ})::date = ${edited!.day}::date`));
    expect(editDay.series[0]!.orders).toBeGreaterThan(placed!.n);
  });

  it("is read only for a single day with the shop's zone, and the comparison's days face the period's", async () => {
    const week = { from: "2026-06-08", to: "2026-06-14" };
    const report = await withShop(shop, (tx) => readReport(tx, shop, { period: week, compare: compareRange(week, "previous_year"), compareMode: "previous_year" }, "USD", { timeZone: TZ }));
    expect(report.hours).toBeUndefined();
    expect(report.compareSeries!.map((p) => p.day)).toEqual(["2025-06-08", "2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13", "2025-06-14"]);
    const withoutZone = await withShop(shop, (tx) => readReport(tx, shop, { period: { from: "2026-06-15", to: "2026-06-15" }, compare: null, compareMode: "none" }, "USD"));
    expect(withoutZone.hours).toBeUndefined();
    expect(withoutZone.compareSeries).toBeUndefined();
  });
});
