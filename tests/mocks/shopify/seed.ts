/**
 * A deterministic store generator: a catalog (products, variants, inventory items
 * with cost history) and orders with Shopify's sales ledger (agreements -> sales),
 * including discounts, shipping, taxes (exclusive or inclusive), refunds on later
 * days, cancellations, edits, gift cards, tips, duties, fees, test orders and
 * foreign presentment currencies. Same options -> the same store, byte for byte.
 *
 * `generateOrders` yields one finished order at a time (each with its whole
 * history up to `end`), in creation order, keeping nothing: a benchmark can stream
 * a million orders to JSONL in constant memory. `seedStore` uses the same stream.
 *
 * The order-building functions (`buildOrder`, `refundOrder`, `cancelOrder`,
 * `editOrder`) are shared with live.ts, so live changes produce the same shapes.
 */
import { allocate, convertMinor, currencyDigits, formatFixed, mulDiv, PRESENTMENT_CURRENCIES, ratePpm } from "./money";
import {
  addOrder,
  addProducts,
  allocateGid,
  FIRST_ID,
  type CancelReason,
  type SimAgreement,
  type SimLineItem,
  type SimOrder,
  type SimProduct,
  type SimSale,
  type SimStore,
  type SimVariant,
  type SaleTypename,
} from "./store";
import { capturePayment, captureDelayMs, capturesLater, openPayment, refundPayment, shippingMethodFor, type PaymentSpec } from "./payments";
import { addDays, isoSeconds, localDayKey, localDayStart } from "./time";

// ---------------------------------------------------------------------------
// Seeded PRNG (mulberry32: tiny, fast, good enough for test data)

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Current state, to persist and resume the stream. */
  readonly state: number;
}

/** FNV-1a over the seed's text: any number or string gives a 32-bit starting state. */
export function seedState(seed: number | string): number {
  let h = 0x811c9dc5;
  for (const ch of String(seed)) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function createRng(state: number): Rng {
  let s = state >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    get state() {
      return s;
    },
  };
}

// ---------------------------------------------------------------------------
// Knobs

/** Probabilities per order unless noted. Defaults follow the brief's shop mix. */
export interface SeedRates {
  /** Orders with a discount (percent, fixed amount or one line). */
  discount: number;
  /** Of discounted orders: one line discounted 100 %. */
  fullDiscount: number;
  /** Orders with a shipping line (when they have something to ship). */
  shipping: number;
  /** Of shipped orders: shipping discounted to free. */
  freeShipping: number;
  /** Orders refunded on a later day. */
  refund: number;
  /** Of refunds: only part of a line's units. */
  partialRefund: number;
  /** Of refunds: shipping refunded as well. */
  shippingRefund: number;
  /** Of refunds: shipping only, no products. */
  shippingOnlyRefund: number;
  /** Of refunds: a refund discrepancy (restocking fee kept), an AdjustmentSale. */
  adjustment: number;
  /** Of refunds: processed through Shopify's returns flow (ReturnAgreement, reason RETURN), with a restocking FeeSale. */
  returnFlow: number;
  /** Of refunded orders: a second refund later. */
  secondRefund: number;
  cancel: number;
  edit: number;
  giftCard: number;
  /** Of gift card orders: nothing but the gift card. */
  giftCardOnly: number;
  tip: number;
  test: number;
  multiCurrency: number;
  /** Of multi-currency orders: duties charged. */
  duty: number;
  additionalFee: number;
  /** Variants without a recorded cost. */
  noCost: number;
  /** Of costed variants: cost changes inside the window (some twice). */
  costChange: number;
  /** Of variants without cost at first: cost recorded later, inside the window. */
  costRecordedLater: number;
  /** Orders whose processedAt is earlier than createdAt (POS offline, imports). */
  backdated: number;
  /** Orders placed within 90 s of a local midnight (day-boundary tests). */
  nearMidnight: number;
}

export const DEFAULT_RATES: SeedRates = {
  discount: 0.3,
  fullDiscount: 0.03,
  shipping: 0.85,
  freeShipping: 0.12,
  refund: 0.08,
  partialRefund: 0.5,
  shippingRefund: 0.3,
  shippingOnlyRefund: 0.05,
  adjustment: 0.1,
  returnFlow: 0.1,
  secondRefund: 0.1,
  cancel: 0.03,
  edit: 0.03,
  giftCard: 0.02,
  giftCardOnly: 0.4,
  tip: 0.03,
  test: 0.01,
  multiCurrency: 0.1,
  duty: 0.1,
  additionalFee: 0.01,
  noCost: 0.1,
  costChange: 0.25,
  costRecordedLater: 0.3,
  backdated: 0.005,
  nearMidnight: 0.01,
};

export interface GenerateOptions {
  seed: number | string;
  /** How many orders to create. */
  orders: number;
  /** Over how many shop-local days, ending with the day of `end`. */
  days: number;
  /** The store's "now": nothing happens after it (refunds and edits included). */
  end: Date;
  /** Shop time zone; seedStore takes it from the store. */
  timezone?: string;
  /** Shop currency; seedStore takes it from the store. */
  currencyCode?: string;
  /** Prices include tax; seedStore sets the shop's taxesIncluded from it. */
  taxInclusive?: boolean;
  /** Sellable products (a gift card product is added on top). Default 24. */
  products?: number;
  rates?: Partial<SeedRates>;
}

// ---------------------------------------------------------------------------
// Build context (shared with live.ts)

export interface IdCounters {
  nextId: number;
  nextOrderNumber: number;
}

export interface BuildContext {
  ids: IdCounters;
  rng: Rng;
  currencyCode: string;
  taxesIncluded: boolean;
  products: readonly SimProduct[];
  rates: SeedRates;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A USD-cents reference amount in the shop currency, rounded to a whole minor unit. */
function fromUsd(ctx: Pick<BuildContext, "currencyCode">, usdCents: number): number {
  return convertMinor(usdCents, "USD", ctx.currencyCode, ratePpm("USD", ctx.currencyCode));
}

/** A price that looks like one: 29.99 rather than 27.63; 4,480 rather than 4,473 for yen. */
function priceFromUsd(ctx: Pick<BuildContext, "currencyCode">, usdCents: number): number {
  const raw = fromUsd(ctx, usdCents);
  const digits = currencyDigits(ctx.currencyCode);
  if (digits === 2) return raw < 200 ? raw : Math.round(raw / 100) * 100 - 1;
  return Math.max(10, Math.round(raw / 10) * 10);
}

// ---------------------------------------------------------------------------
// Catalog

const ADJECTIVES = ["Linen", "Cedar", "Harbor", "Alpine", "Copper", "Meadow", "Slate", "Juniper", "Coastal", "Maple", "Ember", "Willow", "Granite", "Saffron", "Indigo", "Birch"];
const NOUNS = ["Tote", "Mug", "Candle", "Notebook", "Scarf", "Tea Tin", "Planter", "Throw", "Apron", "Poster", "Soap Bar", "Beanie", "Coaster Set", "Journal", "Tumbler", "Sock Pack"];
const VARIANT_SETS = [["Default Title"], ["Small", "Medium", "Large"], ["Sand", "Moss"], ["Regular", "Large"], ["Single", "Set of 3"]];
const PRICE_TIERS_USD = [1200, 1800, 2400, 2900, 3400, 4500, 5800, 7200, 9500, 12800, 16500];
const VENDORS = ["Margin Goods", "Northwind Studio", "Field & Kiln"];

export interface CatalogOptions {
  products: number;
  /** Catalog creation time (ms); costs are first recorded then. */
  createdAtMs: number;
  /** The window in which cost changes happen. */
  windowStartMs: number;
  windowEndMs: number;
}

export function generateCatalog(ctx: Omit<BuildContext, "products">, options: CatalogOptions): SimProduct[] {
  const { rng, rates } = ctx;
  const products: SimProduct[] = [];
  const span = Math.max(1, options.windowEndMs - options.windowStartMs);
  for (let p = 0; p < options.products; p++) {
    const title = `${ADJECTIVES[p % ADJECTIVES.length]} ${NOUNS[(p * 7 + Math.floor(p / NOUNS.length)) % NOUNS.length]}${p >= ADJECTIVES.length * NOUNS.length ? ` ${p}` : ""}`;
    const createdMs = options.createdAtMs + p * HOUR;
    const created = isoSeconds(createdMs);
    const productId = allocateGid(ctx.ids, "Product");
    const basePrice = rng.pick(PRICE_TIERS_USD);
    const names = rng.pick(VARIANT_SETS);
    const variants: SimVariant[] = names.map((name, v) => {
      const variantId = allocateGid(ctx.ids, "ProductVariant");
      const itemId = allocateGid(ctx.ids, "InventoryItem");
      const price = priceFromUsd(ctx, basePrice + v * 400);
      const sku = `MN-${String(p + 1).padStart(3, "0")}-${v + 1}`;
      // Costs are a share of the pre-tax price; tax-inclusive prices carry ~20 % tax.
      const preTax = ctx.taxesIncluded ? mulDiv(price, 5, 6) : price;
      const costShare = 25 + rng.int(0, 30);
      let cost: number | null = mulDiv(preTax, costShare, 100);
      const history: { at: string; cost: number | null }[] = [];
      if (rng.chance(rates.noCost)) {
        cost = null;
        history.push({ at: created, cost: null });
        if (rng.chance(rates.costRecordedLater)) {
          history.push({ at: isoSeconds(options.windowStartMs + rng.next() * span), cost: mulDiv(preTax, costShare, 100) });
        }
      } else {
        history.push({ at: created, cost });
        if (rng.chance(rates.costChange)) {
          const changes = rng.chance(0.2) ? 2 : 1;
          const times = Array.from({ length: changes }, () => options.windowStartMs + rng.next() * span).sort((a, b) => a - b);
          for (const t of times) {
            cost = mulDiv(cost, 100 + rng.int(-15, 20), 100);
            history.push({ at: isoSeconds(t), cost });
          }
        }
      }
      const itemUpdated = history.at(-1)!.at;
      return {
        id: variantId,
        productId,
        title: name,
        sku,
        price,
        position: v + 1,
        createdAt: created,
        updatedAt: itemUpdated > created ? itemUpdated : created,
        inventoryItem: { id: itemId, variantId, sku, tracked: true, requiresShipping: true, createdAt: created, updatedAt: itemUpdated, costHistory: history },
      };
    });
    products.push({
      id: productId,
      title,
      handle: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      vendor: VENDORS[p % VENDORS.length]!,
      productType: NOUNS[(p * 7) % NOUNS.length]!,
      isGiftCard: false,
      createdAt: created,
      updatedAt: variants.reduce((m, v) => (v.updatedAt > m ? v.updatedAt : m), created),
      variants,
      // Zipf-like: the first products sell most, so "top products" has a clear answer.
      weight: 1 / (1 + p * 0.35),
    });
  }
  // The gift card product: sold as GIFT_CARD lines, never a product sale.
  const created = isoSeconds(options.createdAtMs);
  const giftId = allocateGid(ctx.ids, "Product");
  products.push({
    id: giftId,
    title: "Gift Card",
    handle: "gift-card",
    vendor: VENDORS[0]!,
    productType: "Gift Card",
    isGiftCard: true,
    createdAt: created,
    updatedAt: created,
    weight: 0,
    variants: [2500, 5000, 10000].map((usd, v) => {
      const variantId = allocateGid(ctx.ids, "ProductVariant");
      const itemId = allocateGid(ctx.ids, "InventoryItem");
      const sku = `GIFT-${v + 1}`;
      return {
        id: variantId,
        productId: giftId,
        title: formatTitle(ctx, priceFromUsd(ctx, usd)),
        sku,
        price: priceFromUsd(ctx, usd),
        position: v + 1,
        createdAt: created,
        updatedAt: created,
        inventoryItem: { id: itemId, variantId, sku, tracked: false, requiresShipping: false, createdAt: created, updatedAt: created, costHistory: [{ at: created, cost: null }] },
      };
    }),
  });
  return products;
}

function formatTitle(ctx: Pick<BuildContext, "currencyCode">, minor: number): string {
  return `${formatFixed(minor, ctx.currencyCode)} ${ctx.currencyCode}`;
}

// ---------------------------------------------------------------------------
// Sale arithmetic

interface Amounts {
  total: number;
  discountBefore: number;
  discountAfter: number;
  tax: number;
}

/**
 * A line charged `price` per unit with `discount` off the line, at a tax rate:
 * exclusive prices add tax on the discounted amount; inclusive prices contain it.
 * In both cases total - tax + discountBefore is the line's price excluding tax.
 */
export function chargedLine(price: number, quantity: number, discount: number, ratePpmValue: number, taxesIncluded: boolean): Amounts {
  const line = price * quantity;
  const d = Math.min(discount, line);
  if (!taxesIncluded) {
    const tax = mulDiv(line - d, ratePpmValue, 1_000_000);
    return { total: line - d + tax, discountBefore: d, discountAfter: d + mulDiv(d, ratePpmValue, 1_000_000), tax };
  }
  // Tax inside the price: tax = paid * r / (1 + r), computed on the full line and on what was paid.
  const fullTax = mulDiv(line, ratePpmValue, 1_000_000 + ratePpmValue);
  const paid = line - d;
  const tax = mulDiv(paid, ratePpmValue, 1_000_000 + ratePpmValue);
  const grossExcl = line - fullTax;
  return { total: paid, discountBefore: grossExcl - (paid - tax), discountAfter: d, tax };
}

const negate = (a: Amounts): Amounts => ({ total: -a.total, discountBefore: -a.discountBefore, discountAfter: -a.discountAfter, tax: -a.tax });

interface Remaining extends Amounts {
  quantity: number;
}

type TargetKey = "lineItemId" | "shippingLineId" | "dutyId" | "additionalFeeId";
const TARGET_KEYS: TargetKey[] = ["lineItemId", "shippingLineId", "dutyId", "additionalFeeId"];

function targetOf(sale: SimSale): string | undefined {
  for (const key of TARGET_KEYS) if (sale[key]) return sale[key];
  return undefined;
}

/** What is still charged on each line (product, gift card, tip, shipping, duty, fee) after every sale so far. */
export function remainingByTarget(order: SimOrder): Map<string, Remaining> {
  const map = new Map<string, Remaining>();
  for (const agreement of order.agreements) {
    for (const sale of agreement.sales) {
      const target = targetOf(sale);
      if (!target) continue;
      const r = map.get(target) ?? { quantity: 0, total: 0, discountBefore: 0, discountAfter: 0, tax: 0 };
      r.quantity += sale.quantity ?? 0;
      r.total += sale.total;
      r.discountBefore += sale.discountBefore;
      r.discountAfter += sale.discountAfter;
      r.tax += sale.tax;
      map.set(target, r);
    }
  }
  return map;
}

/** The share of what remains on a line that `units` of `remainingUnits` carry (everything, when all of it). */
function share(r: Remaining, units: number | null): Amounts {
  if (units === null || r.quantity <= 0 || units >= r.quantity) {
    return { total: r.total, discountBefore: r.discountBefore, discountAfter: r.discountAfter, tax: r.tax };
  }
  return {
    total: mulDiv(r.total, units, r.quantity),
    discountBefore: mulDiv(r.discountBefore, units, r.quantity),
    discountAfter: mulDiv(r.discountAfter, units, r.quantity),
    tax: mulDiv(r.tax, units, r.quantity),
  };
}

function sale(ctx: BuildContext, typename: SaleTypename, fields: Omit<SimSale, "id" | "__typename" | "lineType">): SimSale {
  const lineType = LINE_TYPES[typename];
  return { __typename: typename, id: allocateGid(ctx.ids, "Sale"), lineType, ...fields };
}

const LINE_TYPES = {
  ProductSale: "PRODUCT",
  ShippingLineSale: "SHIPPING",
  GiftCardSale: "GIFT_CARD",
  TipSale: "TIP",
  DutySale: "DUTY",
  FeeSale: "FEE",
  AdditionalFeeSale: "ADDITIONAL_FEE",
  AdjustmentSale: "ADJUSTMENT",
} as const satisfies Record<SaleTypename, SimSale["lineType"]>;

function typenameOfLine(line: SimLineItem): SaleTypename {
  return line.kind === "product" ? "ProductSale" : line.kind === "gift_card" ? "GiftCardSale" : "TipSale";
}

/** A sale that returns `units` (null = all) of what remains on a line. */
function returnSale(ctx: BuildContext, order: SimOrder, key: TargetKey, target: string, units: number | null): SimSale | null {
  const r = remainingByTarget(order).get(target);
  if (!r || (r.quantity <= 0 && r.total === 0 && r.tax === 0)) return null;
  const amounts = negate(share(r, units));
  let typename: SaleTypename;
  let quantity: number | null = null;
  if (key === "lineItemId") {
    const line = order.lineItems.find((l) => l.id === target)!;
    typename = typenameOfLine(line);
    quantity = -(units === null ? r.quantity : Math.min(units, r.quantity));
    if (quantity === 0) return null;
  } else {
    typename = key === "shippingLineId" ? "ShippingLineSale" : key === "dutyId" ? "DutySale" : "AdditionalFeeSale";
  }
  return sale(ctx, typename, { actionType: "RETURN", quantity, [key]: target, ...amounts });
}

// ---------------------------------------------------------------------------
// Orders

const EXCLUSIVE_TAXES = [
  { title: "No tax", ppm: 0 },
  { title: "State Tax", ppm: 62_500 },
  { title: "State Tax", ppm: 70_000 },
  { title: "NY State Tax", ppm: 88_750 },
  { title: "State Tax", ppm: 102_500 },
];
const INCLUSIVE_TAXES = [
  { title: "VAT", ppm: 200_000 },
  { title: "MwSt", ppm: 190_000 },
  { title: "IVA", ppm: 210_000 },
  { title: "GST", ppm: 100_000 },
];
const SOURCES = ["web", "web", "web", "web", "pos", "shopify_draft_order"];
const CANCEL_REASONS: CancelReason[] = ["CUSTOMER", "CUSTOMER", "INVENTORY", "FRAUD", "DECLINED", "OTHER"];
const SHIPPING_USD = [499, 599, 799, 1200];

/** Picks `n` distinct variants, favouring popular products. */
function pickVariants(ctx: BuildContext, n: number): SimVariant[] {
  const sellable = ctx.products.filter((p) => !p.isGiftCard && p.variants.length > 0);
  const total = sellable.reduce((s, p) => s + p.weight, 0);
  const picked: SimVariant[] = [];
  for (let attempt = 0; picked.length < n && attempt < n * 6; attempt++) {
    let x = ctx.rng.next() * total;
    let product = sellable[sellable.length - 1]!;
    for (const p of sellable) {
      x -= p.weight;
      if (x < 0) {
        product = p;
        break;
      }
    }
    const variant = ctx.rng.pick(product.variants);
    if (!picked.includes(variant)) picked.push(variant);
  }
  return picked;
}

function productLine(ctx: BuildContext, variant: SimVariant, quantity: number): SimLineItem {
  const product = ctx.products.find((p) => p.id === variant.productId);
  return {
    id: allocateGid(ctx.ids, "LineItem"),
    kind: product?.isGiftCard ? "gift_card" : "product",
    variantId: variant.id,
    productId: variant.productId,
    title: product?.title ?? "Deleted product",
    variantTitle: variant.title === "Default Title" ? null : variant.title,
    sku: variant.sku,
    quantity,
    originalUnitPrice: variant.price,
    taxable: !product?.isGiftCard,
    requiresShipping: !product?.isGiftCard,
  };
}

export interface OrderSpec {
  /** Product lines; random when omitted. */
  lines?: { variantId: string; quantity: number; discount?: number }[];
  /** Shipping price (minor units); random when omitted, 0 or null = none. */
  shipping?: number | null;
  tip?: number;
  giftCard?: boolean;
  test?: boolean;
  presentmentCurrencyCode?: string;
  /** Order-level fixed discount, allocated across product lines. */
  orderDiscount?: number;
  /** The shipping line's method (title); by the order's id when omitted. */
  shippingMethod?: string;
  /** How it is paid (tests/mocks/shopify/payments.ts); by the order's id when omitted. */
  payment?: PaymentSpec;
}

/** A new order placed at `atMs`: the order and its OrderAgreement (nothing later). */
export function buildOrder(ctx: BuildContext, atMs: number, spec: OrderSpec = {}): SimOrder {
  const { rng, rates } = ctx;
  const random = !spec.lines;
  const id = allocateGid(ctx.ids, "Order");
  const number = ctx.ids.nextOrderNumber++;
  const created = isoSeconds(atMs);
  const backdated = random && rng.chance(rates.backdated);
  const processed = backdated ? isoSeconds(atMs - rng.int(10 * 60, 20 * 3600) * 1000) : created;
  const multi = spec.presentmentCurrencyCode
    ? spec.presentmentCurrencyCode !== ctx.currencyCode
    : random && rng.chance(rates.multiCurrency);
  const presentment = spec.presentmentCurrencyCode ?? (multi ? rng.pick(PRESENTMENT_CURRENCIES.filter((c) => c !== ctx.currencyCode)) : ctx.currencyCode);
  const tax = rng.pick(ctx.taxesIncluded ? INCLUSIVE_TAXES : EXCLUSIVE_TAXES);
  const order: SimOrder = {
    id,
    number,
    name: `#${number}`,
    createdAt: created,
    processedAt: processed,
    updatedAt: created,
    cancelledAt: null,
    cancelReason: null,
    test: spec.test ?? (random && rng.chance(rates.test)),
    sourceName: rng.pick(SOURCES),
    presentmentCurrencyCode: presentment,
    presentmentRatePpm: ratePpm(ctx.currencyCode, presentment),
    taxesIncluded: ctx.taxesIncluded,
    taxRatePpm: tax.ppm,
    taxTitle: tax.title,
    shippingTaxed: ctx.taxesIncluded || rng.chance(0.4),
    lineItems: [],
    shippingLines: [],
    duties: [],
    additionalFees: [],
    refunds: [],
    transactions: [],
    agreements: [],
  };

  // Lines
  const giftCard = spec.giftCard ?? (random && rng.chance(rates.giftCard));
  const giftOnly = random && giftCard && rng.chance(rates.giftCardOnly);
  const discounts: number[] = [];
  if (spec.lines) {
    for (const l of spec.lines) {
      const variant = ctx.products.flatMap((p) => p.variants).find((v) => v.id === l.variantId);
      if (!variant) throw new Error(`No variant ${l.variantId} in the store`);
      order.lineItems.push(productLine(ctx, variant, l.quantity));
      discounts.push(l.discount ?? 0);
    }
  } else if (!giftOnly) {
    const n = rng.chance(0.55) ? 1 : rng.chance(0.62) ? 2 : rng.chance(0.7) ? 3 : 4;
    for (const variant of pickVariants(ctx, n)) {
      const r = rng.next();
      const quantity = r < 0.7 ? 1 : r < 0.9 ? 2 : r < 0.97 ? 3 : rng.int(4, 6);
      order.lineItems.push(productLine(ctx, variant, quantity));
      discounts.push(0);
    }
  }
  const products = order.lineItems.filter((l) => l.kind === "product");

  // Discounts, per product line (an order-level amount is allocated across lines).
  const lineTotals = products.map((l) => l.originalUnitPrice * l.quantity);
  const subtotal = lineTotals.reduce((a, b) => a + b, 0);
  if (spec.orderDiscount) {
    allocate(Math.min(spec.orderDiscount, subtotal), lineTotals).forEach((d, i) => (discounts[i] = (discounts[i] ?? 0) + d));
  } else if (random && products.length > 0 && rng.chance(rates.discount)) {
    const kind = rng.next();
    if (rng.chance(rates.fullDiscount)) {
      discounts[0] = lineTotals[0]!;
    } else if (kind < 0.6) {
      const pct = rng.pick([10, 15, 20, 25, 30]);
      lineTotals.forEach((t, i) => (discounts[i] = mulDiv(t, pct, 100)));
    } else if (kind < 0.9) {
      const amount = Math.min(subtotal, fromUsd(ctx, rng.pick([500, 1000, 1500, 2000])));
      allocate(amount, lineTotals).forEach((d, i) => (discounts[i] = d));
    } else {
      const i = rng.int(0, products.length - 1);
      discounts[i] = mulDiv(lineTotals[i]!, rng.pick([15, 20, 50]), 100);
    }
  }

  if (giftCard) {
    const giftProduct = ctx.products.find((p) => p.isGiftCard);
    if (giftProduct) order.lineItems.push(productLine(ctx, rng.pick(giftProduct.variants), 1));
  }

  const tipAmount = spec.tip ?? (random && products.length > 0 && rng.chance(rates.tip) ? Math.max(100, mulDiv(subtotal, rng.pick([10, 15, 18]), 100)) : 0);
  if (tipAmount > 0) {
    order.lineItems.push({
      id: allocateGid(ctx.ids, "LineItem"),
      kind: "tip",
      variantId: null,
      productId: null,
      title: "Tip",
      variantTitle: null,
      sku: null,
      quantity: 1,
      originalUnitPrice: tipAmount,
      taxable: false,
      requiresShipping: false,
    });
  }

  // Shipping
  const shippable = products.length > 0;
  const shippingPrice =
    spec.shipping !== undefined ? spec.shipping ?? 0 : shippable && rng.chance(rates.shipping) ? priceFromUsd(ctx, rng.pick(SHIPPING_USD)) : 0;
  const freeShipping = random && shippingPrice > 0 && rng.chance(rates.freeShipping);
  if (shippingPrice > 0) {
    const method = spec.shippingMethod ? { title: spec.shippingMethod, code: spec.shippingMethod.toUpperCase().replace(/\W+/g, "_") } : shippingMethodFor(id);
    order.shippingLines.push({ id: allocateGid(ctx.ids, "ShippingLine"), title: method.title, code: method.code, price: shippingPrice });
  }

  // Duties (cross-border orders) and additional fees (e.g. a retail delivery fee).
  if (random && multi && products.length > 0 && rng.chance(rates.duty)) {
    order.duties.push({ id: allocateGid(ctx.ids, "Duty"), lineItemId: products[0]!.id, harmonizedSystemCode: "6302.60", price: Math.max(1, mulDiv(lineTotals[0]!, 8, 100)) });
  }
  if (random && products.length > 0 && rng.chance(rates.additionalFee)) {
    order.additionalFees.push({ id: allocateGid(ctx.ids, "SaleAdditionalFee"), name: "Retail Delivery Fee", price: Math.max(1, fromUsd(ctx, 28)) });
  }

  // The OrderAgreement: one sale per line, at the order's processedAt.
  const agreement: SimAgreement = { __typename: "OrderAgreement", id: allocateGid(ctx.ids, "SalesAgreement"), reason: "ORDER", happenedAt: processed, sales: [] };
  let productIndex = 0;
  for (const line of order.lineItems) {
    if (line.kind === "product") {
      const amounts = chargedLine(line.originalUnitPrice, line.quantity, discounts[productIndex++] ?? 0, order.taxRatePpm, ctx.taxesIncluded);
      agreement.sales.push(sale(ctx, "ProductSale", { actionType: "ORDER", quantity: line.quantity, lineItemId: line.id, ...amounts }));
    } else {
      // Gift cards and tips are not taxed or discounted.
      const total = line.originalUnitPrice * line.quantity;
      agreement.sales.push(sale(ctx, typenameOfLine(line), { actionType: "ORDER", quantity: line.quantity, lineItemId: line.id, total, discountBefore: 0, discountAfter: 0, tax: 0 }));
    }
  }
  for (const ship of order.shippingLines) {
    const amounts = chargedLine(ship.price, 1, freeShipping ? ship.price : 0, order.shippingTaxed ? order.taxRatePpm : 0, ctx.taxesIncluded);
    agreement.sales.push(sale(ctx, "ShippingLineSale", { actionType: "ORDER", quantity: null, shippingLineId: ship.id, ...amounts }));
  }
  for (const duty of order.duties) {
    agreement.sales.push(sale(ctx, "DutySale", { actionType: "ORDER", quantity: null, dutyId: duty.id, total: duty.price, discountBefore: 0, discountAfter: 0, tax: 0 }));
  }
  for (const fee of order.additionalFees) {
    agreement.sales.push(sale(ctx, "AdditionalFeeSale", { actionType: "ORDER", quantity: null, additionalFeeId: fee.id, total: fee.price, discountBefore: 0, discountAfter: 0, tax: 0 }));
  }
  order.agreements.push(agreement);
  openPayment(order, ctx.currencyCode, spec.payment, !spec.payment);
  return order;
}

export interface RefundSpec {
  /** Product (or gift card) lines and units to return; omitted = chosen at random. */
  lines?: { lineItemId: string; quantity: number }[];
  /** Refund the remaining shipping too. */
  shipping?: boolean;
  /** A refund discrepancy kept by the merchant (minor units), as an AdjustmentSale. */
  adjustment?: number;
  /** Through Shopify's returns flow: a ReturnAgreement (reason RETURN), optionally with a restocking fee. */
  returnFlow?: boolean;
  restockingFee?: number;
  /** A fee given back on the refund transaction (minor units); Shopify Payments gives none (payments.ts). */
  returnedFee?: number;
}

function touch(order: SimOrder, atMs: number): void {
  const at = isoSeconds(atMs);
  if (at > order.updatedAt) order.updatedAt = at;
}

/** A refund at `atMs`: a RefundAgreement (or ReturnAgreement) with RETURN sales. null when nothing is left to refund. */
export function refundOrder(ctx: BuildContext, order: SimOrder, atMs: number, spec: RefundSpec = {}): SimAgreement | null {
  const { rng, rates } = ctx;
  const random = !spec.lines && spec.shipping === undefined;
  const remaining = remainingByTarget(order);
  const returnable = order.lineItems.filter((l) => l.kind === "product" && (remaining.get(l.id)?.quantity ?? 0) > 0);
  const shipLeft = order.shippingLines.filter((s) => (remaining.get(s.id)?.total ?? 0) > 0);

  let lines = spec.lines;
  let shipping = spec.shipping ?? false;
  if (random) {
    const shippingOnly = shipLeft.length > 0 && (returnable.length === 0 || rng.chance(rates.shippingOnlyRefund));
    if (shippingOnly) {
      lines = [];
      shipping = true;
    } else {
      const chosen = returnable.filter((_, i) => i === 0 || rng.chance(0.5));
      lines = chosen.map((l) => {
        const left = remaining.get(l.id)!.quantity;
        return { lineItemId: l.id, quantity: left > 1 && rng.chance(rates.partialRefund) ? rng.int(1, left - 1) : left };
      });
      shipping = shipLeft.length > 0 && rng.chance(rates.shippingRefund);
    }
  }
  const returnFlow = spec.returnFlow ?? (random && (lines?.length ?? 0) > 0 && rng.chance(rates.returnFlow));

  const sales: SimSale[] = [];
  for (const l of lines ?? []) {
    const s = returnSale(ctx, order, "lineItemId", l.lineItemId, l.quantity);
    if (s) sales.push(s);
  }
  if (shipping) for (const ship of shipLeft) {
    const s = returnSale(ctx, order, "shippingLineId", ship.id, null);
    if (s) sales.push(s);
  }
  if (sales.length === 0) return null;

  const returnedValue = -sales.filter((s) => s.lineType === "PRODUCT").reduce((a, s) => a + s.total, 0);
  if (returnFlow) {
    const fee = spec.restockingFee ?? (random && returnedValue > 0 && rng.chance(0.5) ? mulDiv(returnedValue, 10, 100) : 0);
    if (fee > 0) sales.push(sale(ctx, "FeeSale", { actionType: "ORDER", quantity: null, feeId: allocateGid(ctx.ids, "RestockingFee"), total: fee, discountBefore: 0, discountAfter: 0, tax: 0 }));
  } else {
    const adjustment = spec.adjustment ?? (random && returnedValue > 0 && rng.chance(rates.adjustment) ? Math.max(1, mulDiv(returnedValue, rng.pick([5, 10, 15]), 100)) : 0);
    if (adjustment > 0) sales.push(sale(ctx, "AdjustmentSale", { actionType: "RETURN", quantity: null, total: adjustment, discountBefore: 0, discountAfter: 0, tax: 0 }));
  }

  const at = isoSeconds(atMs);
  const refundId = allocateGid(ctx.ids, "Refund");
  const returnId = returnFlow ? allocateGid(ctx.ids, "Return") : null;
  const agreement: SimAgreement = returnFlow
    ? { __typename: "ReturnAgreement", id: allocateGid(ctx.ids, "SalesAgreement"), reason: "RETURN", happenedAt: at, refundId, returnId: returnId!, sales }
    : { __typename: "RefundAgreement", id: allocateGid(ctx.ids, "SalesAgreement"), reason: "REFUND", happenedAt: at, refundId, sales };
  order.agreements.push(agreement);
  order.refunds.push({ id: refundId, createdAt: at, processedAt: at, agreementId: agreement.id, returnId, cancellation: false });
  refundPayment(order, agreement, ctx.currencyCode, spec.returnedFee);
  touch(order, atMs);
  return agreement;
}

/**
 * A cancellation at `atMs`: cancelledAt set and a RefundAgreement that returns
 * everything still charged (products, gift cards, tips, shipping, duties, fees).
 * Shopify reports it as a return on the cancel day.
 */
export function cancelOrder(ctx: BuildContext, order: SimOrder, atMs: number, reason: CancelReason = "CUSTOMER"): SimAgreement | null {
  if (order.cancelledAt) throw new Error(`${order.id} is already cancelled`);
  const at = isoSeconds(atMs);
  order.cancelledAt = at;
  order.cancelReason = reason;
  touch(order, atMs);
  const sales: SimSale[] = [];
  const targets: [TargetKey, string][] = [
    ...order.lineItems.map((l): [TargetKey, string] => ["lineItemId", l.id]),
    ...order.shippingLines.map((s): [TargetKey, string] => ["shippingLineId", s.id]),
    ...order.duties.map((d): [TargetKey, string] => ["dutyId", d.id]),
    ...order.additionalFees.map((f): [TargetKey, string] => ["additionalFeeId", f.id]),
  ];
  for (const [key, id] of targets) {
    const s = returnSale(ctx, order, key, id, null);
    if (s) sales.push(s);
  }
  if (sales.length === 0) return null;
  const refundId = allocateGid(ctx.ids, "Refund");
  const agreement: SimAgreement = { __typename: "RefundAgreement", id: allocateGid(ctx.ids, "SalesAgreement"), reason: "REFUND", happenedAt: at, refundId, sales };
  order.agreements.push(agreement);
  order.refunds.push({ id: refundId, createdAt: at, processedAt: at, agreementId: agreement.id, returnId: null, cancellation: true });
  refundPayment(order, agreement, ctx.currencyCode);
  return agreement;
}

export interface EditSpec {
  /** Add a new line (ORDER sale). */
  add?: { variantId: string; quantity: number };
  /** Remove units from a line (RETURN sale). */
  remove?: { lineItemId: string; quantity: number };
  /** Discount an existing line by this amount (UPDATE sale, quantity 0). */
  discount?: { lineItemId: string; amount: number };
}

/** An order edit at `atMs`: an OrderEditAgreement (reason ORDER_EDIT). */
export function editOrder(ctx: BuildContext, order: SimOrder, atMs: number, spec?: EditSpec): SimAgreement | null {
  const { rng } = ctx;
  const remaining = remainingByTarget(order);
  const editable = order.lineItems.filter((l) => l.kind === "product" && (remaining.get(l.id)?.quantity ?? 0) > 0);
  if (!spec) {
    const r = rng.next();
    if (r < 0.6 || editable.length === 0) {
      const [variant] = pickVariants(ctx, 1);
      if (!variant) return null;
      spec = { add: { variantId: variant.id, quantity: 1 } };
    } else if (r < 0.9) {
      const line = rng.pick(editable);
      spec = { remove: { lineItemId: line.id, quantity: 1 } };
    } else {
      const line = rng.pick(editable);
      const left = remaining.get(line.id)!;
      spec = { discount: { lineItemId: line.id, amount: Math.max(1, mulDiv(left.total - left.tax, 10, 100)) } };
    }
  }
  const sales: SimSale[] = [];
  if (spec.add) {
    const variant = ctx.products.flatMap((p) => p.variants).find((v) => v.id === spec.add!.variantId);
    if (!variant) throw new Error(`No variant ${spec.add.variantId} in the store`);
    const line = productLine(ctx, variant, spec.add.quantity);
    order.lineItems.push(line);
    const amounts = chargedLine(line.originalUnitPrice, line.quantity, 0, order.taxRatePpm, order.taxesIncluded);
    sales.push(sale(ctx, typenameOfLine(line), { actionType: "ORDER", quantity: line.quantity, lineItemId: line.id, ...amounts }));
  }
  if (spec.remove) {
    const s = returnSale(ctx, order, "lineItemId", spec.remove.lineItemId, spec.remove.quantity);
    if (s) sales.push(s);
  }
  if (spec.discount) {
    const line = order.lineItems.find((l) => l.id === spec.discount!.lineItemId);
    if (!line) throw new Error(`No line ${spec.discount.lineItemId} on ${order.id}`);
    // Only the discount and its tax effect change: an UPDATE with quantity 0.
    const before = chargedLine(spec.discount.amount, 1, 0, order.taxRatePpm, order.taxesIncluded);
    const d = spec.discount.amount;
    const amounts: Amounts = order.taxesIncluded
      ? { total: -d, tax: -before.tax, discountBefore: d - before.tax, discountAfter: d }
      : { total: -before.total, tax: -before.tax, discountBefore: d, discountAfter: before.total };
    sales.push(sale(ctx, "ProductSale", { actionType: "UPDATE", quantity: 0, lineItemId: line.id, ...amounts }));
  }
  if (sales.length === 0) return null;
  const agreement: SimAgreement = { __typename: "OrderEditAgreement", id: allocateGid(ctx.ids, "SalesAgreement"), reason: "ORDER_EDIT", happenedAt: isoSeconds(atMs), sales };
  order.agreements.push(agreement);
  touch(order, atMs);
  return agreement;
}

/** The order's later history (edit, refunds, cancellation) up to `endMs`, in time order. */
function evolve(ctx: BuildContext, order: SimOrder, createdMs: number, endMs: number): void {
  const { rng, rates } = ctx;
  const events: { at: number; kind: "edit" | "refund" | "cancel" | "capture" }[] = [];
  if (rng.chance(rates.edit)) events.push({ at: createdMs + 26 * HOUR + rng.next() * 4 * DAY, kind: "edit" });
  if (rng.chance(rates.refund)) {
    const first = createdMs + DAY + 2 * HOUR + rng.next() * 28 * DAY;
    events.push({ at: first, kind: "refund" });
    if (rng.chance(rates.secondRefund)) events.push({ at: first + DAY + rng.next() * 10 * DAY, kind: "refund" });
  }
  const cancel = rng.chance(rates.cancel) ? createdMs + 10 * 60_000 + rng.next() * 3 * DAY : null;
  const reason = rng.pick(CANCEL_REASONS);
  // An authorized payment is captured about a day later (no draw from the seeded stream).
  if (capturesLater(order.id)) events.push({ at: Date.parse(order.processedAt) + captureDelayMs(order.id), kind: "capture" });
  events.sort((a, b) => a.at - b.at);
  for (const event of events) {
    if (event.at > endMs || (cancel !== null && event.at >= cancel)) break;
    if (event.kind === "edit") editOrder(ctx, order, event.at);
    else if (event.kind === "capture") capturePayment(order, ctx.currencyCode, isoSeconds(event.at));
    else refundOrder(ctx, order, event.at);
  }
  if (cancel !== null && cancel <= endMs) cancelOrder(ctx, order, cancel, reason);
}

// ---------------------------------------------------------------------------
// Time layout: N orders over D shop-local days, DST-correct

/** Relative order volume by local hour (quiet nights, busy evenings). */
const HOURLY = [0.3, 0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.6, 0.9, 1.1, 1.2, 1.3, 1.4, 1.3, 1.2, 1.2, 1.3, 1.4, 1.5, 1.6, 1.5, 1.2, 0.9, 0.5];
const HOURLY_TOTAL = HOURLY.reduce((a, b) => a + b, 0);

function intradayFraction(rng: Rng): number {
  let x = rng.next() * HOURLY_TOTAL;
  for (let h = 0; h < 24; h++) {
    if (x < HOURLY[h]!) return (h + x / HOURLY[h]!) / 24;
    x -= HOURLY[h]!;
  }
  return rng.next();
}

interface Layout {
  days: { key: string; startMs: number; endMs: number; count: number }[];
  startMs: number;
  endMs: number;
}

function layout(options: Required<Pick<GenerateOptions, "orders" | "days" | "end" | "timezone">>, rng: Rng): Layout {
  const endMs = options.end.getTime();
  const lastKey = localDayKey(endMs, options.timezone);
  const keys = Array.from({ length: options.days }, (_, i) => addDays(lastKey, i - options.days + 1));
  const phase = rng.next() * Math.PI * 2;
  const days = keys.map((key, i) => {
    const startMs = localDayStart(key, options.timezone);
    const dayEnd = localDayStart(addDays(key, 1), options.timezone);
    const weekday = new Date(`${key}T12:00:00Z`).getUTCDay();
    const weight =
      (1 + 0.2 * Math.sin(phase + (i / 7) * Math.PI * 2) + (weekday === 0 || weekday === 6 ? 0.15 : 0) + (0.25 * i) / Math.max(1, options.days)) *
      Math.max(0, Math.min(1, (endMs - startMs) / (dayEnd - startMs)));
    return { key, startMs, endMs: Math.min(dayEnd, endMs + 1), weight, count: 0 };
  });
  const total = days.reduce((s, d) => s + d.weight, 0);
  let cumulative = 0;
  let placed = 0;
  for (const day of days) {
    cumulative += day.weight;
    const upTo = total > 0 ? Math.round((options.orders * cumulative) / total) : 0;
    day.count = upTo - placed;
    placed = upTo;
  }
  return { days, startMs: days[0]?.startMs ?? endMs, endMs };
}

// ---------------------------------------------------------------------------
// Public entry points

interface Prepared {
  ctx: BuildContext;
  layout: Layout;
  ordersRng: Rng;
}

function resolveOptions(options: GenerateOptions) {
  return {
    ...options,
    timezone: options.timezone ?? "America/New_York",
    currencyCode: options.currencyCode ?? "USD",
    taxInclusive: options.taxInclusive ?? false,
    products: options.products ?? 24,
    rates: { ...DEFAULT_RATES, ...options.rates },
  };
}

/** Builds the catalog (into `ids`) and the time layout: everything the order stream needs. */
function prepare(options: GenerateOptions, ids: IdCounters, existingProducts?: readonly SimProduct[]): Prepared & { catalog: SimProduct[] } {
  const o = resolveOptions(options);
  const base = seedState(o.seed);
  const layoutRng = createRng(base ^ 0x5bd1e995);
  const plan = layout(o, layoutRng);
  const catalogCtx = { ids, rng: createRng(base ^ 0x27d4eb2d), currencyCode: o.currencyCode, taxesIncluded: o.taxInclusive, rates: o.rates };
  const catalog = existingProducts && existingProducts.length > 0
    ? []
    : generateCatalog(catalogCtx, { products: o.products, createdAtMs: plan.startMs - 120 * DAY, windowStartMs: plan.startMs, windowEndMs: plan.endMs });
  const products = [...(existingProducts ?? []), ...catalog];
  const ordersRng = createRng(base ^ 0x165667b1);
  return { ctx: { ...catalogCtx, rng: ordersRng, products }, layout: plan, ordersRng, catalog };
}

function* streamOrders({ ctx, layout: plan }: Prepared): Generator<SimOrder> {
  const { rng, rates } = ctx;
  for (const day of plan.days) {
    const times: number[] = [];
    const length = day.endMs - day.startMs;
    for (let i = 0; i < day.count; i++) {
      let t: number;
      if (rng.chance(rates.nearMidnight)) {
        t = rng.chance(0.5) ? day.startMs + rng.int(0, 90) * 1000 : day.endMs - rng.int(1, 90) * 1000;
      } else {
        t = day.startMs + Math.floor(intradayFraction(rng) * length);
      }
      times.push(Math.min(Math.max(t, day.startMs), day.endMs - 1));
    }
    times.sort((a, b) => a - b);
    for (const t of times) {
      const order = buildOrder(ctx, t);
      evolve(ctx, order, t, plan.endMs);
      yield order;
    }
  }
}

/**
 * Orders one at a time, in creation order, each complete up to `end`. Without a
 * catalog of its own it generates the same catalog seedStore would (same seed,
 * ids counted from the same start), so the stream equals a seeded store's orders.
 */
export function* generateOrders(options: GenerateOptions & { ids?: IdCounters; catalog?: readonly SimProduct[] }): Generator<SimOrder> {
  const ids = options.ids ?? { nextId: FIRST_ID, nextOrderNumber: 1001 };
  yield* streamOrders(prepare(options, ids, options.catalog));
}

/**
 * Gives a store `count` orders that exist only as a stream (benchmarks with 10^5-10^6
 * orders): seeds the catalog into the store, then sets `store.streamedOrders` to
 * regenerate the same orders (same ids) on every pass. Bulk operations and truth.ts
 * see them; paginated queries and order(id) do not.
 */
export function useStreamedOrders(store: SimStore, options: Omit<GenerateOptions, "timezone" | "currencyCode">): void {
  seedStore(store, { ...options, orders: 0 });
  const ids = { nextId: store.nextId, nextOrderNumber: store.nextOrderNumber };
  // Leave room so live changes never reuse a streamed id.
  store.nextId += options.orders * 64;
  store.nextOrderNumber += options.orders;
  const full = { ...options, timezone: store.shop.ianaTimezone, currencyCode: store.shop.currencyCode, taxInclusive: store.shop.taxesIncluded };
  store.streamedOrders = () => generateOrders({ ...full, catalog: store.products, ids: { ...ids } });
}

/** The catalog generateOrders uses for these options (ids from FIRST_ID), e.g. to write a products JSONL. */
export function catalogFor(options: GenerateOptions): SimProduct[] {
  return prepare(options, { nextId: FIRST_ID, nextOrderNumber: 1001 }).catalog;
}

export interface SeedResult {
  products: number;
  variants: number;
  orders: number;
  agreements: number;
  sales: number;
  /** First and last shop-local day of the window. */
  from: string;
  to: string;
}

/**
 * Fills a store: catalog (unless it already has products) and orders. The shop's
 * time zone and currency come from the store; `taxInclusive` sets the shop's
 * taxesIncluded. Also seeds the PRNG that live changes use.
 */
export function seedStore(store: SimStore, options: Omit<GenerateOptions, "timezone" | "currencyCode">): SeedResult {
  const taxInclusive = options.taxInclusive ?? store.shop.taxesIncluded;
  store.shop.taxesIncluded = taxInclusive;
  const full: GenerateOptions = { ...options, taxInclusive, timezone: store.shop.ianaTimezone, currencyCode: store.shop.currencyCode };
  const prepared = prepare(full, store, store.products);
  addProducts(store, prepared.catalog);
  let agreements = 0;
  let sales = 0;
  let orders = 0;
  for (const order of streamOrders(prepared)) {
    addOrder(store, order);
    orders++;
    agreements += order.agreements.length;
    for (const a of order.agreements) sales += a.sales.length;
  }
  store.rngState = prepared.ordersRng.state;
  const days = prepared.layout.days;
  return {
    products: store.products.length,
    variants: store.products.reduce((s, p) => s + p.variants.length, 0),
    orders,
    agreements,
    sales,
    from: days[0]?.key ?? "",
    to: days.at(-1)?.key ?? "",
  };
}

/** A build context over a store, for live changes (the caller saves `rng.state` back to store.rngState). */
export function storeContext(store: SimStore, rates: Partial<SeedRates> = {}): BuildContext {
  return {
    ids: store,
    rng: createRng(store.rngState),
    currencyCode: store.shop.currencyCode,
    taxesIncluded: store.shop.taxesIncluded,
    products: store.products,
    rates: { ...DEFAULT_RATES, ...rates },
  };
}
