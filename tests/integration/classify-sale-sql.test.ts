/**
 * The ledger classifies sales in SQL (saleComponentsSql, set-based in the
 * finalize) and classify-sale.ts states the rule in TypeScript (classifySale):
 * both are read from the one LINE_RULES table. This proves they agree, exactly,
 * for every line type × action type Shopify documents (and one it might add),
 * over thousands of generated amounts, on the database itself.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { asSystem } from "~/db/tenant.server";
import { pgArray } from "~/db/pg-array";
import { classifySale, COMPONENT_COLUMNS, saleComponentsSql, type SaleInput } from "~/sync/classify-sale";

const LINE_TYPES = ["PRODUCT", "SHIPPING", "TIP", "GIFT_CARD", "DUTY", "ADDITIONAL_FEE", "FEE", "ADJUSTMENT", "UNKNOWN", "SOMETHING_NEW"];
const ACTION_TYPES = ["ORDER", "RETURN", "UPDATE", "UNKNOWN"];

const amount = fc.tuple(fc.integer({ min: -5_000_000, max: 5_000_000 }), fc.constantFrom(0, 2, 3))
  .map(([minor, digits]) => (digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits)));
const saleArb = fc.record({
  lineType: fc.constantFrom(...LINE_TYPES),
  actionType: fc.constantFrom(...ACTION_TYPES),
  quantity: fc.integer({ min: -20, max: 20 }),
  totalAmount: amount,
  discountAmount: amount,
  totalTaxAmount: amount,
});

async function classifyInSql(sales: SaleInput[]) {
  const c = saleComponentsSql("s");
  return asSystem("test: classify in SQL", (tx) => queryRows<Record<string, string | number>>(tx, sql`
    select ${sql.join(COMPONENT_COLUMNS.map((name) => sql`(${c[name]})::text as ${sql.identifier(name)}`), sql`, `)}
    from unnest(${pgArray(sales.map((x) => x.lineType))}::text[], ${pgArray(sales.map((x) => x.actionType))}::text[],
                ${pgArray(sales.map((x) => x.quantity))}::int[], ${pgArray(sales.map((x) => x.totalAmount))}::numeric(20,4)[],
                ${pgArray(sales.map((x) => x.discountAmount))}::numeric(20,4)[], ${pgArray(sales.map((x) => x.totalTaxAmount))}::numeric(20,4)[])
      with ordinality as s(line_type, action_type, quantity, total_amount, discount_amount, tax_amount, n)
    order by s.n`));
}

const asLedger = (value: string) => Number(value).toFixed(4);

describe("classifySale (TypeScript) and saleComponentsSql (the ledger's SQL) are one rule", () => {
  it("agree on every line and action type, to the ten-thousandth, for 4,000 generated sales", async () => {
    const sales = fc.sample(saleArb, { seed: 20261202, numRuns: 4000 });
    // Every combination at least once, whatever the sample drew.
    for (const lineType of LINE_TYPES) for (const actionType of ACTION_TYPES) {
      sales.push({ lineType, actionType, quantity: 2, totalAmount: "108.25", discountAmount: "10.00", totalTaxAmount: "8.25" });
    }
    const rows = await classifyInSql(sales);
    expect(rows).toHaveLength(sales.length);
    const mismatches: string[] = [];
    sales.forEach((sale, i) => {
      const ts = classifySale(sale);
      const row = rows[i]!;
      const expected: Record<string, string | number> = {
        gross_sales: ts.grossSales, discounts: ts.discounts, returns: ts.returns, shipping: ts.shipping, duties: ts.duties,
        fees: ts.fees, taxes: ts.taxes, tips: ts.tips, units: String(ts.units),
      };
      for (const name of COMPONENT_COLUMNS) {
        const got = name === "units" ? String(row[name]) : asLedger(String(row[name]));
        if (got !== expected[name]) mismatches.push(`${JSON.stringify(sale)} ${name}: sql ${got} ts ${expected[name]}`);
      }
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it("books the documented cases where Shopify's model surprises", async () => {
    const cases: SaleInput[] = [
      // A gift card is not a sale: not even its tax counts.
      { lineType: "GIFT_CARD", actionType: "ORDER", quantity: 1, totalAmount: "55.00", discountAmount: "0", totalTaxAmount: "5.00" },
      // A refund discrepancy is a return, whatever its action type.
      { lineType: "ADJUSTMENT", actionType: "RETURN", quantity: 0, totalAmount: "-1.50", discountAmount: "0", totalTaxAmount: "0" },
      // A return is booked net of its discount, on returns, not reversing discounts.
      { lineType: "PRODUCT", actionType: "RETURN", quantity: -1, totalAmount: "-99.00", discountAmount: "-10.00", totalTaxAmount: "-9.00" },
    ];
    const [gift, adjustment, productReturn] = await classifyInSql(cases);
    expect([gift!.gross_sales, gift!.taxes].map((v) => asLedger(String(v)))).toEqual(["0.0000", "0.0000"]);
    expect(asLedger(String(adjustment!.returns))).toBe("-1.5000");
    expect([productReturn!.returns, productReturn!.discounts, productReturn!.units].map(String)).toEqual(["-90.0000", "0", "-1"]);
  });
});
