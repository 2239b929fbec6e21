/**
 * What the Costs page reads: every product with its variants' current unit cost
 * and where it came from, the share of net sales each product carries over a
 * period (from daily_rollups, per product: the rollups' grain), a variant's cost
 * history, and the latest re-costs' progress. Read-only; one transaction per load.
 */
import Big from "big.js";
import { sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { pgArray } from "~/db/pg-array";
import { REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import { readShop } from "~/shops.server";

import { COSTS_PAGE_SIZE, SOURCE_LABELS, type CostsPage, type CostsPageData, type CostSource, type CostsQuery, type ProductCosts, type RecostView, type VariantCost } from "./cost-types";

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The latest entry in force now per inventory item: a variant's current cost. */
const currentCosts = (shop: string, timezone: string) => sql`
  select distinct on (ch.inventory_item_id) ch.inventory_item_id, ch.unit_cost, ch.source,
    (ch.effective_at at time zone ${timezone})::date::text as effective_date
  from cost_history ch
  where ch.shop_id = ${shop} and ch.effective_at <= now()
  order by ch.inventory_item_id, ch.effective_at desc`;

export async function loadCostsPage(shop: string, q: CostsQuery, variantHistoryOf?: string): Promise<CostsPageData | null> {
  return withShop(shop, async (tx) => {
    const row = await readShop(tx, shop);
    if (!row) return null;
    const tz = row.ianaTimezone;
    const page = await readCostsPage(tx, shop, tz, q);
    const history = variantHistoryOf ? await readVariantHistory(tx, shop, tz, variantHistoryOf) : null;
    const [today] = await queryRows<{ day: string }>(tx, sql`select (now() at time zone ${tz})::date::text as day`);
    return { ...page, currency: row.currencyCode, timezone: tz, today: today!.day, history };
  }, { limits: REQUEST_LIMITS });
}

async function readCostsPage(tx: Tx, shop: string, tz: string, q: CostsQuery): Promise<Omit<CostsPage, "currency" | "timezone" | "today">> {
  const search = q.query.trim() ? `%${escapeLike(q.query.trim())}%` : null;
  const base = sql`
    with period as (
      select r.product_id, sum(r.gross_sales + r.discounts + r.returns) as net,
        sum(r.gross_sales + r.discounts + r.returns) - sum(r.net_sales_with_cost) as uncosted
      from daily_rollups r
      where r.shop_id = ${shop} and r.day between ${q.from}::date and ${q.to}::date and r.product_id <> 0
      group by r.product_id),
    costs as (${currentCosts(shop, tz)}),
    listed as (
      select p.product_id, p.title, coalesce(pe.net, 0) as net, coalesce(pe.uncosted, 0) as uncosted,
        count(*) filter (where v.variant_id is not null and c.unit_cost is null) as missing
      from products p
      left join period pe on pe.product_id = p.product_id
      left join variants v on v.shop_id = p.shop_id and v.product_id = p.product_id
      left join costs c on c.inventory_item_id = v.inventory_item_id
      where p.shop_id = ${shop}
        ${search ? sql`and (p.title ilike ${search} or exists (select 1 from variants sv where sv.shop_id = p.shop_id
          and sv.product_id = p.product_id and (sv.sku ilike ${search} or sv.title ilike ${search})))` : sql``}
      group by p.product_id, p.title, pe.net, pe.uncosted)
    select l.product_id::text, l.title, l.net::text, l.uncosted::text, count(*) over ()::int as total
    from listed l
    ${q.filter === "missing" ? sql`where l.uncosted <> 0 or l.missing > 0` : sql``}
    order by ${q.filter === "missing" ? sql`l.uncosted desc, l.net desc` : sql`l.net desc`}, l.title, l.product_id
    limit ${COSTS_PAGE_SIZE} offset ${(q.page - 1) * COSTS_PAGE_SIZE}`;
  const rows = await queryRows<{ product_id: string; title: string; net: string; uncosted: string; total: number }>(tx, base);
  const [totals] = await queryRows<{ net: string; uncosted: string }>(tx, sql`
    select coalesce(sum(gross_sales + discounts + returns), 0)::text as net,
      coalesce(sum(gross_sales + discounts + returns) - sum(net_sales_with_cost), 0)::text as uncosted
    from daily_totals where shop_id = ${shop} and day between ${q.from}::date and ${q.to}::date`);
  const ids = rows.map((r) => r.product_id);
  const variants = ids.length
    ? await queryRows<{ product_id: string; variant_id: string; title: string | null; sku: string | null; item: string | null; unit_cost: string | null; source: CostSource | null; effective_date: string | null }>(tx, sql`
        with costs as (${currentCosts(shop, tz)})
        select v.product_id::text, v.variant_id::text, v.title, v.sku, v.inventory_item_id::text as item,
          c.unit_cost::text, c.source, c.effective_date
        from variants v left join costs c on c.inventory_item_id = v.inventory_item_id
        where v.shop_id = ${shop} and v.product_id = any(${pgArray(ids)}::bigint[])
        order by v.product_id, v.variant_id`)
    : [];
  const periodNet = totals?.net ?? "0";
  const products = rows.map((r): ProductCosts => ({
    productId: r.product_id,
    title: r.title,
    netSales: r.net,
    netSalesWithoutCost: r.uncosted,
    share: new Big(periodNet).eq(0) ? null : sharePercent(r.net, periodNet),
    variants: variants.filter((v) => v.product_id === r.product_id).map(toVariantCost),
  }));
  return { products, total: rows[0]?.total ?? 0, periodNetSales: periodNet, periodNetSalesWithoutCost: totals?.uncosted ?? "0",
    periodShareWithoutCost: new Big(periodNet).eq(0) ? null : sharePercent(totals?.uncosted ?? "0", periodNet), recosts: await readRecosts(tx, shop) };
}

/** part ÷ whole as a percent with 2 decimals (big.js: exact decimals, half up). */
const sharePercent = (part: string, whole: string): string => new Big(part).times(100).div(whole).toFixed(2);

const toVariantCost = (v: { variant_id: string; title: string | null; sku: string | null; item: string | null; unit_cost: string | null; source: CostSource | null; effective_date: string | null }): VariantCost => ({
  variantId: v.variant_id,
  title: v.title,
  sku: v.sku,
  hasInventoryItem: v.item !== null,
  unitCost: v.unit_cost,
  source: v.source,
  effectiveDate: v.effective_date,
});

async function readVariantHistory(tx: Tx, shop: string, tz: string, variantId: string) {
  if (!/^\d{1,19}$/.test(variantId)) return null;
  const [variant] = await queryRows<{ product: string; product_id: string; variant_id: string; title: string | null; sku: string | null; item: string | null; unit_cost: string | null; source: CostSource | null; effective_date: string | null }>(tx, sql`
    with costs as (${currentCosts(shop, tz)})
    select p.title as product, v.product_id::text, v.variant_id::text, v.title, v.sku, v.inventory_item_id::text as item,
      c.unit_cost::text, c.source, c.effective_date
    from variants v join products p on p.shop_id = v.shop_id and p.product_id = v.product_id
    left join costs c on c.inventory_item_id = v.inventory_item_id
    where v.shop_id = ${shop} and v.variant_id = ${variantId}::bigint`);
  if (!variant) return null;
  const entries = variant.item
    ? await queryRows<{ effective_at: string; effective_date: string; unit_cost: string | null; source: CostSource; recorded_at: string | null; recorded_local: string | null }>(tx, sql`
        select to_char(effective_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as effective_at,
          (effective_at at time zone ${tz})::date::text as effective_date, unit_cost::text, source,
          to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as recorded_at,
          to_char(recorded_at at time zone ${tz}, 'YYYY-MM-DD HH24:MI') as recorded_local
        from cost_history where shop_id = ${shop} and inventory_item_id = ${variant.item}::bigint
        order by effective_at desc limit 200`)
    : [];
  return {
    variant: { ...toVariantCost(variant), product: variant.product },
    entries: entries.map((e) => ({ effectiveAt: e.effective_at, effectiveDate: e.effective_date, unitCost: e.unit_cost, source: e.source, recordedAt: e.recorded_at, recordedLocal: e.recorded_local })),
  };
}

async function readRecosts(tx: Tx, shop: string): Promise<RecostView[]> {
  const rows = await queryRows<{ recost_id: string; kind: "edit" | "import"; status: RecostView["status"]; entries: number; orders_total: number | null; orders_done: number; sales_recosted: number; error: string | null; requested_at: string }>(tx, sql`
    select recost_id, kind, status, entries, orders_total, orders_done, sales_recosted, error,
      to_char(requested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as requested_at
    from cost_recosts where shop_id = ${shop} order by requested_at desc limit 5`);
  return rows.map((r) => ({
    recostId: r.recost_id, kind: r.kind, status: r.status, entries: r.entries, ordersTotal: r.orders_total,
    ordersDone: r.orders_done, salesRecosted: r.sales_recosted, error: r.error, requestedAt: r.requested_at,
  }));
}

/** Every variant with its current cost, for the CSV export (catalogue-sized; read in one pass). */
export async function readCostExport(shop: string) {
  return withShop(shop, async (tx) => {
    const row = await readShop(tx, shop);
    if (!row) return null;
    const rows = await queryRows<{ sku: string | null; product: string; variant: string | null; variant_id: string; unit_cost: string | null; source: CostSource | null; effective_date: string | null }>(tx, sql`
      with costs as (${currentCosts(shop, row.ianaTimezone)})
      select v.sku, p.title as product, v.title as variant, v.variant_id::text, c.unit_cost::text, c.source, c.effective_date
      from variants v join products p on p.shop_id = v.shop_id and p.product_id = v.product_id
      left join costs c on c.inventory_item_id = v.inventory_item_id
      where v.shop_id = ${shop}
      order by p.title, p.product_id, v.variant_id`);
    return {
      currency: row.currencyCode,
      rows: rows.map((r) => ({
        sku: r.sku, product: r.product, variant: r.variant, variantId: r.variant_id,
        // Trailing zeros of numeric(20,4) dropped: 12.5000 exports as 12.5.
        unitCost: r.unit_cost === null ? null : r.unit_cost.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ""),
        source: r.source ? SOURCE_LABELS[r.source] : "No cost recorded", effectiveDate: r.effective_date,
      })),
    };
  });
}
