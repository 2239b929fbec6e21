/**
 * The Expenses page's data in one tenant transaction: the shop's currency and time
 * zone, every expense entry (those in another currency flagged: net profit leaves them
 * out), and the gateways and shipping methods the shop's orders used in the last year,
 * so the merchant picks names Shopify actually records.
 */
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import { readShop } from "~/shops.server";

import { readExpenses, type Expenses } from "./expenses.server";
import { readSeenNames, type SeenNames } from "./net-profit.server";

export interface ExpensesPage {
  currencyCode: string;
  timezone: string;
  today: string;
  expenses: Expenses;
  seen: SeenNames;
}

const localDay = (timeZone: string, now: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);

export async function loadExpensesPage(shop: string, now = new Date()): Promise<ExpensesPage | null> {
  return withShop(shop, async (tx) => {
    const row = await readShop(tx, shop);
    if (!row) return null;
    const today = localDay(row.ianaTimezone, now);
    const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
    return {
      currencyCode: row.currencyCode,
      timezone: row.ianaTimezone,
      today,
      expenses: await readExpenses(tx, shop),
      seen: await readSeenNames(tx, shop, { from: yearAgo, to: today }),
    };
  }, { limits: REQUEST_LIMITS });
}
