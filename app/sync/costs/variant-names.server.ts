/**
 * The sync's door to variant names for other modules (the Activity page names the
 * variant whose cost was edited): product title and variant title of the variants that
 * are still in the store, read in the caller's transaction.
 */
import { and, eq, inArray } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { products, variants } from "~/db/schema.server";

export interface VariantName {
  variantId: string;
  productTitle: string | null;
  variantTitle: string | null;
}

/** Keyed by variant id; a variant no longer in the store is absent. */
export async function readVariantNames(tx: Tx, shop: string, variantIds: string[]): Promise<Map<string, VariantName>> {
  if (variantIds.length === 0) return new Map();
  const rows = await tx
    .select({ id: variants.variantId, variantTitle: variants.title, productTitle: products.title })
    .from(variants)
    .leftJoin(products, and(eq(products.shopId, variants.shopId), eq(products.productId, variants.productId)))
    .where(and(eq(variants.shopId, shop), inArray(variants.variantId, variantIds.map(Number))));
  return new Map(rows.map((r) => [String(r.id), { variantId: String(r.id), productTitle: r.productTitle, variantTitle: r.variantTitle }]));
}
