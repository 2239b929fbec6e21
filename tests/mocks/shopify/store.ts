/**
 * The in-memory state of one simulated Shopify store. Plain data on purpose: raw
 * records (products, orders and their sales agreements, bulk operations) that
 * seed.ts generates, live.ts changes, truth.ts reads and views.ts presents to
 * GraphQL as Shopify's types. Amounts are integers in minor units of the shop's
 * currency; times are Shopify DateTime strings (UTC, whole seconds).
 *
 * There is no customer data anywhere in this model: no names, emails, phones or
 * addresses, so the app cannot get any from the simulator even by mistake.
 */
import { createHash } from "node:crypto";

/** The Shop object as the Admin API exposes it (only what the simulator knows). */
export interface SimShop {
  /** gid://shopify/Shop/N */
  id: string;
  name: string;
  /** e.g. demo-store.myshopify.com */
  myshopifyDomain: string;
  /** A CurrencyCode enum value; an invalid code fails serialization as it would on Shopify. */
  currencyCode: string;
  ianaTimezone: string;
  /** Whether product and shipping prices include tax (EU/UK/AU style). */
  taxesIncluded: boolean;
  /**
   * The simulator holds no personal data, so this can never be set; a query for
   * `shop { email }` fails (null for a non-null field) instead of returning a fake address.
   */
  email?: never;
}

/**
 * Shopify's leaky bucket for one app on one store. `currentlyAvailable` is the
 * level as of `updatedAtMs`; the executor restores it lazily from the clock.
 */
export interface ThrottleBucket {
  maximumAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
  currentlyAvailable: number;
  updatedAtMs: number;
}

/** A failure the next GraphQL request receives instead of being executed. */
export type GraphqlFault = "throttled" | "http429" | "http500";

export interface SimFaults {
  /** Consumed front first, one per GraphQL request. */
  nextGraphql: GraphqlFault[];
  /** One-shot: the next bulk result file is cut in the middle of a line (status still COMPLETED). */
  truncateNextBulkFile: boolean;
  /** One-shot: the next bulk file download breaks off (connection reset) after this many bytes. */
  dropNextBulkDownloadAfterBytes: number | null;
  /** One-shot: the next bulk file download sends this many bytes, then nothing, never closing (a stalled connection). */
  stallNextBulkDownloadAfterBytes: number | null;
  /** One-shot: the next bulk operation ends FAILED with errorCode INTERNAL_SERVER_ERROR. */
  failNextBulkOperation: boolean;
}

// ---------------------------------------------------------------------------
// Catalog

/** One point of an inventory item's cost history. `cost` null = no cost recorded. */
export interface SimCostChange {
  at: string;
  cost: number | null;
}

export interface SimInventoryItem {
  id: string;
  variantId: string;
  sku: string;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: string;
  updatedAt: string;
  /** Oldest first; the last entry is `InventoryItem.unitCost` (Shopify keeps only that one). */
  costHistory: SimCostChange[];
}

export interface SimVariant {
  id: string;
  productId: string;
  title: string;
  sku: string;
  /** Minor units; includes tax when the shop's prices include tax. */
  price: number;
  position: number;
  createdAt: string;
  updatedAt: string;
  inventoryItem: SimInventoryItem;
}

export interface SimProduct {
  id: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  isGiftCard: boolean;
  createdAt: string;
  updatedAt: string;
  variants: SimVariant[];
  /** 0..1 popularity used by the generator (a few products sell most). */
  weight: number;
}

// ---------------------------------------------------------------------------
// Orders and Shopify's sales ledger (Order.agreements -> sales)

export type SaleActionType = "ORDER" | "RETURN" | "UPDATE";
export type SaleLineType = "PRODUCT" | "SHIPPING" | "GIFT_CARD" | "TIP" | "DUTY" | "FEE" | "ADDITIONAL_FEE" | "ADJUSTMENT";
export type SaleTypename =
  | "ProductSale"
  | "ShippingLineSale"
  | "GiftCardSale"
  | "TipSale"
  | "DutySale"
  | "FeeSale"
  | "AdditionalFeeSale"
  | "AdjustmentSale";
export type AgreementTypename = "OrderAgreement" | "OrderEditAgreement" | "RefundAgreement" | "ReturnAgreement";
export type AgreementReason = "ORDER" | "ORDER_EDIT" | "REFUND" | "RETURN";

/**
 * One sale. Amounts are minor units of the shop currency, signed (a RETURN is
 * negative throughout), with Shopify's meanings:
 * - total: after discounts and taxes (for tax-inclusive prices the tax is inside it);
 * - discountBefore: discounts allocated to the sale, excluding tax;
 * - discountAfter: the same discounts including the tax they carried;
 * - tax: the sale's tax.
 * So for any sale, original price excl. tax = total - tax + discountBefore.
 */
export interface SimSale {
  __typename: SaleTypename;
  id: string;
  actionType: SaleActionType;
  lineType: SaleLineType;
  /** Units (negative for returns, 0 for an UPDATE); null for lines without units. */
  quantity: number | null;
  lineItemId?: string;
  shippingLineId?: string;
  dutyId?: string;
  additionalFeeId?: string;
  feeId?: string;
  total: number;
  discountBefore: number;
  discountAfter: number;
  tax: number;
}

export interface SimAgreement {
  __typename: AgreementTypename;
  id: string;
  reason: AgreementReason;
  happenedAt: string;
  /** RefundAgreement: the refund; ReturnAgreement: the refund and the return. */
  refundId?: string;
  returnId?: string;
  sales: SimSale[];
}

export type LineItemKind = "product" | "gift_card" | "tip";

export interface SimLineItem {
  id: string;
  kind: LineItemKind;
  /** null for tips (and for a variant deleted since). */
  variantId: string | null;
  productId: string | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  quantity: number;
  /** Minor units per unit as sold (includes tax in tax-inclusive shops). */
  originalUnitPrice: number;
  taxable: boolean;
  requiresShipping: boolean;
}

export interface SimShippingLine {
  id: string;
  title: string;
  code: string;
  price: number;
}

export interface SimDuty {
  id: string;
  lineItemId: string;
  harmonizedSystemCode: string;
  price: number;
}

export interface SimAdditionalFee {
  id: string;
  name: string;
  price: number;
}

export interface SimRefund {
  id: string;
  createdAt: string;
  processedAt: string;
  agreementId: string;
  returnId: string | null;
  /** Set when the refund is the one a cancellation produced. */
  cancellation: boolean;
}

/**
 * A payment transaction (OrderTransaction), shop money in minor units. Fees only on
 * Shopify Payments transactions, as Shopify documents for OrderTransaction.fees.
 */
export interface SimTransaction {
  id: string;
  kind: "SALE" | "AUTHORIZATION" | "CAPTURE" | "REFUND" | "VOID";
  status: "SUCCESS" | "FAILURE";
  gateway: string;
  processedAt: string;
  createdAt: string;
  amount: number;
  fees: SimTransactionFee[];
  /** An authorization's tax on fees, for its capture (PaymentSpec.feeTax). */
  feeTax?: number;
}

export interface SimTransactionFee {
  id: string;
  /** The fee itself (minor units, shop money); taxAmount on top. */
  amount: number;
  flatFee: number;
  /** Percentage charge as Shopify's Decimal text, e.g. "0.029". */
  rate: string;
  type: string;
  taxAmount: number;
}

export type CancelReason = "CUSTOMER" | "DECLINED" | "FRAUD" | "INVENTORY" | "OTHER" | "STAFF";

export interface SimOrder {
  id: string;
  /** 1001, 1002, ... ("#1001" is the order's label, not personal data). */
  number: number;
  name: string;
  createdAt: string;
  /** When the sale happened (the OrderAgreement's happenedAt); earlier than createdAt for POS-offline/imported orders. */
  processedAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: CancelReason | null;
  test: boolean;
  sourceName: string;
  presentmentCurrencyCode: string;
  /** Shop -> presentment currency rate, ppm of major units (fixed per order). */
  presentmentRatePpm: number;
  taxesIncluded: boolean;
  /** Tax rate in parts per million of the price (88750 = 8.875 %). */
  taxRatePpm: number;
  taxTitle: string;
  shippingTaxed: boolean;
  lineItems: SimLineItem[];
  shippingLines: SimShippingLine[];
  duties: SimDuty[];
  additionalFees: SimAdditionalFee[];
  refunds: SimRefund[];
  /** Payments, oldest first (tests/mocks/shopify/payments.ts). */
  transactions: SimTransaction[];
  /** Oldest first. The first is always the OrderAgreement. */
  agreements: SimAgreement[];
}

// ---------------------------------------------------------------------------
// Bulk operations

export type BulkStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELING" | "CANCELED" | "EXPIRED";

export interface SimBulkOperation {
  id: string;
  query: string;
  groupObjects: boolean;
  status: BulkStatus;
  errorCode: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT" | null;
  createdAt: string;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  /** Where the simulator wrote the JSONL (a temp file); served at `url`. */
  filePath: string | null;
  partialFilePath: string | null;
  url: string | null;
  partialDataUrl: string | null;
  /** Faults captured when the operation was created (the store's one-shot knobs). */
  faults: { truncate: boolean; fail: boolean; dropAfterBytes: number | null; stallAfterBytes: number | null };
}

/** Events the simulator (not the GraphQL layer) reacts to, e.g. delivering webhooks. */
export interface SimStoreListeners {
  bulkOperationCreated?: (store: SimStore, operation: SimBulkOperation) => void;
  bulkOperationFinished?: (store: SimStore, operation: SimBulkOperation) => void;
  /**
   * After an Admin GraphQL request was answered, before the answer reaches the app:
   * tests change the store here to interleave a change with a read in flight.
   */
  graphqlAnswered?: (store: SimStore, request: { query: string; variables?: Record<string, unknown> }) => void | Promise<void>;
}

export interface SimStore {
  shop: SimShop;
  bucket: ThrottleBucket;
  faults: SimFaults;
  /** Milliseconds clock for throttling and live changes; Date.now by default, so vi fake timers apply. */
  now: () => number;
  /** Ordered by id. The gift card product is one of them. */
  products: SimProduct[];
  /** Ordered by id (= creation order). */
  orders: SimOrder[];
  /**
   * Orders that exist only as a stream (benchmarks of 10^5-10^6 orders): bulk
   * operations and truth.ts iterate them after `orders`; paginated queries and
   * order(id) do not see them.
   */
  streamedOrders: (() => Iterable<SimOrder>) | null;
  bulkOperations: SimBulkOperation[];
  /**
   * Line order of ungrouped bulk results: parents of `chunkSize` roots first, then
   * their children, then grandchildren; `childrenFirst` reverses it (children
   * before their parents) to prove the app does not depend on the order.
   */
  bulkOutput: { chunkSize: number; childrenFirst: boolean };
  /** Next numeric id; one counter for every gid so ids are unique across types. */
  nextId: number;
  nextOrderNumber: number;
  /** PRNG state for live changes that pick products at random (seeded by seedStore). */
  rngState: number;
  listeners: SimStoreListeners;
  /**
   * The scopes the merchant granted this app (the simulator sets its default on
   * addStore). Without `read_all_orders`, orders created more than 60 days ago are
   * out of reach (views.ts orderReachable); unset: everything is reachable.
   */
  grantedScopes?: string[];
  /** gid -> record, for node(id), order(id) and friends. Not enumerable (keeps JSON of the store small). */
  readonly index: Map<string, unknown>;
}

export interface CreateSimStoreOptions {
  domain: string;
  name?: string;
  currencyCode?: string;
  ianaTimezone?: string;
  taxesIncluded?: boolean;
  /** Inject a clock instead of relying on fake timers. */
  now?: () => number;
}

/** Standard-plan figures as documented for 2026-10 (2,000 point bucket, 100 points/s). */
export const DEFAULT_BUCKET = { maximumAvailable: 2000, restoreRate: 100 } as const;

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * A stable numeric shop id derived from the domain, so the same seeded store has
 * the same gid in every run (snapshots, fixtures, logs stay comparable).
 */
export function shopIdFor(domain: string): number {
  const digest = createHash("sha256").update(domain).digest();
  // 10-11 digits, like real shop ids, and well inside Number.MAX_SAFE_INTEGER.
  return 10_000_000_000 + (digest.readUIntBE(0, 6) % 80_000_000_000);
}

/** "demo-store.myshopify.com" -> "Demo Store" */
function nameFromDomain(domain: string): string {
  const handle = domain.slice(0, -".myshopify.com".length);
  return handle
    .split("-")
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}

export function createSimStore(options: CreateSimStoreOptions): SimStore {
  const domain = options.domain.trim().toLowerCase();
  // The app validates shop domains strictly; a sloppy fixture should fail here, not
  // as a confusing mismatch deep inside an OAuth or webhook test.
  if (!MYSHOPIFY_DOMAIN.test(domain)) throw new Error(`Not a *.myshopify.com domain: ${options.domain}`);

  const now = options.now ?? (() => Date.now());
  const store = {
    shop: {
      id: `gid://shopify/Shop/${shopIdFor(domain)}`,
      name: options.name ?? nameFromDomain(domain),
      myshopifyDomain: domain,
      currencyCode: options.currencyCode ?? "USD",
      ianaTimezone: options.ianaTimezone ?? "America/New_York",
      taxesIncluded: options.taxesIncluded ?? false,
    },
    bucket: {
      ...DEFAULT_BUCKET,
      currentlyAvailable: DEFAULT_BUCKET.maximumAvailable,
      updatedAtMs: now(),
    },
    faults: { nextGraphql: [], truncateNextBulkFile: false, dropNextBulkDownloadAfterBytes: null, stallNextBulkDownloadAfterBytes: null, failNextBulkOperation: false },
    now,
    products: [],
    orders: [],
    streamedOrders: null,
    bulkOperations: [],
    bulkOutput: { chunkSize: 64, childrenFirst: false },
    // Each store gets its own id range (real ids are unique across shops), stable per domain.
    nextId: FIRST_ID + (shopIdFor(domain) % 4000) * ID_RANGE_PER_STORE,
    nextOrderNumber: 1001,
    rngState: 0x9e3779b9,
    listeners: {},
  } as Omit<SimStore, "index"> as SimStore;
  Object.defineProperty(store, "index", { value: new Map<string, unknown>(), enumerable: false });
  return store;
}

/** Ids start in the range real Shopify ids have today (13 digits), far below 2^53. */
export const FIRST_ID = 5_000_000_000_000;
/** Room for 10^9 ids per store; store ranges end below 9.1e12 (Number.MAX_SAFE_INTEGER is 9.0e15). */
export const ID_RANGE_PER_STORE = 1_000_000_000;

/** `gid://shopify/<type>/<n>` with the store's next id. */
export function allocateGid(store: Pick<SimStore, "nextId">, type: string): string {
  return `gid://shopify/${type}/${store.nextId++}`;
}

/** The numeric part of a gid (REST ids, legacyResourceId). */
export function legacyId(gid: string): number {
  return Number(gid.slice(gid.lastIndexOf("/") + 1));
}

export function gidType(gid: string): string {
  return gid.slice("gid://shopify/".length, gid.lastIndexOf("/"));
}

/** Makes a product, its variants and inventory items findable by id. */
export function indexProduct(store: SimStore, product: SimProduct): void {
  store.index.set(product.id, product);
  for (const variant of product.variants) {
    store.index.set(variant.id, variant);
    store.index.set(variant.inventoryItem.id, variant.inventoryItem);
  }
}

/** Makes an order and everything inside it findable by id (call again after changing it). */
export function indexOrder(store: SimStore, order: SimOrder): void {
  store.index.set(order.id, order);
  for (const line of order.lineItems) store.index.set(line.id, order);
  for (const agreement of order.agreements) store.index.set(agreement.id, order);
  for (const refund of order.refunds) store.index.set(refund.id, order);
}

export function addProducts(store: SimStore, products: Iterable<SimProduct>): void {
  for (const product of products) {
    store.products.push(product);
    indexProduct(store, product);
  }
}

export function addOrder(store: SimStore, order: SimOrder): void {
  store.orders.push(order);
  indexOrder(store, order);
}

export function findOrder(store: SimStore, id: string): SimOrder | undefined {
  const hit = store.index.get(id) as SimOrder | undefined;
  return hit && gidType(id) === "Order" ? hit : undefined;
}

export function findVariant(store: SimStore, id: string): SimVariant | undefined {
  return gidType(id) === "ProductVariant" ? (store.index.get(id) as SimVariant | undefined) : undefined;
}

export function findInventoryItem(store: SimStore, id: string): SimInventoryItem | undefined {
  return gidType(id) === "InventoryItem" ? (store.index.get(id) as SimInventoryItem | undefined) : undefined;
}

export function findProduct(store: SimStore, id: string): SimProduct | undefined {
  return gidType(id) === "Product" ? (store.index.get(id) as SimProduct | undefined) : undefined;
}

/** The cost recorded for an item at an instant (null = none recorded then). */
export function costAt(item: SimInventoryItem, at: string | number): number | null {
  const ms = typeof at === "number" ? at : Date.parse(at);
  let cost: number | null = null;
  for (const change of item.costHistory) {
    if (Date.parse(change.at) > ms) break;
    cost = change.cost;
  }
  return cost;
}

/** `InventoryItem.unitCost`: the current cost only, as Shopify keeps it. */
export function currentCost(item: SimInventoryItem): number | null {
  return item.costHistory.at(-1)?.cost ?? null;
}
