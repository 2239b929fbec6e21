/**
 * Helpers for sync tests that compare the ledger with the simulator's truth:
 * run a shop's jobs until nothing is left, read the rollups per day, and
 * compare them with truthByDay (computed from the raw simulated orders).
 */
import Big from "big.js";
import { and, eq, sql } from "drizzle-orm";
import { expect } from "vitest";

import { queryRows } from "~/db/client.server";
import { syncRuns } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { drainJobs, startWorker } from "~/jobs/queue.server";
import { computeMetrics, sumComponents, type Components } from "~/reports/metrics";

import type { ShopifySimulator } from "./mocks/shopify/simulator";
import type { SimStore } from "./mocks/shopify/store";
import { truthByDay } from "./mocks/shopify/truth";
import { paymentFeeTruth, shippingTruth, type FeeDayTruth, type ShippingDayTruth } from "./mocks/shopify/payments";

/**
 * Runs the shop's jobs on a worker and stops it (as a killed process would: no grace) once its
 * orders file is partly ingested: some lines committed, the run still ingesting.
 */
export async function stopWorkerMidIngest(simulator: ShopifySimulator, shop: string) {
  const worker = startWorker({ shops: [shop], leaseMs: 1500, pollMs: 10, backoff: { baseMs: 5, maxMs: 50 } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    await simulator.settled();
    const [run] = await withShop(shop, (tx) => tx.select().from(syncRuns).where(and(eq(syncRuns.shopId, shop), eq(syncRuns.kind, "orders"))));
    if (run && run.linesProcessed > 0 && run.status === "ingesting") break;
    if (run?.status === "completed") throw new Error("ingest finished before it could be interrupted");
    if (Date.now() > deadline) throw new Error("ingest never started");
    await new Promise((r) => setTimeout(r, 5));
  }
  await worker.stop({ timeoutMs: 0 });
}

/** Runs the shop's jobs (and the simulator's webhooks they trigger) until nothing is left. */
export async function settle(simulator: ShopifySimulator, shop: string) {
  for (let round = 0; round < 600; round++) {
    await simulator.settled();
    const stats = await drainJobs({ shops: [shop], timeoutMs: 120_000, backoff: { baseMs: 5, maxMs: 50 } });
    await simulator.settled();
    const runs = await withShop(shop, (tx) => tx.select().from(syncRuns).where(eq(syncRuns.shopId, shop)));
    const active = runs.some((r) => ["requested", "running", "ingesting"].includes(r.status));
    if (!active && stats.claimed === 0) return runs;
    if (stats.claimed === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("sync did not settle");
}

const KEYS = ["grossSales", "discounts", "returns", "netSales", "shipping", "duties", "fees", "taxes", "tips", "totalSales", "cogs"] as const;

export async function ledgerByDay(shop: string): Promise<Map<string, Record<string, string | number>>> {
  const rows = await withShop(shop, (tx) =>
    queryRows<Components & { day: string }>(tx, sql`
      select d.day::text as day,
        coalesce(r.gross_sales, 0)::text as "grossSales", coalesce(r.discounts, 0)::text as discounts,
        coalesce(r.returns, 0)::text as returns, coalesce(r.shipping, 0)::text as shipping,
        coalesce(r.duties, 0)::text as duties, coalesce(r.fees, 0)::text as fees, coalesce(r.taxes, 0)::text as taxes,
        coalesce(r.tips, 0)::text as tips, coalesce(r.cogs, 0)::text as cogs,
        coalesce(r.net_sales_with_cost, 0)::text as "netSalesWithCost", coalesce(r.units, 0)::int as units,
        coalesce(o.orders, 0)::int as orders, coalesce(o.original_net_product, 0)::text as "originalNetProduct"
      from (select day from daily_rollups where shop_id = ${shop} union select day from daily_orders where shop_id = ${shop}) d
      left join (select day, sum(gross_sales) gross_sales, sum(discounts) discounts, sum(returns) returns, sum(shipping) shipping,
                   sum(duties) duties, sum(fees) fees, sum(taxes) taxes, sum(tips) tips, sum(cogs) cogs,
                   sum(net_sales_with_cost) net_sales_with_cost, sum(units) units
                 from daily_rollups where shop_id = ${shop} group by day) r on r.day = d.day
      left join daily_orders o on o.shop_id = ${shop} and o.day = d.day`),
  );
  return new Map(rows.map((r) => {
    const m = computeMetrics(sumComponents([r]));
    return [r.day, { ...Object.fromEntries(KEYS.map((k) => [k, m[k]])), orders: m.orders, units: m.units }];
  }));
}

/** Every day's figures in the ledger equal the truth's (and no day is in one only). */
export async function expectLedgerEqualsTruth(shop: string, store: SimStore, minDays = 1) {
  const truth = truthByDay(store, { from: "2026-01-01", to: "2027-12-31", costs: "current" });
  const ledger = await ledgerByDay(shop);
  const mismatches: string[] = [];
  let compared = 0;
  for (const t of truth) {
    const expected: Record<string, string | number> = { ...Object.fromEntries(KEYS.map((k) => [k, t[k]])), orders: t.orders, units: t.units };
    const hasActivity = Object.values(expected).some((v) => v !== "0.00" && v !== 0);
    const actual = ledger.get(t.day);
    if (!hasActivity && !actual) continue;
    compared++;
    for (const [key, value] of Object.entries(expected)) {
      if (String(actual?.[key] ?? (typeof value === "number" ? 0 : "0.00")) !== String(value)) mismatches.push(`${t.day} ${key}: ledger ${actual?.[key]} truth ${value}`);
    }
  }
  for (const day of ledger.keys()) if (!truth.some((t) => t.day === day)) mismatches.push(`${day}: in the ledger, not in the truth`);
  expect(mismatches.slice(0, 20)).toEqual([]);
  expect(compared).toBeGreaterThanOrEqual(minDays);
}

/**
 * daily_payment_fees and daily_shipping equal the simulator's truth (payments.ts),
 * every row, every column, exactly (money compared as decimals).
 */
export async function expectPaymentsEqualTruth(shop: string, store: SimStore) {
  const dec = (v: string) => new Big(v).toString();
  const fees = await withShop(shop, (tx) =>
    queryRows<FeeDayTruth>(tx, sql`
      select day::text as day, gateway, fees::text as fees, fee_transactions as "feeTransactions",
        uncovered_amount::text as "uncoveredAmount", uncovered_transactions as "uncoveredTransactions"
      from daily_payment_fees where shop_id = ${shop} order by day, gateway`),
  );
  const norm = (r: FeeDayTruth) => ({ ...r, fees: dec(r.fees), uncoveredAmount: dec(r.uncoveredAmount) });
  const feeTruth = paymentFeeTruth(store);
  const byKey = <T extends { day: string }>(k: (r: T) => string) => (a: T, b: T) => (a.day + k(a) < b.day + k(b) ? -1 : 1);
  expect(fees.map(norm).sort(byKey((r) => r.gateway))).toEqual(feeTruth.map(norm).sort(byKey((r) => r.gateway)));
  const shipping = await withShop(shop, (tx) =>
    queryRows<ShippingDayTruth>(tx, sql`
      select day::text as day, method, orders, units from daily_shipping
      where shop_id = ${shop} and (orders <> 0 or units <> 0) order by day, method`),
  );
  const shippingExpected = shippingTruth(store);
  expect(shipping.sort(byKey((r) => r.method))).toEqual(shippingExpected.sort(byKey((r) => r.method)));
  return { feeDays: feeTruth.length, shippingDays: shippingExpected.length };
}
