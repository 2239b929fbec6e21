/**
 * How far back Shopify lets this app read orders, and from when a shop's figures
 * are therefore complete.
 *
 * "Only the last 60 days' worth of orders from a store are accessible from the
 * Order object by default. If you want to access older records, then you need to
 * request access to all orders. If your app is granted access, then you can add
 * the read_all_orders, read_orders, and write_orders scopes."
 * (shopify.dev/docs/api/admin-graphql/latest/objects/Order, note)
 *
 * The app requests read_all_orders (shopify.app.toml), but Shopify grants it only
 * after a request in the Partner Dashboard, so a shop may run without it. Then:
 *  - the backfill sees the last 60 days; `shops.history_from` records that start,
 *    and the dashboard says "figures complete from <date>" instead of zeros;
 *  - later days stay complete for orders created since (webhooks + re-reads), but
 *    a change to an order older than the window cannot be read: the re-read keeps
 *    what the ledger holds instead of taking "not found" for a deletion (so the
 *    refund, edit or deletion of such an order is missed: the README says so);
 *  - when the scope is granted later, a full backfill runs, and history_from clears
 *    only when an orders run started with read_all_orders completes (bulk.server.ts):
 *    until then the figures before it are still incomplete. A grant that arrives
 *    while a run without it is under way waits for that run, then starts its own
 *    (startFullHistorySync).
 */
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";

export const ALL_ORDERS_SCOPE = "read_all_orders";
export const ORDER_WINDOW_DAYS = 60;
const DAY_MS = 86_400_000;

export const hasAllOrders = (scopes: string | null | undefined): boolean =>
  (scopes ?? "").split(",").map((s) => s.trim()).includes(ALL_ORDERS_SCOPE);

/** The first instant Shopify's 60-day window reaches, seen from `now`. */
export const windowStart = (now: Date): Date => new Date(now.getTime() - ORDER_WINDOW_DAYS * DAY_MS);

/**
 * history_from after an auth or a scopes change. With read_all_orders: the value
 * held (null on a first install), because only a completed backfill that read the
 * whole history makes older figures complete, and that clears it. Without it: the
 * window's start when this installation began (a reinstall starts again: nothing
 * was heard while uninstalled), else the value already held.
 */
export function historyFromAfterAuth(scopes: string | null | undefined, held: Date | null, newInstallation: boolean, now = new Date()): Date | null {
  if (hasAllOrders(scopes)) return held;
  return newInstallation || !held ? windowStart(now) : held;
}

/**
 * Whether an order Shopify answered "not found" for may simply be out of reach
 * (created before the window, read without read_all_orders) rather than deleted.
 * A day of margin: our clock and Shopify's window need not agree to the second.
 */
export async function beyondReach(tx: Tx, shop: string, orderId: string, scopes: string | null): Promise<boolean> {
  if (hasAllOrders(scopes)) return false;
  const [row] = await queryRows<{ beyond: boolean }>(tx, sql`
    select created_at < now() - make_interval(days => ${ORDER_WINDOW_DAYS - 1}) as beyond
    from orders where shop_id = ${shop} and order_id = ${orderId}`);
  return row?.beyond === true;
}

/**
 * The window a complete orders export covers (ledger.server.ts reconciles inside
 * it): orders created before the bulk operation began, and, for an operation
 * started without read_all_orders (the run records which: sync_runs.all_orders),
 * no older than Shopify's 60 days (a day of margin at the edge: older orders the
 * ledger holds are out of reach, not deleted). A scope granted while the operation
 * ran does not widen what it read. Undefined when Shopify did not say when the
 * operation began: then nothing is reconciled.
 */
export function exportWindow(operationCreatedAt: string | null, allOrders: boolean): { from: Date | null; to: Date } | undefined {
  if (!operationCreatedAt || Number.isNaN(Date.parse(operationCreatedAt))) return undefined;
  const to = new Date(operationCreatedAt);
  return { from: allOrders ? null : new Date(to.getTime() - (ORDER_WINDOW_DAYS - 1) * DAY_MS), to };
}

