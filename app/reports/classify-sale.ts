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
import Big from "big.js";

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

const ZERO = new Big(0);
// Big keeps the sign of zero ("-0.0000"); a column of money never shows it.
const fmt = (value: Big) => (value.eq(0) ? "0.0000" : value.toFixed(4));

export function classifySale(sale: SaleInput): SaleComponents {
  const total = new Big(sale.totalAmount || "0");
  const discount = new Big(sale.discountAmount || "0");
  const tax = new Big(sale.totalTaxAmount || "0");
  const preTax = total.minus(tax);
  const parts = { gross: ZERO, discounts: ZERO, returns: ZERO, shipping: ZERO, duties: ZERO, fees: ZERO, tips: ZERO };
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
        parts.gross = preTax.plus(discount);
        parts.discounts = discount.times(-1);
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
      taxes = ZERO;
      break;
    default:
      // UNKNOWN lines carry no defined meaning; counting them would be a guess.
      taxes = ZERO;
  }

  return {
    grossSales: fmt(parts.gross),
    discounts: fmt(parts.discounts),
    returns: fmt(parts.returns),
    shipping: fmt(parts.shipping),
    duties: fmt(parts.duties),
    fees: fmt(parts.fees),
    taxes: fmt(taxes),
    tips: fmt(parts.tips),
    units,
  };
}
