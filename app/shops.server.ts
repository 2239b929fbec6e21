/**
 * The shop's own row: created on install (idempotently: afterAuth runs again on
 * every token exchange), read by every page, marked on uninstall.
 */
import { and, eq, like, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { audit } from "~/security/audit.server";
import { enqueue } from "~/jobs/queue.server";
import { ALL_ORDERS_SCOPE, hasAllOrders, historyFromAfterAuth } from "~/sync/history.server";
import { SHOP_PROFILE_QUERY, type ShopProfile } from "~/sync/queries.server";
import type { MarginNotesShopProfileQuery } from "~/types/admin.generated";

export type Shop = typeof shops.$inferSelect;

/** A writer found its shop being erased (shops.erasing_since): it wrote nothing. */
export class ShopErasingError extends Error {
  constructor(readonly shop: string) {
    super("the shop's data is being erased");
    this.name = "ShopErasingError";
  }
}

/**
 * Call first in a transaction that writes for the shop: holds the shop's row (FOR
 * SHARE) until the transaction ends. Marking the shop erasing (markShopErasing)
 * updates that row, so it waits for every writer already past this point to commit,
 * and every writer after it sees the mark; the erase deletes the row last, under
 * FOR UPDATE, once every table is empty (app/webhooks/erase-shop.server.ts).
 * "absent": no row (not installed yet, or erased): the caller decides.
 */
export async function holdShopForWrite(tx: Tx, shop: string): Promise<"open" | "erasing" | "absent"> {
  const [row] = await tx.select({ erasingSince: shops.erasingSince }).from(shops).where(eq(shops.shopId, shop)).for("share");
  if (!row) return "absent";
  return row.erasingSince ? "erasing" : "open";
}

/** In the transaction that queues the erase (an asSystem tx): from its commit on, writers leave the shop alone. */
export async function markShopErasing(tx: Tx, shop: string): Promise<void> {
  await tx.update(shops).set({ erasingSince: sql`coalesce(${shops.erasingSince}, now())` }).where(eq(shops.shopId, shop));
}

/** app/uninstalled: the shop left (the first time it was heard counts). */
export async function markShopUninstalled(tx: Tx, shop: string): Promise<void> {
  await tx.update(shops).set({ uninstalledAt: sql`coalesce(${shops.uninstalledAt}, now())`, updatedAt: new Date() }).where(eq(shops.shopId, shop));
}

/** A reinstall heard before the uninstall it follows: this installation began at `at`. */
export async function markShopInstalledAt(tx: Tx, shop: string, at: Date): Promise<void> {
  await tx.update(shops).set({ installedAt: at, updatedAt: new Date() }).where(eq(shops.shopId, shop));
}

/**
 * app/scopes_update: records the scopes the shop now grants and, with them, from
 * when figures are complete (history.server.ts). `granted`: read_all_orders came
 * on an installed shop (the caller reads the whole history).
 */
export async function updateShopScopes(tx: Tx, shop: string, scopes: string): Promise<{ granted: boolean }> {
  const [held] = await tx.select({ scopes: shops.scopes, historyFrom: shops.historyFrom }).from(shops).where(eq(shops.shopId, shop));
  const historyFrom = historyFromAfterAuth(scopes, held?.historyFrom ?? null, false);
  await tx.update(shops).set({ scopes, historyFrom, updatedAt: new Date() }).where(eq(shops.shopId, shop));
  return { granted: Boolean(held) && !hasAllOrders(held?.scopes) && hasAllOrders(scopes) };
}

/**
 * A completed orders backfill that read the whole history (started with
 * read_all_orders): figures are complete from the beginning, if the shop still
 * holds the scope (a withdrawal meanwhile set the date it stands by).
 */
export async function clearHistoryFromIfAllOrders(tx: Tx, shop: string): Promise<void> {
  const [row] = await tx.select({ scopes: shops.scopes }).from(shops).where(eq(shops.shopId, shop));
  if (!hasAllOrders(row?.scopes)) return;
  await tx.update(shops).set({ historyFrom: null, updatedAt: new Date() }).where(and(eq(shops.shopId, shop), like(shops.scopes, `%${ALL_ORDERS_SCOPE}%`)));
}

/** What an auth changed, so the caller knows which work to start. */
export interface InstallOutcome {
  /** A new installation (first install, or a reinstall): start the first sync. */
  installed: boolean;
  /** read_all_orders appeared on an existing installation: backfill the whole history. */
  allOrdersGranted: boolean;
  /** The time zone or currency changed since the last auth (the rollups rebuild job is enqueued). */
  profileChanged: boolean;
}

/**
 * Upserts the shop's row; audits only a real (re)install, not the hourly token
 * exchange. Also notices what changed since the last auth:
 *  - the scopes (history.server.ts: without read_all_orders, history_from says from
 *    when figures are complete);
 *  - the time zone: every rollup is keyed by the shop's local day, so all of them are
 *    rebuilt in the new zone (a job, enqueued by syncShopProfile once this commits);
 *  - the currency: Shopify keeps each order in "the shop currency when the order was
 *    placed" (Order.currencyCode) and converts nothing, so a resync would read the
 *    same amounts again: no resync; the change is audited and the rollups rebuilt
 *    with the rest (orders keep their own currency_code; see reports/metrics.ts).
 */
export async function recordInstall(shop: string, profile: ShopProfile, scopes: string | undefined, exchangedAt?: Date): Promise<InstallOutcome> {
  return withShop(shop, async (tx) => {
    // The layout and page loaders can both run afterAuth on a first load: one at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`install:${shop}`}))`);
    // A visit while the erase runs must not start a new installation under it.
    if ((await holdShopForWrite(tx, shop)) === "erasing") throw new ShopErasingError(shop);
    const before = await readShop(tx, shop);
    const installed = !before || before.uninstalledAt !== null;
    const historyFrom = historyFromAfterAuth(scopes, before?.historyFrom ?? null, installed);
    await tx
      .insert(shops)
      .values({
        shopId: shop,
        name: profile.name,
        currencyCode: profile.currencyCode,
        ianaTimezone: profile.ianaTimezone,
        scopes: scopes ?? null,
        historyFrom,
        shopifyId: shopifyIdOf(profile),
        tokenExchangedAt: exchangedAt ?? null,
      })
      .onConflictDoUpdate({
        target: shops.shopId,
        set: {
          name: profile.name,
          currencyCode: profile.currencyCode,
          ianaTimezone: profile.ianaTimezone,
          scopes: scopes ?? null,
          historyFrom,
          shopifyId: sql`coalesce(${shopifyIdOf(profile)}::bigint, ${shops.shopifyId})`,
          // A reinstall after an uninstall starts a new installation.
          installedAt: sql`case when ${shops.uninstalledAt} is null then ${shops.installedAt} else now() end`,
          uninstalledAt: null,
          // Only afterAuth knows a token was exchanged (app/webhooks/lifecycle.server.ts).
          ...(exchangedAt ? { tokenExchangedAt: exchangedAt } : {}),
          updatedAt: new Date(),
        },
      });
    if (installed) await audit(tx, shop, { action: "app.installed", actor: { type: "shopify" }, meta: { reinstall: Boolean(before) } });
    const allOrdersGranted = !installed && !hasAllOrders(before?.scopes) && hasAllOrders(scopes);
    const profileChanged = !installed && (await auditProfileChange(tx, shop, before, profile));
    return { installed, allOrdersGranted, profileChanged };
  });
}

/** Audits a time-zone or currency change; true when there was one. */
async function auditProfileChange(tx: Tx, shop: string, before: Shop | undefined, profile: ShopProfile): Promise<boolean> {
  if (!before || (before.ianaTimezone === profile.ianaTimezone && before.currencyCode === profile.currencyCode)) return false;
  await audit(tx, shop, {
    action: "shop.profile_changed",
    actor: { type: "shopify" },
    meta: { timezoneFrom: before.ianaTimezone, timezoneTo: profile.ianaTimezone, currencyFrom: before.currencyCode, currencyTo: profile.currencyCode },
  });
  return true;
}

/**
 * shop/update: the profile as Shopify reads it now (the job re-reads it; the
 * webhook only says the shop changed). A time-zone or currency change is handled
 * as on auth, without waiting for the merchant to open the app.
 */
export async function refreshShopProfile(shop: string, profile: ShopProfile): Promise<"changed" | "unchanged" | "not-installed"> {
  const outcome = await withShop(shop, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`install:${shop}`}))`);
    const before = await readShop(tx, shop);
    if (!before || before.uninstalledAt) return "not-installed" as const;
    await tx.update(shops)
      .set({ name: profile.name, currencyCode: profile.currencyCode, ianaTimezone: profile.ianaTimezone, updatedAt: new Date() })
      .where(eq(shops.shopId, shop));
    return (await auditProfileChange(tx, shop, before, profile)) ? "changed" as const : "unchanged" as const;
  });
  if (outcome === "changed") await enqueueRollupsRebuild(shop);
  return outcome;
}

/**
 * One rebuild of every rollup, in the shop's time zone at the moment it runs
 * (app/sync/jobs.server.ts). Enqueued after the shop's row commits: the tenant role
 * may not write jobs, and a rebuild that ran before the new zone was stored would
 * rebuild in the old one (coalesced: a rebuild running then runs once more).
 */
const enqueueRollupsRebuild = (shop: string) =>
  enqueue("sync.rollups.rebuild", { shop }, { shopId: shop, key: `rollups-rebuild:${shop}`, coalesce: true });

/** Shop.id's number, from the profile's gid (null when the profile did not carry it). */
export function shopifyIdOf(profile: Pick<ShopProfile, "id">): number | null {
  const match = /^gid:\/\/shopify\/Shop\/(\d{1,16})$/.exec(profile.id ?? "");
  return match ? Number(match[1]) : null;
}

/** The shop's Shopify id as recorded at sign-in, or null (not recorded yet, or no such shop). */
export async function storedShopifyId(shop: string): Promise<number | null> {
  const row = await loadShop(shop);
  return row?.shopifyId ?? null;
}

export async function readShop(tx: Tx, shop: string): Promise<Shop | undefined> {
  const [row] = await tx.select().from(shops).where(eq(shops.shopId, shop));
  return row;
}

/** readShop as a prepared statement (the live re-read's: one round trip, sent beside the token's read). */
export async function readShopPrepared(tx: Tx, shop: string): Promise<Shop | undefined> {
  const [row] = await tx.select().from(shops).where(eq(shops.shopId, shop)).prepare("shop_row").execute();
  return row;
}

/** The shop's IANA time zone, read in the caller's transaction (undefined before install). */
export const readShopTimezone = async (tx: Tx, shop: string): Promise<string | undefined> => (await readShop(tx, shop))?.ianaTimezone;

export async function loadShop(shop: string): Promise<Shop | undefined> {
  return withShop(shop, (tx) => readShop(tx, shop));
}

interface AdminClient {
  graphql(query: string, options?: { tries?: number }): Promise<Response>;
}

async function fetchShopProfile(admin: AdminClient): Promise<ShopProfile> {
  // tries: the library retries 429s and 5xx itself, so a busy moment at install passes.
  const response = await admin.graphql(SHOP_PROFILE_QUERY, { tries: 3 });
  const body = (await response.json()) as { data?: MarginNotesShopProfileQuery; errors?: unknown };
  if (!body.data?.shop) throw new Error(`shop profile query failed: ${JSON.stringify(body.errors ?? null).slice(0, 300)}`);
  return body.data.shop;
}

/**
 * afterAuth: record (or refresh) the shop's row; start the first sync, or the whole
 * history once granted. `exchangedAt`: when afterAuth began, right after a token
 * exchange (a page loader that writes the row itself passes none).
 */
export async function syncShopProfile(shop: string, scopes: string | undefined, admin: AdminClient, exchangedAt?: Date): Promise<void> {
  const outcome = await recordInstall(shop, await fetchShopProfile(admin), scopes, exchangedAt);
  if (outcome.installed) {
    // Handled by app/sync/jobs.server.ts; the key makes a racing second afterAuth a no-op.
    await enqueue("sync.bulk.start", { shop }, { shopId: shop, key: `first-sync:${shop}` });
  } else if (outcome.allOrdersGranted) {
    // The orders older than 60 days were out of reach until now: read them all
    // (after a run under way that cannot; app/sync/full-history.server.ts).
    await enqueue("sync.bulk.full_history", { shop }, { shopId: shop, key: `full-history:${shop}` });
  }
  if (outcome.profileChanged && !outcome.installed) await enqueueRollupsRebuild(shop);
}

/**
 * The shop's row for a page. On the very first load Remix runs the layout and page
 * loaders in parallel, so the page can arrive before afterAuth has written the row:
 * then it is written here, from the same idempotent path.
 */
export async function requireShop(shop: string, scopes: string | undefined, admin: AdminClient): Promise<Shop> {
  const existing = await loadShop(shop);
  if (existing && !existing.uninstalledAt) return existing;
  await syncShopProfile(shop, scopes, admin);
  return (await loadShop(shop))!;
}
