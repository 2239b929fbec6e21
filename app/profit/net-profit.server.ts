/**
 * Net profit's inputs for a report's periods, read in the caller's tenant
 * transaction (the dashboard keeps its single-transaction load): Shopify's fees and
 * the uncovered transactions per gateway and day, the orders and units per shipping
 * method and day (profit-data's doors, from the rollups the sync keeps), and the
 * merchant's expenses in the shop's currency. The arithmetic is net-profit.ts.
 */
import type { Tx } from "~/db/client.server";

import { applicableExpenses, readExpenses } from "./expenses.server";
import { eachDayOf, expensesByDay, type Expenses } from "./net-profit";
import { loadPaymentFeeDays } from "./payment-fees.server";
import { loadShippingDays } from "./shipping-volume.server";

/** A report period: inclusive local days (app/reports/period.ts's Period). */
interface Days {
  from: string;
  to: string;
}

/** Every day of the periods → its expenses (exact). */
export async function readExpenseDays(tx: Tx, shop: string, periods: Days[], currencyCode: string): Promise<Map<string, Expenses>> {
  const expenses = applicableExpenses(await readExpenses(tx, shop), currencyCode);
  const feeDays = await loadPaymentFeeDays(tx, shop, periods);
  const shippingDays = await loadShippingDays(tx, shop, periods);
  const days = [...new Set(periods.flatMap((p) => eachDayOf(p.from, p.to)))];
  return expensesByDay(days, { feeDays, shippingDays, rates: expenses.rates, rules: expenses.rules, costs: expenses.costs });
}

export interface SeenNames {
  /** Gateways with transactions in the window, with how many had no fee data from Shopify. */
  gateways: Array<{ gateway: string; transactions: number; uncoveredTransactions: number }>;
  /** Shipping methods with orders in the window. */
  methods: Array<{ method: string; orders: number }>;
}

/** The gateways and shipping methods the shop's orders used in a window (the Expenses page's choices). */
export async function readSeenNames(tx: Tx, shop: string, window: Days): Promise<SeenNames> {
  const gateways = new Map<string, { transactions: number; uncoveredTransactions: number }>();
  for (const f of await loadPaymentFeeDays(tx, shop, [window])) {
    const g = gateways.get(f.gateway) ?? { transactions: 0, uncoveredTransactions: 0 };
    g.transactions += f.feeTransactions + f.uncoveredTransactions;
    g.uncoveredTransactions += f.uncoveredTransactions;
    gateways.set(f.gateway, g);
  }
  const methods = new Map<string, number>();
  for (const s of await loadShippingDays(tx, shop, [window])) methods.set(s.method, (methods.get(s.method) ?? 0) + s.orders);
  return {
    gateways: [...gateways].map(([gateway, g]) => ({ gateway, ...g })).sort((a, b) => b.transactions - a.transactions || a.gateway.localeCompare(b.gateway)),
    methods: [...methods].filter(([, orders]) => orders > 0).map(([method, orders]) => ({ method, orders })).sort((a, b) => b.orders - a.orders || a.method.localeCompare(b.method)),
  };
}
