/**
 * Live changes to a simulated store, each with the webhook Shopify would send:
 * the REST-shaped payload (numeric `id`, `admin_graphql_api_id`, timestamps with
 * the shop's UTC offset, money as "12.50" strings). Payloads carry only ids,
 * timestamps and amounts: no customer, address, email, phone or note fields.
 *
 * The simulator (simulator.ts) wraps these and delivers the webhooks; tests that
 * only need the store changed can call them directly.
 */
import { formatFixed, parseMinor } from "./money";
import {
  buildOrder,
  cancelOrder,
  editOrder,
  refundOrder,
  storeContext,
  type EditSpec,
  type OrderSpec,
  type RefundSpec,
} from "./seed";
import {
  addOrder,
  findInventoryItem,
  findOrder,
  findProduct,
  indexOrder,
  legacyId,
  type CancelReason,
  type SimAgreement,
  type SimInventoryItem,
  type SimOrder,
  type SimProduct,
  type SimStore,
} from "./store";
import { capturePayment } from "./payments";
import { isoSeconds, utcOffsetMs } from "./time";

export interface WebhookEvent {
  topic: string;
  payload: Record<string, unknown>;
}

type At = Date | number | undefined;
const ms = (store: SimStore, at: At) => (at === undefined ? store.now() : typeof at === "number" ? at : at.getTime());

/** REST timestamps are in the shop's offset: "2026-03-08T01:30:00-05:00". */
export function restTime(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  const offset = utcOffsetMs(t, timeZone);
  const local = new Date(t + offset).toISOString().slice(0, 19);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function withContext<T>(store: SimStore, fn: (ctx: ReturnType<typeof storeContext>) => T): T {
  const ctx = storeContext(store);
  try {
    return fn(ctx);
  } finally {
    store.rngState = ctx.rng.state;
  }
}

function requireOrder(store: SimStore, orderId: string): SimOrder {
  const order = findOrder(store, orderId);
  if (!order) throw new Error(`No order ${orderId} in ${store.shop.myshopifyDomain}`);
  return order;
}

// ---------------------------------------------------------------------------
// Payloads

function sumOf(order: SimOrder, pick: (s: SimAgreement["sales"][number]) => number, agreements: (a: SimAgreement) => boolean = () => true): number {
  let total = 0;
  for (const a of order.agreements) if (agreements(a)) for (const s of a.sales) total += pick(s);
  return total;
}

/** The REST Order as webhooks send it, minus every customer field. */
export function orderPayload(store: SimStore, order: SimOrder): Record<string, unknown> {
  const tz = store.shop.ianaTimezone;
  const currency = store.shop.currencyCode;
  const money = (minor: number) => formatFixed(minor, currency);
  const original = (a: SimAgreement) => a.__typename === "OrderAgreement";
  const refunded = -sumOf(order, (s) => s.total, (a) => a.__typename === "RefundAgreement" || a.__typename === "ReturnAgreement");
  const total = sumOf(order, (s) => s.total, original);
  const remaining = new Map<string, number>();
  for (const a of order.agreements) for (const s of a.sales) if (s.lineItemId) remaining.set(s.lineItemId, (remaining.get(s.lineItemId) ?? 0) + (s.quantity ?? 0));
  return {
    id: legacyId(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    order_number: order.number,
    created_at: restTime(order.createdAt, tz),
    updated_at: restTime(order.updatedAt, tz),
    processed_at: restTime(order.processedAt, tz),
    cancelled_at: restTime(order.cancelledAt, tz),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: null,
    test: order.test,
    currency,
    presentment_currency: order.presentmentCurrencyCode,
    source_name: order.sourceName,
    taxes_included: order.taxesIncluded,
    financial_status: order.cancelledAt && refunded >= total ? "refunded" : refunded <= 0 ? "paid" : refunded >= total ? "refunded" : "partially_refunded",
    total_price: money(total),
    subtotal_price: money(sumOf(order, (s) => (s.lineType === "PRODUCT" || s.lineType === "GIFT_CARD" ? s.total - (order.taxesIncluded ? 0 : s.tax) : 0), original)),
    total_tax: money(sumOf(order, (s) => s.tax, original)),
    total_discounts: money(sumOf(order, (s) => s.discountAfter, original)),
    current_total_price: money(sumOf(order, (s) => s.total)),
    current_total_tax: money(sumOf(order, (s) => s.tax)),
    line_items: order.lineItems.map((l) => ({
      id: legacyId(l.id),
      admin_graphql_api_id: l.id,
      product_id: l.productId ? legacyId(l.productId) : null,
      variant_id: l.variantId ? legacyId(l.variantId) : null,
      title: l.title,
      variant_title: l.variantTitle,
      sku: l.sku,
      quantity: l.quantity,
      current_quantity: Math.max(0, remaining.get(l.id) ?? 0),
      price: money(l.originalUnitPrice),
      gift_card: l.kind === "gift_card",
      taxable: l.taxable,
    })),
    shipping_lines: order.shippingLines.map((s) => ({ id: legacyId(s.id), title: s.title, code: s.code, price: money(s.price) })),
    refunds: order.refunds.map((r) => ({ id: legacyId(r.id), admin_graphql_api_id: r.id, created_at: restTime(r.createdAt, tz), processed_at: restTime(r.processedAt, tz) })),
  };
}

/** refunds/create: the REST Refund. */
export function refundPayload(store: SimStore, order: SimOrder, agreement: SimAgreement): Record<string, unknown> {
  const tz = store.shop.ianaTimezone;
  const currency = store.shop.currencyCode;
  const refund = order.refunds.find((r) => r.agreementId === agreement.id)!;
  return {
    id: legacyId(refund.id),
    admin_graphql_api_id: refund.id,
    order_id: legacyId(order.id),
    created_at: restTime(refund.createdAt, tz),
    processed_at: restTime(refund.processedAt, tz),
    updated_at: restTime(refund.processedAt, tz),
    restock: true,
    refund_line_items: agreement.sales
      .filter((s) => s.lineItemId)
      .map((s, i) => ({
        id: legacyId(s.id) * 10 + i,
        line_item_id: legacyId(s.lineItemId!),
        quantity: -(s.quantity ?? 0),
        subtotal: formatFixed(-(s.total - s.tax), currency),
        total_tax: formatFixed(-s.tax, currency),
      })),
    refund_shipping_lines: agreement.sales
      .filter((s) => s.shippingLineId)
      .map((s) => ({ shipping_line_id: legacyId(s.shippingLineId!), subtotal_amount_set: { shop_money: { amount: formatFixed(-(s.total - s.tax), currency), currency_code: currency } } })),
    order_adjustments: agreement.sales
      .filter((s) => s.lineType === "ADJUSTMENT")
      .map((s) => ({ id: legacyId(s.id), order_id: legacyId(order.id), refund_id: legacyId(refund.id), amount: formatFixed(s.total, currency), tax_amount: "0.00", kind: "refund_discrepancy" })),
    transactions: [],
  };
}

export function productPayload(store: SimStore, product: SimProduct): Record<string, unknown> {
  const tz = store.shop.ianaTimezone;
  return {
    id: legacyId(product.id),
    admin_graphql_api_id: product.id,
    title: product.title,
    handle: product.handle,
    vendor: product.vendor,
    product_type: product.productType,
    status: "active",
    created_at: restTime(product.createdAt, tz),
    updated_at: restTime(product.updatedAt, tz),
    variants: product.variants.map((v) => ({
      id: legacyId(v.id),
      admin_graphql_api_id: v.id,
      product_id: legacyId(product.id),
      title: v.title,
      sku: v.sku,
      price: formatFixed(v.price, store.shop.currencyCode),
      position: v.position,
      inventory_item_id: legacyId(v.inventoryItem.id),
      created_at: restTime(v.createdAt, tz),
      updated_at: restTime(v.updatedAt, tz),
    })),
  };
}

export function inventoryItemPayload(store: SimStore, item: SimInventoryItem): Record<string, unknown> {
  const tz = store.shop.ianaTimezone;
  const cost = item.costHistory.at(-1)?.cost ?? null;
  return {
    id: legacyId(item.id),
    admin_graphql_api_id: item.id,
    sku: item.sku,
    cost: cost === null ? null : formatFixed(cost, store.shop.currencyCode),
    tracked: item.tracked,
    requires_shipping: item.requiresShipping,
    country_code_of_origin: null,
    province_code_of_origin: null,
    harmonized_system_code: null,
    country_harmonized_system_codes: [],
    created_at: restTime(item.createdAt, tz),
    updated_at: restTime(item.updatedAt, tz),
  };
}

// ---------------------------------------------------------------------------
// Changes

export function placeOrder(store: SimStore, spec: OrderSpec & { at?: Date | number } = {}): { order: SimOrder; events: WebhookEvent[] } {
  const order = withContext(store, (ctx) => buildOrder(ctx, ms(store, spec.at), spec));
  addOrder(store, order);
  return { order, events: [{ topic: "orders/create", payload: orderPayload(store, order) }] };
}

export function refund(store: SimStore, orderId: string, spec: RefundSpec & { at?: Date | number } = {}): { order: SimOrder; agreement: SimAgreement | null; events: WebhookEvent[] } {
  const order = requireOrder(store, orderId);
  const agreement = withContext(store, (ctx) => refundOrder(ctx, order, ms(store, spec.at), spec));
  indexOrder(store, order);
  if (!agreement) return { order, agreement, events: [] };
  // Shopify sends refunds/create and, since the order changed, orders/updated.
  return {
    order,
    agreement,
    events: [
      { topic: "refunds/create", payload: refundPayload(store, order, agreement) },
      { topic: "orders/updated", payload: orderPayload(store, order) },
    ],
  };
}

/** Captures the order's open authorization (payments.ts); Shopify then sends orders/updated. */
export function capture(store: SimStore, orderId: string, options: { at?: Date | number } = {}): { order: SimOrder; events: WebhookEvent[] } {
  const order = requireOrder(store, orderId);
  const atMs = ms(store, options.at);
  if (!capturePayment(order, store.shop.currencyCode, isoSeconds(atMs))) throw new Error(`${orderId} has no open authorization`);
  const at = isoSeconds(atMs);
  if (at > order.updatedAt) order.updatedAt = at;
  indexOrder(store, order);
  return { order, events: [{ topic: "orders/updated", payload: orderPayload(store, order) }] };
}

export function cancel(store: SimStore, orderId: string, options: { at?: Date | number; reason?: CancelReason } = {}): { order: SimOrder; agreement: SimAgreement | null; events: WebhookEvent[] } {
  const order = requireOrder(store, orderId);
  const agreement = withContext(store, (ctx) => cancelOrder(ctx, order, ms(store, options.at), options.reason));
  indexOrder(store, order);
  return { order, agreement, events: [{ topic: "orders/cancelled", payload: orderPayload(store, order) }] };
}

export function edit(store: SimStore, orderId: string, spec?: EditSpec & { at?: Date | number }): { order: SimOrder; agreement: SimAgreement | null; events: WebhookEvent[] } {
  const order = requireOrder(store, orderId);
  const hasChange = spec && (spec.add || spec.remove || spec.discount);
  const agreement = withContext(store, (ctx) => editOrder(ctx, order, ms(store, spec?.at), hasChange ? spec : undefined));
  indexOrder(store, order);
  return { order, agreement, events: agreement ? [{ topic: "orders/updated", payload: orderPayload(store, order) }] : [] };
}

/**
 * Deletes an order (Shopify lets a merchant delete an archived or cancelled order,
 * and apps with write_orders delete any). Gone from every API answer and from
 * Shopify's reports; the webhook carries only the id.
 */
export function deleteOrder(store: SimStore, orderId: string): { order: SimOrder; events: WebhookEvent[] } {
  const order = requireOrder(store, orderId);
  store.orders.splice(store.orders.indexOf(order), 1);
  for (const [gid, held] of store.index) if (held === order) store.index.delete(gid);
  return { order, events: [{ topic: "orders/delete", payload: { id: legacyId(order.id) } }] };
}

export interface ShopChanges {
  name?: string;
  ianaTimezone?: string;
  currencyCode?: string;
}

/** A change in the store's settings, with the shop/update webhook (the REST Shop resource, no contact fields). */
export function updateShop(store: SimStore, changes: ShopChanges): { events: WebhookEvent[] } {
  Object.assign(store.shop, changes);
  const { shop } = store;
  return {
    events: [{
      topic: "shop/update",
      payload: {
        id: legacyId(shop.id), name: shop.name, myshopify_domain: shop.myshopifyDomain, domain: shop.myshopifyDomain,
        iana_timezone: shop.ianaTimezone, currency: shop.currencyCode, taxes_included: shop.taxesIncluded,
      },
    }],
  };
}

export interface ProductChanges {
  title?: string;
  variants?: { id: string; title?: string; sku?: string; price?: string }[];
  at?: Date | number;
}

export function updateProduct(store: SimStore, productId: string, changes: ProductChanges = {}): { product: SimProduct; events: WebhookEvent[] } {
  const product = findProduct(store, productId);
  if (!product) throw new Error(`No product ${productId} in ${store.shop.myshopifyDomain}`);
  const at = isoSeconds(ms(store, changes.at));
  if (changes.title !== undefined) {
    product.title = changes.title;
    product.handle = changes.title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  }
  for (const change of changes.variants ?? []) {
    const variant = product.variants.find((v) => v.id === change.id);
    if (!variant) throw new Error(`No variant ${change.id} on ${productId}`);
    if (change.title !== undefined) variant.title = change.title;
    if (change.sku !== undefined) variant.sku = variant.inventoryItem.sku = change.sku;
    if (change.price !== undefined) variant.price = parseMinor(change.price, store.shop.currencyCode);
    variant.updatedAt = at;
  }
  product.updatedAt = at;
  return { product, events: [{ topic: "products/update", payload: productPayload(store, product) }] };
}

/**
 * Records a new unit cost (a decimal string in shop currency, or null to clear
 * it) at `at`; Shopify only keeps the latest, the simulator keeps the history
 * so truth.ts can price sales at the cost they had.
 */
export function setUnitCost(store: SimStore, inventoryItemId: string, cost: string | null, at?: Date | number): { item: SimInventoryItem; events: WebhookEvent[] } {
  const item = findInventoryItem(store, inventoryItemId);
  if (!item) throw new Error(`No inventory item ${inventoryItemId} in ${store.shop.myshopifyDomain}`);
  const when = isoSeconds(ms(store, at));
  const minor = cost === null ? null : parseMinor(cost, store.shop.currencyCode);
  // Keep the history in time order even if a test records a change in the past.
  item.costHistory.push({ at: when, cost: minor });
  item.costHistory.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (when > item.updatedAt) item.updatedAt = when;
  return { item, events: [{ topic: "inventory_items/update", payload: inventoryItemPayload(store, item) }] };
}
