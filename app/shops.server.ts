/**
 * The shop's own row: created on install (idempotently: afterAuth runs again on
 * every token exchange), read by every page, marked on uninstall.
 */
import { eq, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import type { ShopProfile } from "~/sync/queries.server";

export type Shop = typeof shops.$inferSelect;

export async function recordInstall(shop: string, profile: ShopProfile, scopes: string | undefined): Promise<void> {
  await withShop(shop, async (tx) => {
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
  });
}

export async function readShop(tx: Tx, shop: string): Promise<Shop | undefined> {
  const [row] = await tx.select().from(shops).where(eq(shops.shopId, shop));
  return row;
}

export async function loadShop(shop: string): Promise<Shop | undefined> {
  return withShop(shop, (tx) => readShop(tx, shop));
}
