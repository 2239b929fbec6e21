/**
 * Shopify's sales model, one Sale at a time: which report column each part of a
 * sale lands in. The ledger stores these components on every sale row; reports
 * only sum them, so LINE_RULES below is the single definition of every money
 * metric (design.md §5). It is read twice, never restated:
 *  - `classifySale` applies it to one sale in TypeScript (exact, BigInt);
 *  - `saleComponentsSql` turns it into the SQL the ledger's finalize runs over a
 *    whole run at once (app/sync/ledger.server.ts), so a backfill of millions of
 *    sales classifies them set-based, inside PostgreSQL, with numeric arithmetic.
 * tests/integration/classify-sale-sql.test.ts checks the two agree on every line
 * and action type over thousands of generated amounts, on both databases.
 *
 * A Sale's totalAmount is after discounts and including tax; so for any line:
 *   pre-tax net  = totalAmount − totalTaxAmount
 *   gross        = pre-tax net + discount (before taxes)
 * This holds for tax-exclusive and tax-inclusive shops alike.
 *
 * Sources: Shopify Help Center, "Sales report" and "Understanding your sales
 * reports" (gross sales, discounts, returns, net sales, shipping, duties,
 * additional fees, taxes, total sales; tips and gift cards excluded), and the
 * Admin GraphQL SalesAgreement/Sale objects (actionType, lineType, amounts).
 *
 * An order edit is an agreement like any other: its sales land on the edit's day,
 * an added item as an ORDER sale (gross), a removed one as a RETURN. A sale's
 * classification never depends on when its order was placed; only the orders
 * count does ("If you edit an order after the day the order was placed, then the
 * edit displays as a separate order in your reports", Help Center, Editing orders
 * → Considerations): see app/reports/metrics.ts for that rule and its effect on AOV.
 */
import { sql, type SQL } from "drizzle-orm";

export type ActionType = "ORDER" | "RETURN" | "UPDATE" | "UNKNOWN";
export type LineType =
  | "PRODUCT" | "SHIPPING" | "TIP" | "GIFT_CARD" | "DUTY" | "ADDITIONAL_FEE" | "FEE" | "ADJUSTMENT" | "UNKNOWN";

export interface SaleInput {
  actionType: ActionType | string;
  lineType: LineType | string;
  quantity: number;
  /** After discounts, including tax (shop money). */
  totalAmount: string;
  /** totalDiscountAmountBeforeTaxes (shop money). */
  discountAmount: string;
  totalTaxAmount: string;
}

export interface SaleComponents {
  grossSales: string;
  /** Negative, as Shopify shows it. */
  discounts: string;
  /** Negative: returned product value, net of its discount, on the return day. */
  returns: string;
  shipping: string;
  duties: string;
  fees: string;
  taxes: string;
  tips: string;
  /** Net product units (returns negative). */
  units: number;
}

/**
 * Money as a BigInt of ten-thousandths (the ledger's numeric(20,4) scale): exact,
 * and an order of magnitude faster than a decimal library on the backfill's hot
 * path (millions of sales). Shopify's shop-money amounts have at most three
 * decimals; a fourth and beyond are rounded half away from zero, as PostgreSQL
 * rounds into numeric(20,4).
 */
const SCALE = 4;
const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/;

export function toUnits(amount: string): bigint {
  const match = DECIMAL.exec(amount.trim());
  if (!match) throw new Error(`not a decimal amount: ${JSON.stringify(amount.slice(0, 40))}`);
  const [, sign, whole, fraction = ""] = match;
  let units = BigInt(whole! + fraction.slice(0, SCALE).padEnd(SCALE, "0"));
  if (fraction.length > SCALE && fraction.charCodeAt(SCALE) >= 53 /* "5" */) units += 1n;
  return sign === "-" ? -units : units;
}

// A column of money never shows "-0.0000".
export function formatUnits(units: bigint): string {
  if (units === 0n) return "0.0000";
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

/** Where a line type's pre-tax amount goes; PRODUCT splits by action (see below). */
type Destination = "product" | "shipping" | "duties" | "fees" | "tips" | "returns";

/**
 * The rule, per line type. `taxed`: the line's tax counts in taxes. Anything not
 * listed (UNKNOWN, or a line type Shopify adds later) carries no defined meaning
 * and counts nowhere: counting it would be a guess.
 *  - PRODUCT: an ORDER (a purchase, also items added by an edit) or UPDATE (a
 *    price or discount change to a prior purchase) moves gross (pre-tax + its
 *    discount) and discounts (−discount); a RETURN is a return, net of its
 *    discount, on the day processed. Units: the quantity (returns negative).
 *  - SHIPPING: charges net of shipping discounts; refunded shipping is negative.
 *  - ADJUSTMENT: refund discrepancies, which Shopify books as returns.
 *  - GIFT_CARD: a liability, not a sale: nothing, not even tax, is counted.
 */
export const LINE_RULES: Readonly<Record<string, { to: Destination | null; taxed: boolean }>> = {
  PRODUCT: { to: "product", taxed: true },
  SHIPPING: { to: "shipping", taxed: true },
  DUTY: { to: "duties", taxed: true },
  FEE: { to: "fees", taxed: true },
  ADDITIONAL_FEE: { to: "fees", taxed: true },
  TIP: { to: "tips", taxed: true },
  ADJUSTMENT: { to: "returns", taxed: true },
  GIFT_CARD: { to: null, taxed: false },
};

const ruleOf = (lineType: string) => (Object.hasOwn(LINE_RULES, lineType) ? LINE_RULES[lineType]! : { to: null, taxed: false });

export function classifySale(sale: SaleInput): SaleComponents {
  const total = toUnits(sale.totalAmount || "0");
  const discount = toUnits(sale.discountAmount || "0");
  const tax = toUnits(sale.totalTaxAmount || "0");
  const preTax = total - tax;
  const parts = { gross: 0n, discounts: 0n, returns: 0n, shipping: 0n, duties: 0n, fees: 0n, tips: 0n };
  const rule = ruleOf(sale.lineType);
  let units = 0;
  if (rule.to === "product") {
    units = sale.quantity;
    if (sale.actionType === "RETURN") {
      parts.returns = preTax;
    } else {
      parts.gross = preTax + discount;
      parts.discounts = -discount;
    }
  } else if (rule.to) {
    parts[rule.to] += preTax;
  }
  return {
    grossSales: formatUnits(parts.gross),
    discounts: formatUnits(parts.discounts),
    returns: formatUnits(parts.returns),
    shipping: formatUnits(parts.shipping),
    duties: formatUnits(parts.duties),
    fees: formatUnits(parts.fees),
    taxes: formatUnits(rule.taxed ? tax : 0n),
    tips: formatUnits(parts.tips),
    units,
  };
}

/** The ledger columns a sale's components fill, in SaleComponents' order. */
export const COMPONENT_COLUMNS = ["gross_sales", "discounts", "returns", "shipping", "duties", "fees", "taxes", "tips", "units"] as const;
export type ComponentColumn = (typeof COMPONENT_COLUMNS)[number];

/**
 * LINE_RULES as SQL over a row with line_type, action_type, quantity,
 * total_amount, discount_amount and tax_amount (numeric), under `alias`: one
 * expression per ledger column, exact numeric arithmetic.
 */
export function saleComponentsSql(alias: string): Record<ComponentColumn, SQL> {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const preTax = sql`(${col("total_amount")} - ${col("tax_amount")})`;
  const typesTo = (to: Destination) => Object.entries(LINE_RULES).filter(([, r]) => r.to === to).map(([t]) => t);
  const isIn = (types: string[]) => (types.length ? sql`${col("line_type")} in (${sql.join(types.map((t) => sql`${t}`), sql`, `)})` : sql`false`);
  const product = isIn(typesTo("product"));
  const isReturn = sql`${col("action_type")} = 'RETURN'`;
  const simple = (to: Destination) => sql`case when ${isIn(typesTo(to))} then ${preTax} else 0 end`;
  const taxed = Object.entries(LINE_RULES).filter(([, r]) => r.taxed).map(([t]) => t);
  return {
    gross_sales: sql`case when ${product} and not ${isReturn} then ${preTax} + ${col("discount_amount")} else 0 end`,
    discounts: sql`case when ${product} and not ${isReturn} then -${col("discount_amount")} else 0 end`,
    returns: sql`case when (${product} and ${isReturn}) or ${isIn(typesTo("returns"))} then ${preTax} else 0 end`,
    shipping: simple("shipping"),
    duties: simple("duties"),
    fees: simple("fees"),
    taxes: sql`case when ${isIn(taxed)} then ${col("tax_amount")} else 0 end`,
    tips: simple("tips"),
    units: sql`case when ${product} then ${col("quantity")} else 0 end`,
  };
}
