/**
 * What Shopify's own sales reports would say about a simulated store: the
 * expected numbers for the app's reports, computed straight from the raw store
 * (never from app/ code, never through GraphQL or the app's ledger).
 *
 * Rules, with Shopify's definitions (research/competitors.md §3; help.shopify.com
 * "Sales reports"; shopify.dev SaleActionType/SaleLineType):
 *
 * - Every sale lands on the shop-local day of its agreement's `happenedAt`
 *   ("Sales appear … as a positive value for the day that they were made, and
 *   returns appear as a negative value for the day that they were processed").
 *   Days come from Intl.DateTimeFormat in the shop's IANA time zone (DST-correct).
 * - Gross sales = "product price × quantity, before taxes, shipping, discounts and
 *   returns": Σ over PRODUCT sales with action ORDER or UPDATE of
 *   (totalAmount − totalTaxAmount + totalDiscountAmountBeforeTaxes). For
 *   tax-inclusive prices this removes the tax from the price, as Shopify does.
 *   An edit that adds an item is an ORDER sale on the edit's day; an UPDATE
 *   (a price/discount change, quantity 0) adds no gross.
 * - Discounts (negative) = − Σ totalDiscountAmountBeforeTaxes of those same sales
 *   ("applied before taxes"; line and order-level discounts, not compare-at).
 * - Returns (negative) = Σ over PRODUCT sales with action RETURN of
 *   (totalAmount − totalTaxAmount): the returned goods' value net of the discount
 *   they carried, on the day the refund/return/edit/cancellation was processed.
 *   A cancellation is a return of everything left, on the cancel day. ADJUSTMENT
 *   sales (refund discrepancies, e.g. a restocking amount kept) count as returns
 *   (ASSUMPTION: Shopify's page does not say; they are reported separately as
 *   `adjustments` too, already included in `returns`).
 * - Net sales = gross + discounts + returns ("gross sales − discounts − returns";
 *   excludes shipping and taxes).
 * - Shipping = Σ SHIPPING sales (totalAmount − totalTaxAmount), all actions:
 *   "shipping charges − shipping discounts − refunded shipping", net of tax.
 * - Duties = Σ DUTY (totalAmount − tax). Fees = Σ FEE + ADDITIONAL_FEE (totalAmount − tax).
 * - Taxes = Σ totalTaxAmount of every counted sale ("refunded taxes negative on
 *   the refund date").
 * - Tips = Σ TIP totalAmount, reported on their own, NOT in total sales.
 * - Total sales = net + shipping + duties + fees + taxes (tips and gift cards excluded).
 * - Gift cards are not sales (a liability): GIFT_CARD sales are ignored everywhere.
 * - Test orders are excluded everywhere (Shopify excludes test and deleted orders).
 * - Orders = non-test orders whose processedAt (the OrderAgreement's happenedAt,
 *   Shopify's order date) falls on the day. Refunds and cancellations do not add
 *   orders. Edits: "If you edit an order after the day the order was placed, then
 *   the edit displays as a separate order in your reports. Reports display an
 *   edited order as a new order, even though a new order hasn't been created."
 *   (help.shopify.com/en/manual/fulfillment/managing-orders/editing-orders/
 *   considerations, Analytics). With `laterDayEdits: "separate-order"` an order
 *   with an ORDER_EDIT agreement on a later local day than its placed day counts
 *   once more on that day (ASSUMPTION: once per order and day, however many edits
 *   that day; the Help Center does not say), and the edit's ORDER product sales
 *   join AOV's numerator on that day, as that "order"'s value at creation. A
 *   same-day edit adds no order. This is the default, as the ledger's rollups
 *   count them (app/sync/rollups.server.ts); "not-counted" is the
 *   plain placed-day count, for comparison.
 * - Units = net product quantity: Σ PRODUCT quantity (ORDER +, RETURN −, UPDATE 0).
 * - AOV (totals only) = (gross + discounts) of the orders' OrderAgreement product
 *   sales / orders: "(gross sales − discounts) / orders at order creation".
 * - COGS (design §5) = Σ quantity × unit cost, with the cost recorded when the
 *   line was sold (`costs: "atSale"`, default) or today's cost (`"current"`, what
 *   a backfill without history can know); a return reverses the cost its line was
 *   sold at. Lines whose cost was not recorded are left out of COGS and of
 *   `netSalesWithCost`; gross profit = netSalesWithCost − cogs.
 *
 * All money is exact: integer minor units inside, decimal strings with the
 * currency's digits outside ("1234.50", "-12.00").
 */
import { formatFixed } from "./money";
import { costAt, currentCost, findInventoryItem, findProduct, findVariant, type SimOrder, type SimSale, type SimStore } from "./store";
import { dayKeysBetween, localDayKey } from "./time";

export interface TruthOptions {
  /** First shop-local day ("2026-03-01", or an instant whose local day is used), inclusive. */
  from: string | Date;
  /** Last shop-local day, inclusive. */
  to: string | Date;
  /** Which unit cost prices a sale: the one recorded when the line sold (default) or today's. */
  costs?: "atSale" | "current";
  /** Shopify's later-day edit rule for the orders count (see the header); default "separate-order". */
  laterDayEdits?: "separate-order" | "not-counted";
}

export interface Money {
  grossSales: string;
  discounts: string;
  returns: string;
  /** Included in returns; shown for debugging. */
  adjustments: string;
  netSales: string;
  shipping: string;
  duties: string;
  fees: string;
  taxes: string;
  tips: string;
  totalSales: string;
  cogs: string;
  netSalesWithCost: string;
  grossProfit: string;
}

export interface DayTruth extends Money {
  day: string;
  orders: number;
  units: number;
}

export interface TotalsTruth extends Money {
  from: string;
  to: string;
  orders: number;
  units: number;
  /** (gross + discounts) at creation / orders, rounded half away from zero to the currency's digits; null without orders. */
  averageOrderValue: string | null;
}

export interface ProductTruth {
  productId: string;
  title: string;
  grossSales: string;
  discounts: string;
  returns: string;
  netSales: string;
  units: number;
  cogs: string;
  netSalesWithCost: string;
}

interface Acc {
  gross: number;
  discounts: number;
  returns: number;
  adjustments: number;
  shipping: number;
  duties: number;
  fees: number;
  taxes: number;
  tips: number;
  cogs: number;
  netWithCost: number;
  orders: number;
  units: number;
  /** AOV numerator: gross + discounts of OrderAgreement product sales of counted orders. */
  atCreation: number;
}

const emptyAcc = (): Acc => ({ gross: 0, discounts: 0, returns: 0, adjustments: 0, shipping: 0, duties: 0, fees: 0, taxes: 0, tips: 0, cogs: 0, netWithCost: 0, orders: 0, units: 0, atCreation: 0 });

function toDay(value: string | Date, timeZone: string): string {
  return typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : localDayKey(new Date(value).getTime(), timeZone);
}

function* allOrders(store: SimStore): Generator<SimOrder> {
  yield* store.orders;
  if (store.streamedOrders) yield* store.streamedOrders();
}

/** The unit cost a product sale is priced at, or null when none was recorded. */
function unitCostFor(store: SimStore, order: SimOrder, sale: SimSale, mode: "atSale" | "current"): number | null {
  const line = order.lineItems.find((l) => l.id === sale.lineItemId);
  const variant = line?.variantId ? findVariant(store, line.variantId) : undefined;
  const item = variant ? findInventoryItem(store, variant.inventoryItem.id) : undefined;
  if (!item) return null;
  if (mode === "current") return currentCost(item);
  // A return reverses the cost its line was sold at: the line's first ORDER sale.
  let soldAt: string | undefined;
  for (const a of order.agreements) {
    if (a.sales.some((s) => s.lineItemId === sale.lineItemId && s.actionType === "ORDER")) {
      soldAt = a.happenedAt;
      break;
    }
  }
  return soldAt ? costAt(item, soldAt) : null;
}

/** Walks every counted sale in [from, to], calling `add` with its day's accumulator. */
function walk(store: SimStore, options: TruthOptions, accFor: (day: string, order: SimOrder, sale: SimSale | null) => Acc | null): { from: string; to: string } {
  const tz = store.shop.ianaTimezone;
  const from = toDay(options.from, tz);
  const to = toDay(options.to, tz);
  const mode = options.costs ?? "atSale";
  for (const order of allOrders(store)) {
    if (order.test) continue;
    const placedDay = localDayKey(order.processedAt, tz);
    if ((options.laterDayEdits ?? "separate-order") === "separate-order") countLaterDayEdits(order, placedDay, tz, from, to, accFor);
    if (placedDay >= from && placedDay <= to) {
      const acc = accFor(placedDay, order, null);
      if (acc) {
        acc.orders++;
        const first = order.agreements[0];
        if (first?.__typename === "OrderAgreement") {
          for (const s of first.sales) if (s.lineType === "PRODUCT") acc.atCreation += s.total - s.tax;
        }
      }
    }
    for (const agreement of order.agreements) {
      const day = localDayKey(agreement.happenedAt, tz);
      if (day < from || day > to) continue;
      for (const sale of agreement.sales) {
        if (sale.lineType === "GIFT_CARD") continue;
        const acc = accFor(day, order, sale);
        if (!acc) continue;
        const net = sale.total - sale.tax;
        switch (sale.lineType) {
          case "PRODUCT": {
            if (sale.actionType === "RETURN") acc.returns += net;
            else {
              acc.gross += net + sale.discountBefore;
              acc.discounts -= sale.discountBefore;
            }
            acc.units += sale.quantity ?? 0;
            const cost = unitCostFor(store, order, sale, mode);
            if (cost !== null) {
              acc.cogs += cost * (sale.quantity ?? 0);
              acc.netWithCost += net;
            }
            break;
          }
          case "ADJUSTMENT":
            acc.returns += net;
            acc.adjustments += net;
            break;
          case "SHIPPING":
            acc.shipping += net;
            break;
          case "DUTY":
            acc.duties += net;
            break;
          case "FEE":
          case "ADDITIONAL_FEE":
            acc.fees += net;
            break;
          case "TIP":
            acc.tips += sale.total;
            continue; // tips carry no tax and stay out of total sales
        }
        acc.taxes += sale.tax;
      }
    }
  }
  return { from, to };
}

/** Each later local day with an edit of the order counts as one more order, valued at the edit's ORDER product sales. */
function countLaterDayEdits(order: SimOrder, placedDay: string, tz: string, from: string, to: string, accFor: (day: string, order: SimOrder, sale: SimSale | null) => Acc | null) {
  const byDay = new Map<string, number>();
  for (const agreement of order.agreements) {
    if (agreement.reason !== "ORDER_EDIT") continue;
    const day = localDayKey(agreement.happenedAt, tz);
    if (day <= placedDay || day < from || day > to) continue;
    let value = byDay.get(day) ?? 0;
    for (const s of agreement.sales) if (s.lineType === "PRODUCT" && s.actionType === "ORDER") value += s.total - s.tax;
    byDay.set(day, value);
  }
  for (const [day, value] of byDay) {
    const acc = accFor(day, order, null);
    if (!acc) continue;
    acc.orders++;
    acc.atCreation += value;
  }
}

function money(acc: Acc, currency: string): Money {
  const f = (minor: number) => formatFixed(minor, currency);
  const net = acc.gross + acc.discounts + acc.returns;
  return {
    grossSales: f(acc.gross),
    discounts: f(acc.discounts),
    returns: f(acc.returns),
    adjustments: f(acc.adjustments),
    netSales: f(net),
    shipping: f(acc.shipping),
    duties: f(acc.duties),
    fees: f(acc.fees),
    taxes: f(acc.taxes),
    tips: f(acc.tips),
    totalSales: f(net + acc.shipping + acc.duties + acc.fees + acc.taxes),
    cogs: f(acc.cogs),
    netSalesWithCost: f(acc.netWithCost),
    grossProfit: f(acc.netWithCost - acc.cogs),
  };
}

/** One row per shop-local day in [from, to] (days without activity included, all zero). */
export function truthByDay(store: SimStore, options: TruthOptions): DayTruth[] {
  const days = new Map<string, Acc>();
  const range = walk(store, options, (day) => {
    let acc = days.get(day);
    if (!acc) days.set(day, (acc = emptyAcc()));
    return acc;
  });
  const currency = store.shop.currencyCode;
  return dayKeysBetween(range.from, range.to).map((day) => {
    const acc = days.get(day) ?? emptyAcc();
    return { day, ...money(acc, currency), orders: acc.orders, units: acc.units };
  });
}

/** The same rules over the whole range at once. */
export function truthTotals(store: SimStore, options: TruthOptions): TotalsTruth {
  const acc = emptyAcc();
  const range = walk(store, options, () => acc);
  const currency = store.shop.currencyCode;
  let aov: string | null = null;
  if (acc.orders > 0) {
    const q = Math.floor((Math.abs(acc.atCreation) * 2 + acc.orders) / (2 * acc.orders));
    aov = formatFixed(acc.atCreation < 0 ? -q : q, currency);
  }
  return { ...range, ...money(acc, currency), orders: acc.orders, units: acc.units, averageOrderValue: aov };
}

/**
 * Per product (gift cards excluded), sorted by net sales, then title. Refund
 * discrepancies (ADJUSTMENT sales) are order-level and belong to no product, so
 * Σ product net sales = netSales − adjustments.
 */
export function truthByProduct(store: SimStore, options: TruthOptions): ProductTruth[] {
  const byProduct = new Map<string, Acc>();
  walk(store, options, (_day, order, sale) => {
    if (!sale || sale.lineType !== "PRODUCT") return null;
    const productId = order.lineItems.find((l) => l.id === sale.lineItemId)?.productId;
    if (!productId) return null;
    let acc = byProduct.get(productId);
    if (!acc) byProduct.set(productId, (acc = emptyAcc()));
    return acc;
  });
  const currency = store.shop.currencyCode;
  const f = (minor: number) => formatFixed(minor, currency);
  return [...byProduct]
    .map(([productId, acc]) => ({
      productId,
      title: findProduct(store, productId)?.title ?? "",
      grossSales: f(acc.gross),
      discounts: f(acc.discounts),
      returns: f(acc.returns),
      netSales: f(acc.gross + acc.discounts + acc.returns),
      units: acc.units,
      cogs: f(acc.cogs),
      netSalesWithCost: f(acc.netWithCost),
      net: acc.gross + acc.discounts + acc.returns,
    }))
    .sort((a, b) => b.net - a.net || a.title.localeCompare(b.title))
    .map(({ net: _net, ...row }) => row);
}
