/**
 * The shop's own row: created on install (idempotently: afterAuth runs again on
 * every token exchange), read by every page, marked on uninstall.
 */
import { eq, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { audit } from "~/security/audit.server";
import { enqueue } from "~/jobs/queue.server";
import { SHOP_PROFILE_QUERY, type ShopProfile } from "~/sync/queries.server";

export type Shop = typeof shops.$inferSelect;

/**
 * Upserts the shop's row; audits only a real (re)install, not the hourly token
 * exchange. Returns whether this was one, so the caller starts the first sync.
 */
export async function recordInstall(shop: string, profile: ShopProfile, scopes: string | undefined): Promise<boolean> {
  return withShop(shop, async (tx) => {
    // The layout and page loaders can both run afterAuth on a first load: one at a time.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`install:${shop}`}))`);
    const before = await readShop(tx, shop);
    await tx
      .insert(shops)
      .values({
        shopId: shop,
        name: profile.name,
        currencyCode: profile.currencyCode,
        ianaTimezone: profile.ianaTimezone,
        scopes: scopes ?? null,
      })
      .onConflictDoUpdate({
        target: shops.shopId,
        set: {
          name: profile.name,
          currencyCode: profile.currencyCode,
          ianaTimezone: profile.ianaTimezone,
          scopes: scopes ?? null,
          // A reinstall after an uninstall starts a new installation.
          installedAt: sql`case when ${shops.uninstalledAt} is null then ${shops.installedAt} else now() end`,
          uninstalledAt: null,
          updatedAt: new Date(),
        },
      });
    const installed = !before || before.uninstalledAt !== null;
    if (installed) await audit(tx, shop, { action: "app.installed", actor: { type: "shopify" }, meta: { reinstall: Boolean(before) } });
    return installed;
  });
}

export async function readShop(tx: Tx, shop: string): Promise<Shop | undefined> {
  const [row] = await tx.select().from(shops).where(eq(shops.shopId, shop));
  return row;
}

export async function loadShop(shop: string): Promise<Shop | undefined> {
  return withShop(shop, (tx) => readShop(tx, shop));
}

interface AdminClient {
  graphql(query: string, options?: { tries?: number }): Promise<Response>;
}

async function fetchShopProfile(admin: AdminClient): Promise<ShopProfile> {
  // tries: the library retries 429s and 5xx itself, so a busy moment at install passes.
  const response = await admin.graphql(SHOP_PROFILE_QUERY, { tries: 3 });
  const body = (await response.json()) as { data?: { shop: ShopProfile }; errors?: unknown };
  if (!body.data?.shop) throw new Error(`shop profile query failed: ${JSON.stringify(body.errors ?? null).slice(0, 300)}`);
  return body.data.shop;
}

/** afterAuth: record (or refresh) the shop's row; on a (re)install, start the first sync. */
export async function syncShopProfile(shop: string, scopes: string | undefined, admin: AdminClient): Promise<void> {
  if (await recordInstall(shop, await fetchShopProfile(admin), scopes)) {
    // Handled by app/sync/jobs.server.ts; the key makes a racing second afterAuth a no-op.
    await enqueue("sync.bulk.start", { shop }, { shopId: shop, key: `first-sync:${shop}` });
  }
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
