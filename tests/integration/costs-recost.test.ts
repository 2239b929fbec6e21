/**
 * Merchant costs (docs/decisions/0011-merchant-costs.md), on both databases:
 *  - an edit with an effective date re-costs exactly the sales its cost period
 *    covers, to the cent, and nothing else; the rollups then equal a full rebuild;
 *  - an edit that becomes an item's earliest entry covers the sales before it too;
 *  - a Shopify cost change after the edit applies from its own time onward;
 *  - an import with any bad row applies nothing (no entry, no re-cost, no audit);
 *  - a 50,000-row import previews and applies within a request's means;
 *  - another shop's ledger, rollups and costs are untouched throughout.
 */
import { randomUUID } from "node:crypto";

import Big from "big.js";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { recordCostChange } from "~/sync/catalog.server";
import { applyCostImport, editCost, previewCostImport } from "~/sync/costs/cost-edits.server";
import { loadCostsPage } from "~/sync/costs/costs-page.server";
import { runPendingRecosts } from "~/sync/costs/recost.server";
import { finalizeRun } from "~/sync/ledger.server";
import { rebuildAllRollups } from "~/sync/rollups.server";

import { newShop } from "../factories";
import { stageRun } from "../staging-fixtures";

const TZ = "America/New_York";
const who = { actor: { type: "staff", id: "1" } as const, origin: null };

/** A shop with a catalogue of 50 items (variant = product = item = n, SKU-n), costs for items 1..40, and 600 orders. */
async function seedShop(shop: string, orders = 600) {
  await withShop(shop, async (tx) => {
    await tx.execute(sql`insert into shops (shop_id, currency_code, iana_timezone) values (${shop}, 'USD', ${TZ})`);
    await tx.execute(sql`insert into products (shop_id, product_id, title) select ${shop}, n, 'Product ' || n from generate_series(1, 50) n`);
    await tx.execute(sql`insert into variants (shop_id, variant_id, product_id, title, sku, inventory_item_id)
      select ${shop}, n, n, 'Default', 'SKU-' || n, n from generate_series(1, 50) n`);
    // Shopify's costs: the first sync's (backfill, 2026-03-01) for items 1..40; item 5 changed in June.
    await tx.execute(sql`insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
      select ${shop}, n, timestamptz '2026-03-01 00:00:00+00', 2 + n * 0.0125, 'backfill' from generate_series(1, 40) n`);
    await tx.execute(sql`insert into cost_history (shop_id, inventory_item_id, effective_at, unit_cost, source)
      values (${shop}, 5, timestamptz '2026-06-01 10:00:00+00', 3.33, 'webhook')`);
    const runId = randomUUID();
    await stageRun(tx, shop, runId, orders);
    await finalizeRun(tx, shop, runId, TZ, "bulk");
  });
}

interface SaleCost { sale_id: string; order_id: string; inventory_item_id: string | null; line_item_id: string | null; happened_at: string; action_type: string; line_type: string; quantity: number; unit_cost: string | null; cost_source: string | null; cogs: string | null }
const salesOf = (shop: string) => withShop(shop, (tx) => queryRows<SaleCost>(tx, sql`
  select sale_id::text, order_id::text, inventory_item_id::text, line_item_id::text, to_json(happened_at)#>>'{}' as happened_at, action_type, line_type, quantity,
    unit_cost::text, cost_source, cogs::text
  from sales where shop_id = ${shop} order by sale_id`));

const rollups = (shop: string) => withShop(shop, async (tx) => ({
  products: await queryRows(tx, sql`select * from daily_rollups where shop_id = ${shop} order by day, product_id`),
  totals: await queryRows(tx, sql`select * from daily_totals where shop_id = ${shop} order by day`),
  months: await queryRows(tx, sql`select * from monthly_rollups where shop_id = ${shop} order by month, product_id`),
  orders: await queryRows(tx, sql`select * from daily_orders where shop_id = ${shop} order by day`),
}));

async function expectRollupsEqualRebuild(shop: string) {
  const live = await rollups(shop);
  await withShop(shop, (tx) => rebuildAllRollups(tx, shop, TZ));
  expect(live.products.length).toBeGreaterThan(0);
  expect(live).toEqual(await rollups(shop));
}

const everything = async (shop: string) => ({
  sales: await salesOf(shop),
  rollups: await rollups(shop),
  costs: await withShop(shop, (tx) => queryRows(tx, sql`select * from cost_history where shop_id = ${shop} order by inventory_item_id, effective_at`)),
});

const auditCount = (shop: string) => withShop(shop, async (tx) =>
  (await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from audit_events where shop_id = ${shop} and action like 'costs.%'`))[0]!.n);

/** Local midnight of `day` in the shop's zone, as an instant. */
const localMidnight = (day: string) => withShop(shop, async (tx) =>
  (await queryRows<{ at: string }>(tx, sql`select to_json((${day}::date)::timestamp at time zone ${TZ})#>>'{}' as at`))[0]!.at);

/**
 * What the sales should be after item `item` is costed `cost` from `from` until `to`
 * (null: open), given the sales before: only its covered product sales (and the
 * returns of those lines) change; cogs = quantity × cost, exactly.
 */
function expectedAfter(before: SaleCost[], item: string, cost: string, from: string, to: string | null, earliest: boolean): SaleCost[] {
  const covered = (s: SaleCost) => s.inventory_item_id === item && s.line_type === "PRODUCT"
    && (earliest || new Date(s.happened_at) >= new Date(from)) && (to === null || new Date(s.happened_at) < new Date(to));
  const sold = new Map<string, SaleCost>();
  const after = before.map((s) => {
    if (!covered(s) || s.action_type === "RETURN") return s;
    const next = { ...s, unit_cost: new Big(cost).toFixed(4), cost_source: new Date(s.happened_at) >= new Date(from) ? "at_sale" : "backfill_current", cogs: new Big(cost).times(s.quantity).toFixed(4) };
    sold.set(`${s.order_id}|${s.line_item_id}`, next);
    return next;
  });
  return after.map((s) => {
    const line = s.action_type === "RETURN" && s.line_type === "PRODUCT" ? sold.get(`${s.order_id}|${s.line_item_id}`) : undefined;
    return line ? { ...s, unit_cost: line.unit_cost, cost_source: line.cost_source, cogs: new Big(line.unit_cost!).times(s.quantity).toFixed(4) } : s;
  });
}

let shop: string;
let other: string;
let otherBefore: Awaited<ReturnType<typeof everything>>;
beforeAll(async () => {
  shop = newShop("costs");
  other = newShop("costs-other");
  await seedShop(shop);
  await seedShop(other, 200);
  otherBefore = await everything(other);
});

describe("a merchant's cost edit", () => {
  it("re-costs exactly the sales its period covers, to the cent, and the rollups equal a rebuild", async () => {
    const before = await salesOf(shop);
    // Item 21: Shopify's cost from 2026-03-01 (earliest entry). The edit from 2026-05-10 (New York) covers until nothing later.
    await editCost(shop, { variantId: "21", unitCost: "4.1234", effectiveDate: "2026-05-10" }, who);
    expect(await runPendingRecosts(shop)).toBe(1);
    const after = await salesOf(shop);
    const from = await localMidnight("2026-05-10");
    const expected = expectedAfter(before, "21", "4.1234", from, null, false);
    expect(after).toEqual(expected);
    const changed = after.filter((s, i) => s.unit_cost !== before[i]!.unit_cost);
    expect(changed.length).toBeGreaterThan(10);
    expect(changed.some((s) => s.action_type === "RETURN")).toBe(true);
    // Sales of item 21 before the date keep Shopify's cost.
    const earlier = after.filter((s) => s.inventory_item_id === "21" && new Date(s.happened_at) < new Date(from));
    expect(earlier.length).toBeGreaterThan(5);
    expect(earlier.every((s) => s.unit_cost === "2.2625")).toBe(true);
    await expectRollupsEqualRebuild(shop);
    // The progress row says what it did.
    const page = await loadCostsPage(shop, { filter: "all", query: "", page: 1, from: "2026-01-01", to: "2026-12-31" }, "21");
    expect(page!.recosts[0]).toMatchObject({ kind: "edit", status: "completed", entries: 1, salesRecosted: changed.length });
    expect(page!.history!.entries.map((e) => [e.effectiveDate, e.unitCost, e.source])).toEqual([["2026-05-10", "4.1234", "merchant"], ["2026-02-28", "2.2625", "backfill"]]);
  });

  it("as an item's earliest entry covers its sales before the date too (flagged), and the no-cost filter loses it", async () => {
    const before = await salesOf(shop);
    const gaps = await loadCostsPage(shop, { filter: "missing", query: "", page: 1, from: "2026-01-01", to: "2026-12-31" });
    // The biggest gaps first: every listed product lacks cost, in descending net sales without cost.
    expect(gaps!.products.map((p) => p.productId).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 10 }, (_, i) => String(41 + i)));
    const without = gaps!.products.map((p) => new Big(p.netSalesWithoutCost));
    expect(without.every((v, i) => i === 0 || v.lte(without[i - 1]!))).toBe(true);
    await editCost(shop, { variantId: "45", unitCost: "1.5", effectiveDate: "2026-08-01" }, who);
    await runPendingRecosts(shop);
    const after = await salesOf(shop);
    expect(after).toEqual(expectedAfter(before, "45", "1.5", await localMidnight("2026-08-01"), null, true));
    expect(after.some((s) => s.inventory_item_id === "45" && s.cost_source === "backfill_current")).toBe(true);
    expect(after.filter((s) => s.inventory_item_id === "45" && s.line_type === "PRODUCT").every((s) => s.unit_cost === "1.5000")).toBe(true);
    await expectRollupsEqualRebuild(shop);
    const left = await loadCostsPage(shop, { filter: "missing", query: "", page: 1, from: "2026-01-01", to: "2026-12-31" });
    expect(left!.products.map((p) => p.productId)).not.toContain("45");
    expect(left!.products).toHaveLength(9);
  });

  it("is superseded by a later Shopify cost change from that change's time onward only", async () => {
    const before = await salesOf(shop);
    await withShop(shop, (tx) => recordCostChange(tx, shop, { id: 21, cost: "9.00", updated_at: "2026-09-01T12:00:00Z" }));
    // Nothing recorded is re-costed by Shopify's change (a sale's cost is its snapshot) ...
    expect(await salesOf(shop)).toEqual(before);
    // ... but a sale after it takes Shopify's new cost, one before it keeps the merchant's.
    const runId = `order-new-${randomUUID()}`;
    await withShop(shop, async (tx) => {
      await stageRun(tx, shop, runId, 1, 100_270); // sells item 21 on 2026-09-18, refunded on 2026-09-20
      await finalizeRun(tx, shop, runId, TZ, "live");
    });
    const added = (await salesOf(shop)).filter((s) => s.order_id === "100270" && s.inventory_item_id === "21");
    expect(added).toEqual([
      expect.objectContaining({ action_type: "ORDER", unit_cost: "9.0000", cost_source: "at_sale", cogs: "9.0000" }),
      expect.objectContaining({ action_type: "RETURN", unit_cost: "9.0000", cogs: "-9.0000" }),
    ]);
    // Sales of the merchant's period before Shopify's change keep the merchant's cost.
    expect((await salesOf(shop)).filter((s) => s.inventory_item_id === "21" && s.order_id !== "100270" && s.happened_at >= "2026-05-11" && s.happened_at < "2026-09-01")
      .every((s) => s.unit_cost === "4.1234")).toBe(true);
    const page = await loadCostsPage(shop, { filter: "all", query: "SKU-21", page: 1, from: "2026-01-01", to: "2026-12-31" }, "21");
    expect(page!.history!.variant).toMatchObject({ unitCost: "9.0000", source: "webhook" });
    expect(page!.history!.entries.map((e) => e.source)).toEqual(["webhook", "merchant", "backfill"]);
    await expectRollupsEqualRebuild(shop);
  });

  it("refuses bad input with a clear message and writes nothing", async () => {
    const before = await everything(shop);
    const audits = await auditCount(shop);
    await expect(editCost(shop, { variantId: "7", unitCost: "-1", effectiveDate: "2026-05-10" }, who)).rejects.toThrow("Unit cost -1 is negative: costs are 0 or more.");
    await expect(editCost(shop, { variantId: "21", unitCost: "1", effectiveDate: "2099-01-01" }, who)).rejects.toThrow(/in the future/);
    await expect(editCost(shop, { variantId: "999999", unitCost: "1", effectiveDate: "2026-05-10" }, who)).rejects.toThrow(/not in the store's catalogue/);
    // Another shop's variant is not this shop's.
    await withShop(other, (tx) => tx.execute(sql`insert into variants (shop_id, variant_id, product_id, sku, inventory_item_id) values (${other}, 777, 1, 'OTHER', 777)`));
    await expect(editCost(shop, { variantId: "777", unitCost: "1", effectiveDate: "2026-05-10" }, who)).rejects.toThrow(/not in the store's catalogue/);
    expect(await everything(shop)).toEqual(before);
    expect(await auditCount(shop)).toBe(audits);
  });
});

describe("a cost import", () => {
  const csv = (rows: string[]) => `SKU,Variant ID,Unit cost,Currency,Effective date\n${rows.join("\n")}\n`;

  it("with any bad row applies nothing: no cost, no re-cost, no audit; every error has its line", async () => {
    const before = await everything(shop);
    const audits = await auditCount(shop);
    const text = csv([
      "SKU-41,,5.00,USD,2026-04-01",   // 2 fine
      "SKU-42,,abc,USD,",              // 3 bad number
      "SKU-43,,-2,USD,",               // 4 negative
      "NOPE,,1,USD,",                  // 5 unknown SKU
      ",123456789,1,USD,",             // 6 unknown variant id
      "SKU-41,,6.00,USD,2026-04-01",   // 7 duplicate of 2
      "SKU-44,,1,EUR,",                // 8 wrong currency
      ",44,1,USD,2026-04-01",          // 9 fine
    ]);
    const preview = await previewCostImport(shop, text);
    expect(preview).toMatchObject({ ok: false, rows: 8, changeCount: 2, errorCount: 6 });
    expect(preview.errors).toEqual([
      { line: 3, message: expect.stringContaining('Unit cost "abc" is not a number') },
      { line: 4, message: "Unit cost -2 is negative: costs are 0 or more." },
      { line: 5, message: 'SKU "NOPE" is not a SKU of this store.' },
      { line: 6, message: "Variant ID 123456789 is not a variant of this store." },
      { line: 7, message: "Duplicate: line 2 already sets this variant's cost from 2026-04-01." },
      { line: 8, message: "Currency EUR is not the store's currency (USD): costs are in USD only." },
    ]);
    const applied = await applyCostImport(shop, text, who);
    expect(applied).toMatchObject({ ok: false, recostId: null, errorCount: 6 });
    expect(await everything(shop)).toEqual(before);
    expect(await auditCount(shop)).toBe(audits);
    // The other shop's SKU is unknown here too.
    expect((await previewCostImport(shop, csv(["OTHER-SKU,,1,USD,"]))).errors[0]!.message).toMatch(/not a SKU of this store/);
  });

  it("applies a clean file atomically with one audit event, counts unchanged rows, re-costs, and rollups equal a rebuild", async () => {
    const before = await salesOf(shop);
    const audits = await auditCount(shop);
    const text = csv([
      "SKU-46,,2.25,USD,2026-02-01",  // new earliest entry of an uncosted item
      "SKU-10,,2.125,USD,2026-03-15", // Shopify's cost of item 10 (2 + 10 × 0.0125): unchanged
      ",11,2.5,USD,2026-07-04",
    ]);
    const result = await applyCostImport(shop, text, who);
    expect(result).toMatchObject({ ok: true, rows: 3, changeCount: 2, unchanged: 1, errorCount: 0 });
    expect(result.changes.map((c) => [c.line, c.variantId, c.before, c.after, c.effectiveDate])).toEqual([
      [2, "46", null, "2.25", "2026-02-01"], [4, "11", "2.1375", "2.5", "2026-07-04"],
    ]);
    expect(await auditCount(shop)).toBe(audits + 1);
    const [event] = await withShop(shop, (tx) => queryRows<{ meta: unknown; actor_id: string }>(tx, sql`
      select meta, actor_id from audit_events where shop_id = ${shop} and action = 'costs.imported' order by seq desc limit 1`));
    expect(event).toEqual({ meta: { rows: 3, changed: 2, unchanged: 1, currency: "USD" }, actor_id: "1" });
    await runPendingRecosts(shop);
    let expected = expectedAfter(before, "46", "2.25", await localMidnight("2026-02-01"), null, true);
    expected = expectedAfter(expected, "11", "2.5", await localMidnight("2026-07-04"), null, false);
    expect(await salesOf(shop)).toEqual(expected);
    await expectRollupsEqualRebuild(shop);
  });

  it("takes a 50,000-row file: preview and apply within seconds, all entries written, one re-cost", async () => {
    await withShop(shop, (tx) => tx.execute(sql`insert into variants (shop_id, variant_id, product_id, title, sku, inventory_item_id)
      select ${shop}, 1000000 + n, 1, 'Bulk ' || n, 'BULK-' || n, 1000000 + n from generate_series(1, 50000) n`));
    const text = "SKU,Unit cost,Currency,Effective date\n" + Array.from({ length: 50_000 }, (_, i) => `BULK-${i + 1},${(i % 997) + 0.25},USD,2026-11-01`).join("\n");
    const started = Date.now();
    const preview = await previewCostImport(shop, text);
    expect(preview).toMatchObject({ ok: true, rows: 50_000, changeCount: 50_000, errorCount: 0 });
    expect(preview.changes).toHaveLength(200);
    const applied = await applyCostImport(shop, text, who);
    expect(applied).toMatchObject({ ok: true, changeCount: 50_000 });
    expect(Date.now() - started).toBeLessThan(60_000);
    const [count] = await withShop(shop, (tx) => queryRows<{ n: number; total: string }>(tx, sql`
      select count(*)::int as n, sum(unit_cost)::text as total from cost_history where shop_id = ${shop} and recost_id = ${applied.recostId}`));
    // Σ ((i mod 997) + 0.25) over i = 0..49,999, exactly.
    let total = new Big(0);
    for (let i = 0; i < 50_000; i++) total = total.plus((i % 997) + 0.25);
    expect(count).toEqual({ n: 50_000, total: total.toFixed(4) });
    await runPendingRecosts(shop);
    const page = await loadCostsPage(shop, { filter: "all", query: "", page: 1, from: "2026-01-01", to: "2026-12-31" });
    // Found by its id, not by position: the list is ordered by requested_at (each transaction's
    // clock), and one CI run listed the previous test's import first, seconds apart.
    expect(page!.recosts.filter((r) => r.recostId === applied.recostId)).toEqual([
      expect.objectContaining({ kind: "import", status: "completed", entries: 50_000, ordersTotal: 0 }),
    ]);
  }, 120_000);

  it("left another shop's sales, rollups and costs untouched", async () => {
    expect(await everything(other)).toEqual(otherBefore);
  });
});
