/**
 * "Figures complete from <date>": without read_all_orders Shopify serves only the
 * last 60 days of orders (app/sync/history.server.ts), so the shop's history in the
 * ledger starts at `shops.history_from`. Reports never pretend the days before are
 * zero: the dashboard says from which local day its figures are complete.
 */
import { addDays, todayIn, type Period } from "./period";

/**
 * The first shop-local day whose figures are complete, or null when the whole
 * history is. The day containing history_from itself is only partly covered (orders
 * created before that instant on that day were out of reach), hence the next day.
 */
export function completeFromDay(historyFrom: Date | string | null, timeZone: string): string | null {
  if (!historyFrom) return null;
  return addDays(todayIn(timeZone, new Date(historyFrom)), 1);
}

/** The shop-local day of history_from: the app holds (some of) that day's orders and every later day's. */
export function historyFromDay(historyFrom: Date | string | null, timeZone: string): string | null {
  return historyFrom ? todayIn(timeZone, new Date(historyFrom)) : null;
}

/** Whether a period (or its comparison) reaches before the complete history. */
export function reachesBeforeHistory(completeFrom: string | null, ...periods: Array<Period | null | undefined>): boolean {
  return completeFrom !== null && periods.some((p) => p !== null && p !== undefined && p.from < completeFrom);
}

/** "Oct 4, 2026" for a day key, whatever the viewer's zone (the key is already the shop's local day). */
export const formatDay = (day: string): string =>
  new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" }).format(new Date(`${day}T00:00:00Z`));
