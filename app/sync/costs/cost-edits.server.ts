/**
 * A merchant's own unit costs (docs/decisions/0011-merchant-costs.md): an edit on
 * the Costs page or a CSV import becomes cost_history entries (source 'merchant' or
 * 'csv') effective from the start of a day in the shop's zone, in our ledger only —
 * nothing is ever written to Shopify. Each write queues one re-cost (cost_recosts)
 * that applies the entries to exactly the sales their cost periods cover
 * (recost.server.ts). Owner-only and rate-limited at the route; audited here, in
 * the same transaction as the write.
 */
import { randomUUID } from "node:crypto";

import Big from "big.js";
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { pgArray } from "~/db/pg-array";
import { withShop } from "~/db/tenant.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { readShop } from "~/shops.server";

import { checkEffectiveDate, checkUnitCost, parseCostCsv, type CostCsvRow } from "./cost-csv";
import type { ImportChange, ImportPlan } from "./cost-types";
import { enqueueRecost } from "./recost.server";

export class CostInputError extends Error {
  constructor(message: string, readonly field?: "unitCost" | "effectiveDate" | "variantId") {
    super(message);
    this.name = "CostInputError";
  }
}

interface Who { actor: Actor; origin: RequestOrigin | null }

const todayIn = async (tx: Tx, tz: string) =>
  (await queryRows<{ day: string }>(tx, sql`select (now() at time zone ${tz})::date::text as day`))[0]!.day;

/** Writes entries (one statement) and their re-cost row; the caller audits and enqueues. */
async function writeEntries(tx: Tx, shop: string, tz: string, source: "merchant" | "csv", entries: Array<{ item: string; day: string; cost: string }>): Promise<string> {
  const recostId = randomUUID();
  await tx.execute(sql`
    insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source, recorded_at, recost_id)
    select ${shop}, t.item, (t.day::timestamp at time zone ${tz}), t.cost, ${source}, now(), ${recostId}
    from unnest(${pgArray(entries.map((e) => e.item))}::bigint[], ${pgArray(entries.map((e) => e.day))}::date[],
      ${pgArray(entries.map((e) => e.cost))}::numeric[]) as t(item, day, cost)
    on conflict (shop_id, inventory_item_id, effective_at) do update set
      unit_cost = excluded.unit_cost, source = excluded.source, recorded_at = excluded.recorded_at, recost_id = excluded.recost_id`);
  await tx.execute(sql`
    insert into cost_recosts (shop_id, recost_id, kind, status, entries)
    values (${shop}, ${recostId}, ${source === "csv" ? "import" : "edit"}, 'queued', ${entries.length})`);
  return recostId;
}

/** One variant's cost from a day on. Throws CostInputError with a field for the form. */
export async function editCost(shop: string, input: { variantId: string; unitCost: string; effectiveDate: string }, who: Who): Promise<{ recostId: string }> {
  const cost = checkUnitCost(input.unitCost);
  if (!cost.ok) throw new CostInputError(cost.message, "unitCost");
  const recostId = await withShop(shop, async (tx) => {
    const shopRow = await readShop(tx, shop);
    if (!shopRow) throw new CostInputError("This store is not set up yet; reload the app.");
    const tz = shopRow.ianaTimezone;
    const day = checkEffectiveDate(input.effectiveDate, await todayIn(tx, tz));
    if (!day.ok) throw new CostInputError(day.message, "effectiveDate");
    const [variant] = await queryRows<{ item: string | null }>(tx, sql`
      select inventory_item_id::text as item from variants where shop_id = ${shop} and variant_id = ${input.variantId}::bigint`);
    if (!variant) throw new CostInputError("This variant is not in the store's catalogue (it may have been deleted).", "variantId");
    if (!variant.item) throw new CostInputError("Shopify lists no inventory item for this variant, so it has no unit cost to set.", "variantId");
    const id = await writeEntries(tx, shop, tz, "merchant", [{ item: variant.item, day: day.value, cost: cost.value }]);
    await audit(tx, shop, {
      action: "costs.edited", actor: who.actor, target: `variant:${input.variantId}`,
      meta: { unitCost: cost.value, effectiveDate: day.value, currency: shopRow.currencyCode }, origin: who.origin ?? undefined,
    });
    return id;
  });
  await enqueueRecost(shop);
  return { recostId };
}

/** How many changes and errors a preview lists (the counts are always complete). */
export const PREVIEW_LIST_LIMIT = 200;

interface Resolved extends CostCsvRow { resolvedVariantId: string; item: string; product: string; variant: string | null; day: string }

/**
 * Checks a file against the catalogue: every row names one variant with an
 * inventory item (by Variant ID, or by a SKU only one variant has), no two rows
 * name the same variant and day, and each row's cost either changes the cost in
 * force on its day or is counted unchanged.
 */
async function planImport(tx: Tx, shop: string, text: string): Promise<{ plan: ImportPlan; tz: string; currency: string; resolved: Resolved[] }> {
  const shopRow = await readShop(tx, shop);
  if (!shopRow) throw new CostInputError("This store is not set up yet; reload the app.");
  const tz = shopRow.ianaTimezone;
  const today = await todayIn(tx, tz);
  const parsed = parseCostCsv(text, { currency: shopRow.currencyCode, today });
  const empty = { rows: 0, changes: [], unchanged: 0, errors: [] };
  if (!parsed.ok) return { plan: { ok: false, fileError: parsed.message, ...empty }, tz, currency: shopRow.currencyCode, resolved: [] };
  const errors = [...parsed.errors];
  const ids = [...new Set(parsed.rows.flatMap((r) => (r.variantId ? [r.variantId] : [])))];
  const skus = [...new Set(parsed.rows.flatMap((r) => (r.sku ? [r.sku] : [])))];
  const found = await queryRows<{ variant_id: string; sku: string | null; item: string | null; product: string; variant: string | null }>(tx, sql`
    select v.variant_id::text, v.sku, v.inventory_item_id::text as item, p.title as product, v.title as variant
    from variants v join products p on p.shop_id = v.shop_id and p.product_id = v.product_id
    where v.shop_id = ${shop}
      and (v.variant_id = any(${pgArray(ids)}::bigint[]) or v.sku = any(${pgArray(skus)}::text[]))`);
  const byId = new Map(found.map((v) => [v.variant_id, v]));
  const bySku = new Map<string, typeof found>();
  for (const v of found) if (v.sku) bySku.set(v.sku, [...(bySku.get(v.sku) ?? []), v]);

  const resolved: Resolved[] = [];
  const seen = new Map<string, number>();
  for (const row of parsed.rows) {
    let v: (typeof found)[number] | undefined;
    if (row.variantId) {
      v = byId.get(row.variantId);
      if (!v) { errors.push({ line: row.line, message: `Variant ID ${row.variantId} is not a variant of this store.` }); continue; }
    } else {
      const matches = bySku.get(row.sku!) ?? [];
      if (matches.length === 0) { errors.push({ line: row.line, message: `SKU "${row.sku!.slice(0, 60)}" is not a SKU of this store.` }); continue; }
      if (matches.length > 1) { errors.push({ line: row.line, message: `SKU "${row.sku!.slice(0, 60)}" belongs to ${matches.length} variants: give the Variant ID instead.` }); continue; }
      v = matches[0]!;
    }
    if (!v.item) { errors.push({ line: row.line, message: `Shopify lists no inventory item for variant ${v.variant_id}, so it has no unit cost to set.` }); continue; }
    const day = row.effectiveDate ?? today;
    const key = `${v.item}|${day}`;
    const first = seen.get(key);
    if (first !== undefined) { errors.push({ line: row.line, message: `Duplicate: line ${first} already sets this variant's cost from ${day}.` }); continue; }
    seen.set(key, row.line);
    resolved.push({ ...row, resolvedVariantId: v.variant_id, item: v.item, product: v.product, variant: v.variant, day });
  }
  errors.sort((a, b) => a.line - b.line);

  // The cost in force at each row's instant (the latest entry at or before it, else the
  // earliest, as the finalize reads periods): equal costs change nothing.
  const inForce = resolved.length
    ? await queryRows<{ i: number; cost: string | null }>(tx, sql`
        select t.i::int, c.unit_cost::text as cost
        from unnest(${pgArray(resolved.map((r) => r.item))}::bigint[], ${pgArray(resolved.map((r) => r.day))}::date[])
          with ordinality as t(item, day, i)
        left join lateral (
          select ch.unit_cost from cost_history ch
          where ch.shop_id = ${shop} and ch.inventory_item_id = t.item
          order by (ch.effective_at <= (t.day::timestamp at time zone ${tz})) desc,
            case when ch.effective_at <= (t.day::timestamp at time zone ${tz}) then ch.effective_at end desc nulls last,
            ch.effective_at asc
          limit 1) c on true`)
    : [];
  const before = new Map(inForce.map((r) => [r.i - 1, r.cost]));
  const changes: ImportChange[] = [];
  let unchanged = 0;
  const changed: Resolved[] = [];
  resolved.forEach((r, i) => {
    const was = before.get(i) ?? null;
    if (was !== null && new Big(was).eq(r.unitCost)) { unchanged++; return; }
    changed.push(r);
    changes.push({ line: r.line, variantId: r.resolvedVariantId, sku: r.sku, product: r.product, variant: r.variant, before: was === null ? null : normal(was), after: r.unitCost, effectiveDate: r.day });
  });
  return {
    plan: { ok: errors.length === 0, rows: parsed.rows.length + parsed.errors.length, changes, unchanged, errors },
    tz, currency: shopRow.currencyCode, resolved: changed,
  };
}

/** A decimal without trailing zeros (numeric(20,4) reads back as 12.5000). */
const normal = (d: string) => (d.includes(".") ? d.replace(/0+$/, "").replace(/\.$/, "") : d);

const listed = (plan: ImportPlan): ImportPlan => ({
  ...plan, changes: plan.changes.slice(0, PREVIEW_LIST_LIMIT), errors: plan.errors.slice(0, PREVIEW_LIST_LIMIT),
});

/** What an import would do: rows to change, unchanged and errors (lists capped, counts complete). */
export async function previewCostImport(shop: string, text: string): Promise<ImportPlan & { changeCount: number; errorCount: number }> {
  const { plan } = await withShop(shop, (tx) => planImport(tx, shop, text));
  return { ...listed(plan), changeCount: plan.changes.length, errorCount: plan.errors.length };
}

/**
 * Applies a file, all or nothing: the file is checked again inside the
 * transaction that writes (the catalogue may have changed since the preview); any
 * error and nothing is written. One audit event with the counts.
 */
export async function applyCostImport(shop: string, text: string, who: Who): Promise<ImportPlan & { changeCount: number; errorCount: number; recostId: string | null }> {
  const result = await withShop(shop, async (tx) => {
    const { plan, tz, currency, resolved } = await planImport(tx, shop, text);
    if (!plan.ok) return { plan, recostId: null };
    const recostId = resolved.length
      ? await writeEntries(tx, shop, tz, "csv", resolved.map((r) => ({ item: r.item, day: r.day, cost: r.unitCost })))
      : null;
    await audit(tx, shop, {
      action: "costs.imported", actor: who.actor, target: recostId ? `recost:${recostId}` : undefined,
      meta: { rows: plan.rows, changed: plan.changes.length, unchanged: plan.unchanged, currency }, origin: who.origin ?? undefined,
    });
    return { plan, recostId };
  });
  if (result.recostId) await enqueueRecost(shop);
  return { ...listed(result.plan), changeCount: result.plan.changes.length, errorCount: result.plan.errors.length, recostId: result.recostId };
}
