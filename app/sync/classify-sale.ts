/**
 * Shopify's sales model, one Sale at a time: which report column each part of a
 * sale lands in. Pure and exact (decimal strings in, decimal strings out). The
 * ingest stores these components on every sale row; reports only sum them, so the
 * rules below are the single definition of every money metric (design.md §5).
 *
 * A Sale's totalAmount is after discounts and including tax; so for any line:
 *   pre-tax net  = totalAmount − totalTaxAmount
 *   gross        = pre-tax net + discount (before taxes)
 * This holds for tax-exclusive and tax-inclusive shops alike.
 */

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

export function classifySale(sale: SaleInput): SaleComponents {
  const total = toUnits(sale.totalAmount || "0");
  const discount = toUnits(sale.discountAmount || "0");
  const tax = toUnits(sale.totalTaxAmount || "0");
  const preTax = total - tax;
  const parts = { gross: 0n, discounts: 0n, returns: 0n, shipping: 0n, duties: 0n, fees: 0n, tips: 0n };
  let taxes = tax;
  let units = 0;

  switch (sale.lineType) {
    case "PRODUCT":
      units = sale.quantity;
      if (sale.actionType === "RETURN") {
        parts.returns = preTax;
      } else {
        // ORDER (a purchase, also items added by an edit) and UPDATE (a price or
        // discount change to a prior purchase) both move gross and discounts.
        parts.gross = preTax + discount;
        parts.discounts = -discount;
      }
      break;
    case "SHIPPING":
      // Shipping charges net of shipping discounts; refunded shipping is negative.
      parts.shipping = preTax;
      break;
    case "DUTY":
      parts.duties = preTax;
      break;
    case "FEE":
    case "ADDITIONAL_FEE":
      parts.fees = preTax;
      break;
    case "TIP":
      parts.tips = preTax;
      break;
    case "ADJUSTMENT":
      // Refund discrepancies: Shopify books them as returns.
      parts.returns = preTax;
      break;
    case "GIFT_CARD":
      // A gift card is a liability, not a sale: nothing, not even tax, is counted.
      taxes = 0n;
      break;
    default:
      // UNKNOWN lines carry no defined meaning; counting them would be a guess.
      taxes = 0n;
  }

  return {
    grossSales: formatUnits(parts.gross),
    discounts: formatUnits(parts.discounts),
    returns: formatUnits(parts.returns),
    shipping: formatUnits(parts.shipping),
    duties: formatUnits(parts.duties),
    fees: formatUnits(parts.fees),
    taxes: formatUnits(taxes),
    tips: formatUnits(parts.tips),
    units,
  };
}
