/**
 * Products, variants and unit costs: from the products backfill (bulk JSONL) and
 * from products/update and inventory_items/update webhooks. Costs are history:
 * Shopify only tells us the current cost, so each change we hear about becomes a
 * row, and the first sync's costs are recorded as a `backfill`.
 */
import { pgArray } from "~/db/pg-array";
import { sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import type { MarginNotesProductsBulkQuery } from "~/types/admin.generated";

import { numericId } from "./stage.server";

// PRODUCTS_BULK_QUERY's nodes; in the JSONL a variant is a line of its own with __parentId.
type ProductNode = Omit<MarginNotesProductsBulkQuery["products"]["edges"][number]["node"], "variants">;
type VariantNode = MarginNotesProductsBulkQuery["products"]["edges"][number]["node"]["variants"]["edges"][number]["node"];
type BulkLine = (Partial<ProductNode> & Partial<VariantNode> & { id: string; __parentId?: string });

interface ProductRow { id: string; title: string; updatedAt: string | null }
interface VariantRow { id: string; productId: string; title: string | null; sku: string | null; inventoryItemId: string | null; unitCost: string | null }

export class CatalogBatch {
  readonly products: ProductRow[] = [];
  readonly variants: VariantRow[] = [];

  get size() {
    return this.products.length + this.variants.length;
  }

  addBulkLine(raw: string) {
    const node = JSON.parse(raw) as BulkLine;
    if (!node.__parentId) {
      this.products.push({ id: numericId(node.id), title: node.title ?? "", updatedAt: node.updatedAt ?? null });
    } else {
      this.variants.push({
        id: numericId(node.id), productId: numericId(node.__parentId), title: node.title ?? null, sku: node.sku ?? null,
        inventoryItemId: node.inventoryItem ? numericId(node.inventoryItem.id) : null,
        unitCost: node.inventoryItem?.unitCost?.amount ?? null,
      });
    }
  }

  /** Writes the batch; with `costsAsOf` (the sync's start) current costs become backfill history. */
  async write(tx: Tx, shop: string, costsAsOf?: Date): Promise<void> {
    if (this.products.length) {
      await tx.execute(sql`
        insert into products (shop_id, product_id, title, source_updated_at)
        select ${shop}, * from unnest(${pgArray(this.products.map((p) => p.id))}::bigint[],
          ${pgArray(this.products.map((p) => p.title))}::text[], ${pgArray(this.products.map((p) => p.updatedAt))}::timestamptz[])
        on conflict (shop_id, product_id) do update set title = excluded.title, source_updated_at = excluded.source_updated_at
        where products.source_updated_at is null or products.source_updated_at <= excluded.source_updated_at`);
    }
    if (this.variants.length) {
      const v = this.variants;
      await tx.execute(sql`
        insert into variants (shop_id, variant_id, product_id, title, sku, inventory_item_id)
        select ${shop}, * from unnest(${pgArray(v.map((x) => x.id))}::bigint[], ${pgArray(v.map((x) => x.productId))}::bigint[],
          ${pgArray(v.map((x) => x.title))}::text[], ${pgArray(v.map((x) => x.sku))}::text[],
          ${pgArray(v.map((x) => x.inventoryItemId))}::bigint[])
        on conflict (shop_id, variant_id) do update set product_id = excluded.product_id, title = excluded.title,
          sku = excluded.sku, inventory_item_id = excluded.inventory_item_id`);
      if (!costsAsOf) return;
      const costed = v.filter((x) => x.inventoryItemId);
      // Only items with no history yet: a webhook-recorded cost is more precise than a backfill.
      await tx.execute(sql`
        insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
        select ${shop}, item, ${costsAsOf.toISOString()}::timestamptz, cost, 'backfill'
        from unnest(${pgArray(costed.map((x) => x.inventoryItemId))}::bigint[], ${pgArray(costed.map((x) => x.unitCost))}::numeric[]) as t(item, cost)
        where not exists (select 1 from cost_history ch where ch.shop_id = ${shop} and ch.inventory_item_id = t.item)
        on conflict do nothing`);
    }
  }
}

/** products/update: titles and variants (webhook payloads are REST-shaped). */
export async function applyProductUpdate(tx: Tx, shop: string, payload: {
  id: number; title: string; updated_at: string;
  variants?: Array<{ id: number; title?: string | null; sku?: string | null; inventory_item_id?: number | null }>;
}): Promise<void> {
  const batch = new CatalogBatch();
  batch.products.push({ id: String(payload.id), title: payload.title, updatedAt: payload.updated_at });
  for (const v of payload.variants ?? []) {
    batch.variants.push({
      id: String(v.id), productId: String(payload.id), title: v.title ?? null, sku: v.sku ?? null,
      inventoryItemId: v.inventory_item_id ? String(v.inventory_item_id) : null, unitCost: null,
    });
  }
  // No costs in this payload: cost history comes from inventory_items/update.
  await batch.write(tx, shop);
}

/** inventory_items/update: a cost change, effective when Shopify says it happened. */
export async function recordCostChange(tx: Tx, shop: string, payload: { id: number; cost: string | null; updated_at: string }): Promise<void> {
  await tx.execute(sql`
    insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
    values (${shop}, ${String(payload.id)}::bigint, ${payload.updated_at}::timestamptz, ${payload.cost}::numeric, 'webhook')
    on conflict (shop_id, inventory_item_id, effective_at) do update set unit_cost = excluded.unit_cost`);
}
