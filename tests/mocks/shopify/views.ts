/**
 * The store's raw records presented as Shopify Admin GraphQL objects. Each view is
 * a plain object read by graphql-js's default resolver: values, getters (computed
 * only when selected) and functions of the field's arguments (connections).
 * A field a view does not define fails loudly (simulatorFieldResolver), so a
 * query that needs more than the simulator knows shows up as a gap, never as a
 * silent null. Protected customer fields are never defined.
 */
import { GraphQLError } from "graphql";

import { cancelBulkOperation, listBulkOperations, pollBulkOperation, runBulkQuery } from "./bulk";
import { convertMinor, formatDecimal } from "./money";
import { remainingByTarget } from "./seed";
import {
  currentCost,
  findInventoryItem,
  findOrder,
  findProduct,
  findVariant,
  gidType,
  legacyId,
  type SimAgreement,
  type SimInventoryItem,
  type SimLineItem,
  type SimOrder,
  type SimProduct,
  type SimSale,
  type SimStore,
  type SimTransaction,
  type SimVariant,
} from "./store";
import { localDayStart } from "./time";

/** Shopify's largest page (`first`/`last`) on Admin connections. */
export const MAX_PAGE_SIZE = 250;

// ---------------------------------------------------------------------------
// Connections and cursors

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
  query?: string | null;
  sortKey?: string | null;
}

interface Cursor {
  last_id: number;
  last_value: string | number;
}

/** Opaque to clients; shaped like Shopify's (base64 JSON of the last id and sort value). */
export function encodeCursor(id: string, value: string | number): string {
  return Buffer.from(JSON.stringify({ last_id: legacyId(id), last_value: value })).toString("base64");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as Cursor;
    if (typeof parsed.last_id === "number") return parsed;
  } catch {
    // fall through
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

export interface Sorted<T> {
  items: readonly T[];
  id: (item: T) => string;
  value: (item: T) => string | number;
}

const compareKeys = (a: string | number, aId: number, b: string | number, bId: number): number =>
  a < b ? -1 : a > b ? 1 : aId - bId;

/**
 * A Relay connection over items sorted ascending by (value, id). `first` and
 * `last` both undefined means every item (bulk operations only: the cost walk
 * refuses such a query on the synchronous API).
 */
export function connection<T>(sorted: Sorted<T>, args: ConnectionArgs, view: (item: T) => unknown) {
  for (const size of [args.first, args.last]) {
    if (typeof size === "number" && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`The maximum page size is ${MAX_PAGE_SIZE}; requested ${size}.`, { extensions: { code: "BAD_REQUEST" } });
    }
  }
  const direction = args.reverse ? -1 : 1;
  const list = args.reverse ? [...sorted.items].reverse() : sorted.items;
  const position = (cursor: Cursor, item: T) =>
    direction * compareKeys(sorted.value(item), legacyId(sorted.id(item)), cursor.last_value, cursor.last_id);
  let start = 0;
  let end = list.length;
  if (args.after) {
    const c = decodeCursor(args.after);
    while (start < end && position(c, list[start]!) <= 0) start++;
  }
  if (args.before) {
    const c = decodeCursor(args.before);
    let i = start;
    while (i < end && position(c, list[i]!) < 0) i++;
    end = i;
  }
  let from = start;
  let to = end;
  if (typeof args.first === "number") to = Math.min(to, from + args.first);
  if (typeof args.last === "number") from = Math.max(from, to - args.last);
  const page = list.slice(from, to);
  const cursorOf = (item: T | undefined) => (item === undefined ? null : encodeCursor(sorted.id(item), sorted.value(item)));
  return {
    get edges() {
      return page.map((item) => ({
        cursor: cursorOf(item),
        get node() {
          return view(item);
        },
      }));
    },
    get nodes() {
      return page.map(view);
    },
    get pageInfo() {
      return {
        hasNextPage: to < end,
        hasPreviousPage: from > start || (args.after ? start > 0 : false),
        startCursor: cursorOf(page[0]),
        endCursor: cursorOf(page.at(-1)),
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Search syntax: `updated_at:>='2026-01-01T00:00:00Z' AND test:false`

export interface SearchTerm {
  field: string | null;
  op: ">" | ">=" | "<" | "<=" | "=";
  value: string;
  negated: boolean;
}

/** Terms joined by whitespace or AND. OR and parentheses are not simulated (they would be ignored silently, so they throw). */
export function parseSearch(query: string | null | undefined): SearchTerm[] {
  if (!query?.trim()) return [];
  const tokens = query.match(/-?[a-z_]+:(?:[<>]=?|=)?(?:'[^']*'|"[^"]*"|\S+)|'[^']*'|"[^"]*"|\S+/gi) ?? [];
  const terms: SearchTerm[] = [];
  for (const token of tokens) {
    if (token === "AND") continue;
    if (token === "OR" || token.startsWith("(")) {
      throw new GraphQLError(`The Shopify simulator does not support '${token}' in search queries: ${query}`);
    }
    const m = /^(-?)([a-z_]+):([<>]=?|=)?(.*)$/i.exec(token);
    const unquote = (v: string) => v.replace(/^['"]|['"]$/g, "");
    if (m) terms.push({ negated: m[1] === "-", field: m[2]!.toLowerCase(), op: (m[3] as SearchTerm["op"]) ?? "=", value: unquote(m[4] ?? "") });
    else terms.push({ negated: false, field: null, op: "=", value: unquote(token) });
  }
  return terms;
}

type Accessor<T> = (item: T) => string | number | boolean | null;

/** Shopify reads a date without a time as the shop's local midnight. */
function timeValue(value: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return localDayStart(value, timeZone);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new GraphQLError(`Invalid date in search query: ${value}`);
  return ms;
}

export function matchesSearch<T>(item: T, terms: SearchTerm[], fields: Record<string, Accessor<T>>, timeZone: string): boolean {
  for (const term of terms) {
    // Shopify ignores unknown filter fields (with a warning in extensions.search).
    const accessor = fields[term.field ?? "default"];
    if (!accessor) continue;
    const actual = accessor(item);
    let ok: boolean;
    if (term.field?.endsWith("_at")) {
      if (actual === null) ok = false;
      else {
        const a = Date.parse(String(actual));
        const v = timeValue(term.value, timeZone);
        ok = term.op === ">" ? a > v : term.op === ">=" ? a >= v : term.op === "<" ? a < v : term.op === "<=" ? a <= v : a === v;
      }
    } else if (typeof actual === "number") {
      const v = Number(term.value.replace(/^gid:\/\/shopify\/\w+\//, ""));
      ok = term.op === ">" ? actual > v : term.op === ">=" ? actual >= v : term.op === "<" ? actual < v : term.op === "<=" ? actual <= v : actual === v;
    } else if (typeof actual === "boolean") {
      ok = String(actual) === term.value.toLowerCase();
    } else {
      const a = String(actual ?? "").toLowerCase();
      const v = term.value.toLowerCase();
      ok = v.endsWith("*") ? a.startsWith(v.slice(0, -1)) : term.field === null || term.field === "default" ? a.includes(v) : a === v;
    }
    if (ok === term.negated) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Sorting and filtering of the root lists

type SortKeyMap<T> = Record<string, (item: T) => string | number>;

const ORDER_SORT: SortKeyMap<SimOrder> = {
  ID: (o) => legacyId(o.id),
  CREATED_AT: (o) => o.createdAt,
  PROCESSED_AT: (o) => o.processedAt,
  UPDATED_AT: (o) => o.updatedAt,
  ORDER_NUMBER: (o) => o.number,
};
const ORDER_FIELDS: Record<string, Accessor<SimOrder>> = {
  id: (o) => legacyId(o.id),
  created_at: (o) => o.createdAt,
  updated_at: (o) => o.updatedAt,
  processed_at: (o) => o.processedAt,
  test: (o) => o.test,
  name: (o) => o.name,
  default: (o) => o.name,
  source_name: (o) => o.sourceName,
  status: (o) => (o.cancelledAt ? "cancelled" : "open"),
};
const PRODUCT_SORT: SortKeyMap<SimProduct> = {
  ID: (p) => legacyId(p.id),
  TITLE: (p) => p.title,
  CREATED_AT: (p) => p.createdAt,
  UPDATED_AT: (p) => p.updatedAt,
};
const PRODUCT_FIELDS: Record<string, Accessor<SimProduct>> = {
  id: (p) => legacyId(p.id),
  title: (p) => p.title,
  default: (p) => p.title,
  created_at: (p) => p.createdAt,
  updated_at: (p) => p.updatedAt,
  gift_card: (p) => p.isGiftCard,
  product_type: (p) => p.productType,
  vendor: (p) => p.vendor,
  status: () => "active",
};
const VARIANT_FIELDS: Record<string, Accessor<SimVariant>> = {
  id: (v) => legacyId(v.id),
  sku: (v) => v.sku,
  default: (v) => v.sku,
  product_id: (v) => legacyId(v.productId),
  created_at: (v) => v.createdAt,
  updated_at: (v) => v.updatedAt,
};
const ITEM_FIELDS: Record<string, Accessor<SimInventoryItem>> = {
  id: (i) => legacyId(i.id),
  sku: (i) => i.sku,
  created_at: (i) => i.createdAt,
  updated_at: (i) => i.updatedAt,
};

function sortKeyOf<T>(keys: SortKeyMap<T>, sortKey: string | null | undefined, fallback: string): (item: T) => string | number {
  const key = sortKey ?? fallback;
  const fn = keys[key] ?? (key === "RELEVANCE" ? keys.ID : undefined);
  if (!fn) throw new GraphQLError(`The Shopify simulator does not support sortKey ${key}`);
  return fn;
}

function sortBy<T extends { id: string }>(items: T[], value: (item: T) => string | number): T[] {
  return items.sort((a, b) => compareKeys(value(a), legacyId(a.id), value(b), legacyId(b.id)));
}

const ORDER_WINDOW_MS = 60 * 86_400_000;

/**
 * "Only the last 60 days' worth of orders from a store are accessible from the
 * Order object by default. If you want to access older records, then you need to
 * request access to all orders" (shopify.dev, Order object, note): without
 * read_all_orders an order created more than 60 days ago is invisible to
 * `orders`, `order(id:)`, `node(id:)` and bulk operations alike. ASSUMPTION: the
 * window is measured on createdAt (the docs do not say which date).
 */
export function orderReachable(store: SimStore, order: SimOrder): boolean {
  if (!store.grantedScopes || store.grantedScopes.includes("read_all_orders")) return true;
  return Date.parse(order.createdAt) >= store.now() - ORDER_WINDOW_MS;
}

/** The orders a root `orders` query sees, filtered and sorted ascending (reverse is the connection's job). */
export function listOrders(store: SimStore, args: ConnectionArgs): Sorted<SimOrder> {
  const terms = parseSearch(args.query);
  const value = sortKeyOf(ORDER_SORT, args.sortKey, "PROCESSED_AT");
  const items = store.orders.filter((o) => orderReachable(store, o) && matchesSearch(o, terms, ORDER_FIELDS, store.shop.ianaTimezone));
  return { items: sortBy(items, value), id: (o) => o.id, value };
}

export function filterOrder(store: SimStore, order: SimOrder, query: string | null | undefined): boolean {
  return orderReachable(store, order) && matchesSearch(order, parseSearch(query), ORDER_FIELDS, store.shop.ianaTimezone);
}

export function listProducts(store: SimStore, args: ConnectionArgs): Sorted<SimProduct> {
  const terms = parseSearch(args.query);
  const value = sortKeyOf(PRODUCT_SORT, args.sortKey, "ID");
  const items = store.products.filter((p) => matchesSearch(p, terms, PRODUCT_FIELDS, store.shop.ianaTimezone));
  return { items: sortBy(items, value), id: (p) => p.id, value };
}

export function listVariants(store: SimStore, args: ConnectionArgs): Sorted<SimVariant> {
  const terms = parseSearch(args.query);
  const value = sortKeyOf<SimVariant>({ ID: (v) => legacyId(v.id), SKU: (v) => v.sku, TITLE: (v) => v.title, POSITION: (v) => v.position }, args.sortKey, "ID");
  const items = store.products.flatMap((p) => p.variants).filter((v) => matchesSearch(v, terms, VARIANT_FIELDS, store.shop.ianaTimezone));
  return { items: sortBy(items, value), id: (v) => v.id, value };
}

export function listInventoryItems(store: SimStore, args: ConnectionArgs): Sorted<SimInventoryItem> {
  const terms = parseSearch(args.query);
  const value = (i: SimInventoryItem) => legacyId(i.id);
  const items = store.products
    .flatMap((p) => p.variants.map((v) => v.inventoryItem))
    .filter((i) => matchesSearch(i, terms, ITEM_FIELDS, store.shop.ianaTimezone));
  return { items: sortBy(items, value), id: (i) => i.id, value };
}

// ---------------------------------------------------------------------------
// Money

function money(minor: number, currencyCode: string) {
  return { amount: formatDecimal(minor, currencyCode), currencyCode };
}

/** A MoneyBag for an amount in shop currency; presentment at the order's fixed rate. */
class MoneyBagView {
  readonly #store: SimStore;
  readonly #minor: number;
  readonly #order: SimOrder | null;
  constructor(store: SimStore, minor: number, order: SimOrder | null) {
    this.#store = store;
    this.#minor = minor;
    this.#order = order;
  }
  get shopMoney() {
    return money(this.#minor, this.#store.shop.currencyCode);
  }
  get presentmentMoney() {
    const shopCurrency = this.#store.shop.currencyCode;
    const order = this.#order;
    if (!order || order.presentmentCurrencyCode === shopCurrency) return money(this.#minor, shopCurrency);
    return money(convertMinor(this.#minor, shopCurrency, order.presentmentCurrencyCode, order.presentmentRatePpm), order.presentmentCurrencyCode);
  }
}

export function moneyBag(store: SimStore, minor: number, order?: SimOrder | null): MoneyBagView {
  return new MoneyBagView(store, minor, order ?? null);
}

// ---------------------------------------------------------------------------
// Views. Classes with prototype getters and #private state: nothing is computed
// unless selected, and private state is invisible to the resolver (a raw record
// can never leak as a GraphQL object).

function taxLineView(store: SimStore, order: SimOrder, tax: number) {
  return {
    title: order.taxTitle,
    rate: order.taxRatePpm / 1_000_000,
    ratePercentage: order.taxRatePpm / 10_000,
    priceSet: moneyBag(store, tax, order),
    source: "Shopify",
    channelLiable: false,
  };
}

function dutyView(store: SimStore, order: SimOrder, dutyId: string | undefined) {
  const duty = order.duties.find((d) => d.id === dutyId);
  if (!duty) return null;
  return { id: duty.id, harmonizedSystemCode: duty.harmonizedSystemCode, countryCodeOfOrigin: null, price: moneyBag(store, duty.price, order), taxLines: [] };
}

class SaleView {
  readonly #store: SimStore;
  readonly #order: SimOrder;
  readonly #sale: SimSale;
  constructor(store: SimStore, order: SimOrder, sale: SimSale) {
    this.#store = store;
    this.#order = order;
    this.#sale = sale;
  }
  get __typename() {
    return this.#sale.__typename;
  }
  get id() {
    return this.#sale.id;
  }
  get actionType() {
    return this.#sale.actionType;
  }
  get lineType() {
    return this.#sale.lineType;
  }
  get quantity() {
    return this.#sale.quantity;
  }
  get totalAmount() {
    return moneyBag(this.#store, this.#sale.total, this.#order);
  }
  get totalDiscountAmountBeforeTaxes() {
    return moneyBag(this.#store, this.#sale.discountBefore, this.#order);
  }
  get totalDiscountAmountAfterTaxes() {
    return moneyBag(this.#store, this.#sale.discountAfter, this.#order);
  }
  get totalTaxAmount() {
    return moneyBag(this.#store, this.#sale.tax, this.#order);
  }
  taxes() {
    const s = this.#sale;
    if (s.tax === 0) return [];
    return [{ id: `gid://shopify/SaleTax/${legacyId(s.id)}`, amount: moneyBag(this.#store, s.tax, this.#order), taxLine: taxLineView(this.#store, this.#order, s.tax) }];
  }
  /** ProductSale, GiftCardSale, TipSale. */
  lineItem() {
    const line = this.#order.lineItems.find((l) => l.id === this.#sale.lineItemId);
    return line ? new LineItemView(this.#store, this.#order, line) : null;
  }
  /** ShippingLineSale: "not available if the sale is a return" (Shopify). */
  shippingLine() {
    const s = this.#sale;
    return s.actionType === "RETURN" || !s.shippingLineId ? null : shippingLineView(this.#store, this.#order, s.shippingLineId);
  }
  duty() {
    return dutyView(this.#store, this.#order, this.#sale.dutyId);
  }
  fee() {
    return this.#sale.feeId ? { __typename: "RestockingFee", id: this.#sale.feeId } : null;
  }
  additionalFee() {
    const fee = this.#order.additionalFees.find((f) => f.id === this.#sale.additionalFeeId);
    return fee ? { id: fee.id, name: fee.name, price: moneyBag(this.#store, fee.price, this.#order), taxLines: [] } : null;
  }
}

function shippingLineView(store: SimStore, order: SimOrder, id: string) {
  const ship = order.shippingLines.find((x) => x.id === id);
  if (!ship) return null;
  const charged = order.agreements[0]?.sales.find((s) => s.shippingLineId === id);
  return {
    id: ship.id,
    title: ship.title,
    code: ship.code,
    source: "shopify",
    carrierIdentifier: null,
    custom: false,
    isRemoved: false,
    deliveryCategory: null,
    originalPriceSet: moneyBag(store, ship.price, order),
    discountedPriceSet: moneyBag(store, ship.price - (charged?.discountAfter ?? 0), order),
    currentDiscountedPriceSet: moneyBag(store, ship.price - (charged?.discountAfter ?? 0), order),
    taxLines: () => (charged && charged.tax !== 0 ? [taxLineView(store, order, charged.tax)] : []),
    discountAllocations: [],
  };
}

/** An OrderTransaction: shop money (and presentment at the order's rate); fees in shop money. */
function transactionView(store: SimStore, order: SimOrder, t: SimTransaction) {
  const currency = store.shop.currencyCode;
  return {
    __typename: "OrderTransaction",
    id: t.id,
    kind: t.kind,
    status: t.status,
    gateway: t.gateway,
    formattedGateway: t.gateway === "shopify_payments" ? "Shopify Payments" : t.gateway,
    manualPaymentGateway: t.gateway === "manual",
    processedAt: t.processedAt,
    createdAt: t.createdAt,
    test: order.test,
    amountSet: moneyBag(store, t.amount, order),
    fees: t.fees.map((f) => ({
      __typename: "TransactionFee",
      id: f.id,
      amount: money(f.amount, currency),
      flatFee: money(f.flatFee, currency),
      flatFeeName: f.flatFee ? "Flat fee" : null,
      rate: f.rate,
      rateName: "Card rate",
      taxAmount: money(f.taxAmount, currency),
      type: f.type,
    })),
  };
}

class LineItemView {
  readonly #store: SimStore;
  readonly #order: SimOrder;
  readonly #line: SimLineItem;
  readonly __typename = "LineItem";
  constructor(store: SimStore, order: SimOrder, line: SimLineItem) {
    this.#store = store;
    this.#order = order;
    this.#line = line;
  }
  #remaining() {
    return Math.max(0, remainingByTarget(this.#order).get(this.#line.id)?.quantity ?? 0);
  }
  #charged() {
    return this.#order.agreements.flatMap((a) => a.sales).filter((s) => s.lineItemId === this.#line.id && s.actionType !== "RETURN");
  }
  #product() {
    return this.#line.productId ? findProduct(this.#store, this.#line.productId) : undefined;
  }
  get id() {
    return this.#line.id;
  }
  get title() {
    return this.#line.title;
  }
  get name() {
    return this.#line.variantTitle ? `${this.#line.title} - ${this.#line.variantTitle}` : this.#line.title;
  }
  get variantTitle() {
    return this.#line.variantTitle;
  }
  get sku() {
    return this.#line.sku;
  }
  get vendor() {
    return this.#product()?.vendor ?? null;
  }
  get quantity() {
    return this.#line.quantity;
  }
  get currentQuantity() {
    return this.#remaining();
  }
  get refundableQuantity() {
    return this.#remaining();
  }
  get unfulfilledQuantity() {
    return 0;
  }
  get nonFulfillableQuantity() {
    return 0;
  }
  get isGiftCard() {
    return this.#line.kind === "gift_card";
  }
  get requiresShipping() {
    return this.#line.requiresShipping;
  }
  get taxable() {
    return this.#line.taxable;
  }
  get merchantEditable() {
    return true;
  }
  get restockable() {
    return this.#line.kind === "product";
  }
  get staffMember() {
    return null;
  }
  get customAttributes() {
    return [];
  }
  variant() {
    const variant = this.#line.variantId ? findVariant(this.#store, this.#line.variantId) : undefined;
    return variant ? new VariantView(this.#store, variant) : null;
  }
  product() {
    const product = this.#product();
    return product ? new ProductView(this.#store, product) : null;
  }
  get originalUnitPriceSet() {
    return moneyBag(this.#store, this.#line.originalUnitPrice, this.#order);
  }
  get originalTotalSet() {
    return moneyBag(this.#store, this.#line.originalUnitPrice * this.#line.quantity, this.#order);
  }
  get totalDiscountSet() {
    return moneyBag(this.#store, this.#charged().reduce((a, s) => a + s.discountAfter, 0), this.#order);
  }
  discountedTotalSet() {
    const discount = this.#charged().reduce((a, s) => a + s.discountAfter, 0);
    return moneyBag(this.#store, this.#line.originalUnitPrice * this.#line.quantity - discount, this.#order);
  }
  taxLines() {
    const tax = this.#charged().reduce((a, s) => a + s.tax, 0);
    return tax === 0 ? [] : [taxLineView(this.#store, this.#order, tax)];
  }
  duties() {
    return this.#order.duties.filter((d) => d.lineItemId === this.#line.id).map((d) => dutyView(this.#store, this.#order, d.id));
  }
}

class AgreementView {
  readonly #store: SimStore;
  readonly #order: SimOrder;
  readonly #agreement: SimAgreement;
  constructor(store: SimStore, order: SimOrder, agreement: SimAgreement) {
    this.#store = store;
    this.#order = order;
    this.#agreement = agreement;
  }
  get __typename() {
    return this.#agreement.__typename;
  }
  get id() {
    return this.#agreement.id;
  }
  get happenedAt() {
    return this.#agreement.happenedAt;
  }
  get reason() {
    return this.#agreement.reason;
  }
  get app() {
    return null;
  }
  /** Staff are people: the simulator has none (online orders have no user either). */
  get user() {
    return null;
  }
  sales(args: ConnectionArgs) {
    const sorted: Sorted<SimSale> = { items: this.#agreement.sales, id: (s) => s.id, value: (s) => legacyId(s.id) };
    return connection(sorted, args, (s) => new SaleView(this.#store, this.#order, s));
  }
  /** OrderAgreement */
  order() {
    return new OrderView(this.#store, this.#order);
  }
  /** RefundAgreement, ReturnAgreement */
  refund() {
    return this.#agreement.refundId ? refundView(this.#store, this.#order, this.#agreement.refundId) : null;
  }
  /** ReturnAgreement */
  return() {
    return this.#agreement.returnId ? returnView(this.#store, this.#order, this.#agreement.returnId) : null;
  }
}

function refundView(store: SimStore, order: SimOrder, id: string) {
  const refund = order.refunds.find((r) => r.id === id);
  if (!refund) return null;
  const agreement = order.agreements.find((a) => a.id === refund.agreementId)!;
  return {
    __typename: "Refund",
    id,
    legacyResourceId: String(legacyId(id)),
    createdAt: refund.createdAt,
    processedAt: refund.processedAt,
    updatedAt: refund.processedAt,
    note: null,
    staffMember: null,
    order: () => new OrderView(store, order),
    return: () => (refund.returnId ? returnView(store, order, refund.returnId) : null),
    totalRefundedSet: moneyBag(store, -agreement.sales.reduce((a, s) => a + s.total, 0), order),
  };
}

function returnView(store: SimStore, order: SimOrder, id: string) {
  const refund = order.refunds.find((r) => r.returnId === id);
  if (!refund) return null;
  const agreement = order.agreements.find((a) => a.id === refund.agreementId)!;
  return {
    __typename: "Return",
    id,
    name: `${order.name}-R${order.refunds.filter((r) => r.returnId).indexOf(refund) + 1}`,
    status: "CLOSED",
    createdAt: refund.createdAt,
    closedAt: refund.processedAt,
    requestApprovedAt: refund.createdAt,
    staffMember: null,
    order: () => new OrderView(store, order),
    totalQuantity: -agreement.sales.filter((s) => s.lineType === "PRODUCT").reduce((a, s) => a + (s.quantity ?? 0), 0),
  };
}

function sumSales(order: SimOrder, pick: (s: SimSale) => number, filter: (a: SimAgreement, s: SimSale) => boolean = () => true): number {
  let total = 0;
  for (const a of order.agreements) for (const s of a.sales) if (filter(a, s)) total += pick(s);
  return total;
}

const isOriginal = (a: SimAgreement) => a.__typename === "OrderAgreement";
const isRefund = (a: SimAgreement) => a.__typename === "RefundAgreement" || a.__typename === "ReturnAgreement";

class OrderView {
  readonly #store: SimStore;
  readonly #order: SimOrder;
  readonly __typename = "Order";
  constructor(store: SimStore, order: SimOrder) {
    this.#store = store;
    this.#order = order;
  }
  #bag(minor: number) {
    return moneyBag(this.#store, minor, this.#order);
  }
  get id() {
    return this.#order.id;
  }
  get legacyResourceId() {
    return String(legacyId(this.#order.id));
  }
  get name() {
    return this.#order.name;
  }
  get createdAt() {
    return this.#order.createdAt;
  }
  get processedAt() {
    return this.#order.processedAt;
  }
  get updatedAt() {
    return this.#order.updatedAt;
  }
  get cancelledAt() {
    return this.#order.cancelledAt;
  }
  get cancelReason() {
    return this.#order.cancelReason;
  }
  get closedAt() {
    return null;
  }
  get closed() {
    return false;
  }
  get confirmed() {
    return true;
  }
  get test() {
    return this.#order.test;
  }
  get currencyCode() {
    return this.#store.shop.currencyCode;
  }
  get presentmentCurrencyCode() {
    return this.#order.presentmentCurrencyCode;
  }
  get sourceName() {
    return this.#order.sourceName;
  }
  get taxesIncluded() {
    return this.#order.taxesIncluded;
  }
  get displayFinancialStatus() {
    const refunded = -sumSales(this.#order, (s) => s.total, isRefund);
    const total = sumSales(this.#order, (s) => s.total, isOriginal);
    return refunded <= 0 ? "PAID" : refunded >= total ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }
  agreements(args: ConnectionArgs) {
    const order = this.#order;
    const terms = parseSearch(args.query);
    const fields: Record<string, Accessor<SimAgreement>> = { happened_at: (a) => a.happenedAt, id: (a) => legacyId(a.id) };
    const items = terms.length === 0 ? order.agreements : order.agreements.filter((a) => matchesSearch(a, terms, fields, this.#store.shop.ianaTimezone));
    return connection({ items, id: (a) => a.id, value: (a) => a.happenedAt }, args, (a) => new AgreementView(this.#store, order, a));
  }
  lineItems(args: ConnectionArgs) {
    const order = this.#order;
    return connection({ items: order.lineItems, id: (l) => l.id, value: (l) => legacyId(l.id) }, args, (l) => new LineItemView(this.#store, order, l));
  }
  /** A list, not a connection (OrderTransaction), oldest first; `first` truncates. */
  transactions(args: { first?: number }) {
    const order = this.#order;
    return order.transactions.slice(0, args.first ?? order.transactions.length).map((t) => transactionView(this.#store, order, t));
  }
  get transactionsCount() {
    return { count: this.#order.transactions.length, precision: "EXACT" };
  }
  /** Shipping lines, never removed ones here (includeRemovals defaults to false). */
  shippingLines(args: ConnectionArgs) {
    const order = this.#order;
    // Shipping lines without an index of their own: positions keep the connection's cursors stable.
    const position = new Map(order.shippingLines.map((l, i) => [l.id, i] as const));
    return connection({ items: order.shippingLines, id: (l) => l.id, value: (l) => position.get(l.id)! }, args, (l) => shippingLineView(this.#store, order, l.id));
  }
  refunds(args: { first?: number }) {
    const order = this.#order;
    return order.refunds.slice(0, args.first ?? order.refunds.length).map((r) => refundView(this.#store, order, r.id));
  }
  get totalPriceSet() {
    return this.#bag(sumSales(this.#order, (s) => s.total, isOriginal));
  }
  get currentTotalPriceSet() {
    return this.#bag(sumSales(this.#order, (s) => s.total));
  }
  get totalTaxSet() {
    return this.#bag(sumSales(this.#order, (s) => s.tax, isOriginal));
  }
  get currentTotalTaxSet() {
    return this.#bag(sumSales(this.#order, (s) => s.tax));
  }
  get totalDiscountsSet() {
    return this.#bag(sumSales(this.#order, (s) => s.discountAfter, isOriginal));
  }
  get totalRefundedSet() {
    return this.#bag(-sumSales(this.#order, (s) => s.total, isRefund));
  }
  get subtotalPriceSet() {
    const inclusive = this.#order.taxesIncluded;
    return this.#bag(
      sumSales(this.#order, (s) => (inclusive ? s.total : s.total - s.tax), (a, s) => isOriginal(a) && (s.lineType === "PRODUCT" || s.lineType === "GIFT_CARD")),
    );
  }
  get totalShippingPriceSet() {
    const inclusive = this.#order.taxesIncluded;
    return this.#bag(sumSales(this.#order, (s) => (inclusive ? s.total : s.total - s.tax), (a, s) => isOriginal(a) && s.lineType === "SHIPPING"));
  }
}

class VariantView {
  readonly #store: SimStore;
  readonly #variant: SimVariant;
  readonly __typename = "ProductVariant";
  constructor(store: SimStore, variant: SimVariant) {
    this.#store = store;
    this.#variant = variant;
  }
  #product() {
    return findProduct(this.#store, this.#variant.productId);
  }
  get id() {
    return this.#variant.id;
  }
  get legacyResourceId() {
    return String(legacyId(this.#variant.id));
  }
  get title() {
    return this.#variant.title;
  }
  get displayName() {
    return `${this.#product()?.title ?? ""} - ${this.#variant.title}`;
  }
  get sku() {
    return this.#variant.sku;
  }
  get barcode() {
    return null;
  }
  get price() {
    return formatDecimal(this.#variant.price, this.#store.shop.currencyCode);
  }
  get compareAtPrice() {
    return null;
  }
  get position() {
    return this.#variant.position;
  }
  get taxable() {
    return !this.#product()?.isGiftCard;
  }
  get availableForSale() {
    return true;
  }
  get inventoryQuantity() {
    return 100;
  }
  get createdAt() {
    return this.#variant.createdAt;
  }
  get updatedAt() {
    return this.#variant.updatedAt;
  }
  get selectedOptions() {
    return [{ name: "Title", value: this.#variant.title }];
  }
  inventoryItem() {
    return new InventoryItemView(this.#store, this.#variant.inventoryItem);
  }
  product() {
    const product = this.#product();
    return product ? new ProductView(this.#store, product) : null;
  }
}

class ProductView {
  readonly #store: SimStore;
  readonly #product: SimProduct;
  readonly __typename = "Product";
  constructor(store: SimStore, product: SimProduct) {
    this.#store = store;
    this.#product = product;
  }
  get id() {
    return this.#product.id;
  }
  get legacyResourceId() {
    return String(legacyId(this.#product.id));
  }
  get title() {
    return this.#product.title;
  }
  get handle() {
    return this.#product.handle;
  }
  get vendor() {
    return this.#product.vendor;
  }
  get productType() {
    return this.#product.productType;
  }
  get status() {
    return "ACTIVE";
  }
  get tags() {
    return [];
  }
  get isGiftCard() {
    return this.#product.isGiftCard;
  }
  get createdAt() {
    return this.#product.createdAt;
  }
  get updatedAt() {
    return this.#product.updatedAt;
  }
  get publishedAt() {
    return this.#product.createdAt;
  }
  get description() {
    return "";
  }
  get descriptionHtml() {
    return "";
  }
  get templateSuffix() {
    return null;
  }
  get giftCardTemplateSuffix() {
    return null;
  }
  get hasOnlyDefaultVariant() {
    return this.#product.variants.length === 1 && this.#product.variants[0]!.title === "Default Title";
  }
  get tracksInventory() {
    return !this.#product.isGiftCard;
  }
  get totalInventory() {
    return this.#product.isGiftCard ? 0 : this.#product.variants.length * 100;
  }
  get variantsCount() {
    return { count: this.#product.variants.length, precision: "EXACT" };
  }
  variants(args: ConnectionArgs) {
    return connection({ items: this.#product.variants, id: (v) => v.id, value: (v) => v.position }, args, (v) => new VariantView(this.#store, v));
  }
}

class InventoryItemView {
  readonly #store: SimStore;
  readonly #item: SimInventoryItem;
  readonly __typename = "InventoryItem";
  constructor(store: SimStore, item: SimInventoryItem) {
    this.#store = store;
    this.#item = item;
  }
  get id() {
    return this.#item.id;
  }
  get legacyResourceId() {
    return String(legacyId(this.#item.id));
  }
  get sku() {
    return this.#item.sku;
  }
  get tracked() {
    return this.#item.tracked;
  }
  get requiresShipping() {
    return this.#item.requiresShipping;
  }
  get createdAt() {
    return this.#item.createdAt;
  }
  get updatedAt() {
    return this.#item.updatedAt;
  }
  get countryCodeOfOrigin() {
    return null;
  }
  get provinceCodeOfOrigin() {
    return null;
  }
  get harmonizedSystemCode() {
    return null;
  }
  get duplicateSkuCount() {
    return 0;
  }
  /** The current cost only (Shopify keeps no history); null when none is recorded. */
  get unitCost() {
    const cost = currentCost(this.#item);
    return cost === null ? null : money(cost, this.#store.shop.currencyCode);
  }
  variant() {
    const variant = findVariant(this.#store, this.#item.variantId);
    return variant ? new VariantView(this.#store, variant) : null;
  }
  variants(args: ConnectionArgs) {
    const variant = findVariant(this.#store, this.#item.variantId);
    return connection({ items: variant ? [variant] : [], id: (v) => v.id, value: (v) => legacyId(v.id) }, args, (v) => new VariantView(this.#store, v));
  }
}

export const orderView = (store: SimStore, order: SimOrder) => new OrderView(store, order);
export const productView = (store: SimStore, product: SimProduct) => new ProductView(store, product);
export const variantView = (store: SimStore, variant: SimVariant) => new VariantView(store, variant);
export const inventoryItemView = (store: SimStore, item: SimInventoryItem) => new InventoryItemView(store, item);
const lineItemView = (store: SimStore, order: SimOrder, line: SimLineItem) => new LineItemView(store, order, line);

/** Any node the simulator knows, by gid (null, as on Shopify, for an unknown id). */
export function nodeView(store: SimStore, id: string): unknown {
  switch (gidType(id)) {
    case "Order": {
      const order = findOrder(store, id);
      return order && orderReachable(store, order) ? orderView(store, order) : null;
    }
    case "LineItem": {
      const order = store.index.get(id) as SimOrder | undefined;
      const line = order?.lineItems.find((l) => l.id === id);
      return order && line ? lineItemView(store, order, line) : null;
    }
    case "Refund": {
      const order = store.index.get(id) as SimOrder | undefined;
      return order ? refundView(store, order, id) : null;
    }
    case "Product": {
      const product = findProduct(store, id);
      return product ? productView(store, product) : null;
    }
    case "ProductVariant": {
      const variant = findVariant(store, id);
      return variant ? variantView(store, variant) : null;
    }
    case "InventoryItem": {
      const item = findInventoryItem(store, id);
      return item ? inventoryItemView(store, item) : null;
    }
    case "BulkOperation":
      return pollBulkOperation(store, id);
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// Roots

export function queryRoot(store: SimStore): Record<string, unknown> {
  return {
    shop: store.shop,
    orders: (args: ConnectionArgs) => connection(listOrders(store, args), args, (o) => orderView(store, o)),
    order: ({ id }: { id: string }) => nodeView(store, gidType(id) === "Order" ? id : ""),
    products: (args: ConnectionArgs) => connection(listProducts(store, args), args, (p) => productView(store, p)),
    product: ({ id }: { id: string }) => (gidType(id) === "Product" ? nodeView(store, id) : null),
    productVariants: (args: ConnectionArgs) => connection(listVariants(store, args), args, (v) => variantView(store, v)),
    productVariant: ({ id }: { id: string }) => (gidType(id) === "ProductVariant" ? nodeView(store, id) : null),
    inventoryItems: (args: ConnectionArgs) => connection(listInventoryItems(store, args), args, (i) => inventoryItemView(store, i)),
    inventoryItem: ({ id }: { id: string }) => (gidType(id) === "InventoryItem" ? nodeView(store, id) : null),
    node: ({ id }: { id: string }) => nodeView(store, id),
    nodes: ({ ids }: { ids: string[] }) => ids.map((id) => nodeView(store, id)),
    bulkOperation: ({ id }: { id: string }) => (gidType(id) === "BulkOperation" ? pollBulkOperation(store, id) : null),
    bulkOperations: (args: ConnectionArgs) => listBulkOperations(store, args),
  };
}

export function mutationRoot(store: SimStore): Record<string, unknown> {
  return {
    bulkOperationRunQuery: (args: { query: string; groupObjects?: boolean }) => runBulkQuery(store, args),
    bulkOperationCancel: ({ id }: { id: string }) => cancelBulkOperation(store, id),
  };
}
