/**
 * A dashboard load is one tenant transaction (issue 11): the shop's row, the
 * period in the shop's zone, the sync status and the report, together, under the
 * request limits. The very first load (no shop row yet) is the one exception:
 * the door answers null and the route writes the row first.
 */
import { describe, expect, it } from "vitest";

import { getDatabase, type Db } from "~/db/client.server";
import { loadDashboardPage } from "~/reports/dashboard.server";
import { rangeFromParams, sortFromParams } from "~/reports/params.server";
import { recordInstall } from "~/shops.server";

import { newShop } from "../factories";
import { seedOtherShop, seedSales } from "../report-fixtures";

/** Counts the transactions opened on the process database while `fn` runs. */
async function countTransactions<T>(fn: () => Promise<T>): Promise<{ result: T; transactions: number }> {
  const db = (await getDatabase()).db;
  const original = db.transaction.bind(db) as Db["transaction"];
  let transactions = 0;
  (db as { transaction: Db["transaction"] }).transaction = ((...args: Parameters<Db["transaction"]>) => {
    transactions++;
    return original(...args);
  }) as Db["transaction"];
  try {
    return { result: await fn(), transactions };
  } finally {
    (db as { transaction: Db["transaction"] }).transaction = original;
  }
}

const march = new URLSearchParams({ from: "2026-03-01", to: "2026-03-07" });

describe("loadDashboardPage", () => {
  it("reads the shop, its sync status and the report in one transaction, this shop's figures only", async () => {
    const shop = newShop("page");
    const other = newShop("page-other");
    await recordInstall(shop, { name: "Page Store", myshopifyDomain: shop, currencyCode: "USD", ianaTimezone: "America/New_York" }, "read_all_orders,read_orders,read_products");
    await seedSales(shop);
    await seedOtherShop(other);
    const { result, transactions } = await countTransactions(() =>
      loadDashboardPage(shop, (row) => {
        expect(row.ianaTimezone).toBe("America/New_York");
        return { range: rangeFromParams(march, row.ianaTimezone), sort: sortFromParams(march) };
      }));
    expect(transactions).toBe(1);
    expect(result?.shop.shopId).toBe(shop);
    expect(result?.sync.state).toBe("never");
    expect(result?.hasData).toBe(true);
    expect(JSON.stringify(result?.report)).not.toContain("OTHER-SHOP-CANARY");
  });

  it("answers null for a shop with no row yet (its first load writes it), in that one transaction", async () => {
    const { result, transactions } = await countTransactions(() => loadDashboardPage(newShop("page-new"), () => {
      throw new Error("the period is not chosen without a shop row");
    }));
    expect(result).toBeNull();
    expect(transactions).toBe(1);
  });
});
