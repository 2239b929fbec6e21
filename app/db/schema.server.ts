/**
 * The database schema. Every tenant table starts with `shop_id` and is listed in
 * `tenantTables`; migrations enable and FORCE row level security on each one
 * (drizzle/0002_tenant_rls.sql) and tests check that the two lists agree.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};

/** One row per installed (or once installed) shop. `shop_id` is the myshopify domain. */
export const shops = pgTable("shops", {
  shopId: text("shop_id").primaryKey(),
  name: text("name"),
  currencyCode: text("currency_code").notNull(),
  ianaTimezone: text("iana_timezone").notNull(),
  scopes: text("scopes"),
  installedAt: timestamp("installed_at", { withTimezone: true }).notNull().defaultNow(),
  uninstalledAt: timestamp("uninstalled_at", { withTimezone: true }),
  /**
   * Figures are complete from this instant; null: the whole history is reachable.
   * Without read_all_orders Shopify serves only the last 60 days of orders, so the
   * first backfill cannot see older ones (app/sync/history.server.ts).
   */
  historyFrom: timestamp("history_from", { withTimezone: true }),
  // Shopify's numeric shop id (Shop.id): a signed webhook body naming a shop by id
  // must name this one (app/webhooks/verify.server.ts). Null until the next sign-in
  // for shops installed before it was recorded.
  shopifyId: bigint("shopify_id", { mode: "number" }),
  /**
   * When this app last exchanged a session token for the shop's offline token (our
   * clock, at afterAuth). An uninstall revokes every token and a session token lives a
   * minute, so an exchange well after an app/uninstalled event's trigger time belongs
   * to a later installation (app/webhooks/lifecycle.server.ts).
   */
  tokenExchangedAt: timestamp("token_exchanged_at", { withTimezone: true }),
  /**
   * Set when the shop's erase is queued (shop/redact, "Delete my data now"), in the
   * same transaction; the erase deletes this row last. Meanwhile every writer for the
   * shop holds this row and writes nothing (app/shops.server.ts holdShopForWrite).
   */
  erasingSince: timestamp("erasing_since", { withTimezone: true }),
  ...timestamps,
}).enableRLS();

/**
 * Shopify offline sessions. Row level security forced like a tenant table
 * (drizzle/0018_sessions_rls.sql); only app/security/session-storage.server.ts (as
 * app_tenant, per shop) and key rotation (as app_system) read or write it.
 * Tokens are sealed (app/security/keyring.server.ts); `token_kid` names the key
 * that sealed them so rotation can find stale rows with an index scan.
 * Staff names and emails from online sessions are deliberately not stored.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    shopId: text("shop_id").notNull(),
    state: text("state").notNull(),
    isOnline: boolean("is_online").notNull().default(false),
    scope: text("scope"),
    expires: timestamp("expires", { withTimezone: true }),
    userId: bigint("user_id", { mode: "number" }),
    accountOwner: boolean("account_owner"),
    accessToken: text("access_token").notNull(),
    refreshToken: text("refresh_token"),
    refreshTokenExpires: timestamp("refresh_token_expires", { withTimezone: true }),
    tokenKid: text("token_kid").notNull(),
    ...timestamps,
  },
  (t) => [index("sessions_shop_idx").on(t.shopId), index("sessions_kid_idx").on(t.tokenKid)],
);

/**
 * Append-only, hash-chained audit log (app/security/audit.server.ts). One chain per
 * shop, plus a `_system` chain for events about no single shop. The app roles may
 * INSERT and SELECT, never UPDATE or DELETE (drizzle/0004_audit_append_only.sql).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    shopId: text("shop_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    action: text("action").notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id"),
    target: text("target"),
    meta: jsonb("meta").$type<Record<string, unknown>>().notNull().default({}),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    // The AUDIT_KEYS id whose HMAC `hash` is; null for rows written before the chain
    // was keyed (plain SHA-256, accepted only before a chain's first keyed row).
    keyId: text("key_id"),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.seq] }),
    index("audit_events_shop_action_idx").on(t.shopId, t.action, t.seq),
    // audit_prune (retention) finds the events past the cutoff across every chain.
    index("audit_events_created_idx").on(t.createdAt),
  ],
).enableRLS();

/** Where retention pruned a chain: the verifier resumes from the last pruned hash. */
export const auditCheckpoints = pgTable("audit_checkpoints", {
  shopId: text("shop_id").primaryKey(),
  seq: bigint("seq", { mode: "number" }).notNull(),
  hash: text("hash").notNull(),
  prunedAt: timestamp("pruned_at", { withTimezone: true }).notNull().defaultNow(),
}).enableRLS();

/**
 * Webhook deliveries already applied, keyed by X-Shopify-Webhook-Id and, when Shopify
 * sends one, by X-Shopify-Event-Id per topic (dedupe; app/webhooks/handle.server.ts).
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    shopId: text("shop_id").notNull(),
    webhookId: text("webhook_id").notNull(),
    topic: text("topic").notNull(),
    attempts: integer("attempts").notNull().default(1),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    eventId: text("event_id"),
    triggeredAt: timestamp("triggered_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.webhookId] }),
    // NULLs are distinct: deliveries without an event id dedupe on the webhook id alone.
    uniqueIndex("webhook_deliveries_event_idx").on(t.shopId, t.topic, t.eventId),
    // Retention (app/jobs/retention.server.ts) deletes by age across every shop.
    index("webhook_deliveries_received_idx").on(t.receivedAt),
  ],
).enableRLS();

/**
 * Fixed-window request counters (app/security/rate-limit.server.ts). Not a tenant
 * table: keys name their scope (`shop:<domain>:export`, `ip:<addr>:login`), and only
 * app_system may touch it (grants in drizzle/0006_rate_limit_grants.sql).
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    count: integer("count").notNull(),
  },
  // The cleanup deletes by age across all keys.
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index("rate_limits_window_start_idx").on(t.windowStart)],
);


// ---------------------------------------------------------------------------
// The sales ledger: Shopify's own model (Order → agreements → sales), shop money,
// exact decimals (numeric; strings in TypeScript). No customer data of any kind.
// ---------------------------------------------------------------------------
const id = (name: string) => bigint(name, { mode: "number" });
const money = (name: string) => numeric(name, { precision: 20, scale: 4 });
const moneyZero = (name: string) => money(name).notNull().default("0");

export const products = pgTable(
  "products",
  {
    shopId: text("shop_id").notNull(),
    productId: id("product_id").notNull(),
    title: text("title").notNull(),
    sourceUpdatedAt: timestamp("source_updated_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.productId] })],
).enableRLS();

export const variants = pgTable(
  "variants",
  {
    shopId: text("shop_id").notNull(),
    variantId: id("variant_id").notNull(),
    productId: id("product_id").notNull(),
    title: text("title"),
    sku: text("sku"),
    inventoryItemId: id("inventory_item_id"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.variantId] }), index("variants_inventory_item_idx").on(t.shopId, t.inventoryItemId)],
).enableRLS();

/**
 * Unit cost per inventory item over time. Shopify only exposes the current cost;
 * history is built from inventory_items/update webhooks. `backfill` rows carry the
 * cost as of the first sync and are applied to older sales, flagged as such.
 * `merchant` (the Costs page) and `csv` (a cost import) are the merchant's own
 * entries, in our ledger only (docs/decisions/0011-merchant-costs.md); `recost_id`
 * names the re-cost (cost_recosts) that applies such an entry to past sales.
 */
export const costHistory = pgTable(
  "cost_history",
  {
    shopId: text("shop_id").notNull(),
    inventoryItemId: id("inventory_item_id").notNull(),
    effectiveAt: timestamp("effective_at", { withTimezone: true }).notNull(),
    unitCost: money("unit_cost"),
    source: text("source").$type<"backfill" | "webhook" | "merchant" | "csv">().notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).defaultNow(),
    recostId: text("recost_id"),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.inventoryItemId, t.effectiveAt] }),
    index("cost_history_recost_idx").on(t.shopId, t.recostId).where(sql`recost_id is not null`),
  ],
).enableRLS();

/**
 * One re-cost: a merchant's cost edit or import applied to the sales its entries'
 * cost periods cover, by a job (app/sync/costs/recost.server.ts), in batches of
 * orders whose progress the Costs page shows.
 */
export const costRecosts = pgTable(
  "cost_recosts",
  {
    shopId: text("shop_id").notNull(),
    recostId: text("recost_id").notNull(),
    kind: text("kind").$type<"edit" | "import">().notNull(),
    status: text("status").$type<"queued" | "running" | "completed" | "failed">().notNull(),
    entries: integer("entries").notNull(),
    ordersTotal: integer("orders_total"),
    ordersDone: integer("orders_done").notNull().default(0),
    salesRecosted: integer("sales_recosted").notNull().default(0),
    error: text("error"),
    requestedAt: timestamp("requested_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.recostId] }),
    index("cost_recosts_requested_idx").on(t.shopId, t.requestedAt),
    check("cost_recosts_status_check", sql`${t.status} in ('queued', 'running', 'completed', 'failed')`),
  ],
).enableRLS();

export const orders = pgTable(
  "orders",
  {
    shopId: text("shop_id").notNull(),
    orderId: id("order_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** When the original sale happened (the ORDER agreement); the order's day in reports. */
    placedAt: timestamp("placed_at", { withTimezone: true }).notNull(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    test: boolean("test").notNull().default(false),
    currencyCode: text("currency_code").notNull(),
    /** Shopify's updatedAt of the version we hold: older deliveries never overwrite newer. */
    sourceUpdatedAt: timestamp("source_updated_at", { withTimezone: true }).notNull(),
    /** Σ (gross + discounts) of the original ORDER agreement's product sales: AOV's numerator. */
    originalNetProduct: moneyZero("original_net_product"),
    /**
     * The titles of the order's shipping lines (ShippingLine.title, e.g. "Standard"),
     * distinct and sorted; empty: no shipping line. The method only, never an address.
     */
    shippingMethods: text("shipping_methods").array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.orderId] }), index("orders_placed_idx").on(t.shopId, t.placedAt)],
).enableRLS();

/**
 * A sale's amount split into the components Shopify's sales reports add up
 * (LINE_RULES, app/sync/classify-sale.ts, COMPONENT_COLUMNS), as each sale stores
 * them and every rollup sums them: one definition for both.
 */
const saleComponents = () => ({
  grossSales: moneyZero("gross_sales"),
  discounts: moneyZero("discounts"),
  returns: moneyZero("returns"),
  shipping: moneyZero("shipping"),
  duties: moneyZero("duties"),
  fees: moneyZero("fees"),
  taxes: moneyZero("taxes"),
  tips: moneyZero("tips"),
  units: integer("units").notNull().default(0),
});

/**
 * One row per Shopify Sale. Amount components are derived once, at ingest, by
 * LINE_RULES (app/sync/classify-sale.ts), in the finalize: reports only ever sum them.
 */
export const sales = pgTable(
  "sales",
  {
    shopId: text("shop_id").notNull(),
    saleId: id("sale_id").notNull(),
    orderId: id("order_id").notNull(),
    agreementId: id("agreement_id").notNull(),
    agreementReason: text("agreement_reason").notNull(),
    happenedAt: timestamp("happened_at", { withTimezone: true }).notNull(),
    actionType: text("action_type").notNull(),
    lineType: text("line_type").notNull(),
    quantity: integer("quantity").notNull().default(0),
    lineItemId: id("line_item_id"),
    productId: id("product_id"),
    variantId: id("variant_id"),
    inventoryItemId: id("inventory_item_id"),
    totalAmount: moneyZero("total_amount"),
    discountAmount: moneyZero("discount_amount"),
    taxAmount: moneyZero("tax_amount"),
    ...saleComponents(),
    unitCost: money("unit_cost"),
    costSource: text("cost_source").$type<"at_sale" | "backfill_current">(),
    cogs: money("cogs"),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.saleId] }),
    index("sales_order_idx").on(t.shopId, t.orderId),
    index("sales_happened_idx").on(t.shopId, t.happenedAt),
    // A merchant's cost edit re-costs one item's sales in one period: reached by key, not a scan of the shop.
    index("sales_item_idx").on(t.shopId, t.inventoryItemId, t.happenedAt).where(sql`inventory_item_id is not null`),
  ],
).enableRLS();

/**
 * The order's money movements that can carry a payment fee (app/sync/transactions.ts
 * says which: successful SALE, CAPTURE and REFUND), with Shopify's own fee
 * (OrderTransaction.fees summed, shop money). `fee` null: Shopify gave no fee data
 * for it (another gateway, manual payments): an estimate may apply at read time.
 * `amount` as Shopify reports it (positive; `kind` says the direction).
 */
export const orderTransactions = pgTable(
  "order_transactions",
  {
    shopId: text("shop_id").notNull(),
    transactionId: id("transaction_id").notNull(),
    orderId: id("order_id").notNull(),
    kind: text("kind").$type<"SALE" | "CAPTURE" | "REFUND">().notNull(),
    status: text("status").notNull(),
    gateway: text("gateway").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }).notNull(),
    amount: money("amount").notNull(),
    fee: money("fee"),
    currencyCode: text("currency_code").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.transactionId] }), index("order_transactions_order_idx").on(t.shopId, t.orderId)],
).enableRLS();

/**
 * The sums every rollup table carries (daily_rollups, daily_totals, monthly_rollups),
 * defined once: the tables differ only by their key. Fresh builders per table
 * (drizzle binds a column builder to the table it is declared in).
 * app/sync/rollups.server.ts writes them; reports read them.
 */
const rollupSums = () => ({
  ...saleComponents(),
  cogs: moneyZero("cogs"),
  netSalesWithCost: moneyZero("net_sales_with_cost"),
  costedFromBackfill: moneyZero("costed_from_backfill"),
  /** How many sales the row sums: a live change that leaves it at 0 removes the row. */
  lines: integer("lines").notNull().default(0),
});

/** Per shop × local day × product (0 for non-product lines): what reports read. */
export const dailyRollups = pgTable(
  "daily_rollups",
  {
    shopId: text("shop_id").notNull(),
    day: date("day").notNull(),
    productId: id("product_id").notNull(),
    ...rollupSums(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.productId] })],
).enableRLS();

/** Orders placed per shop × local day (test orders excluded). */
export const dailyOrders = pgTable(
  "daily_orders",
  {
    shopId: text("shop_id").notNull(),
    day: date("day").notNull(),
    orders: integer("orders").notNull().default(0),
    originalNetProduct: moneyZero("original_net_product"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day] })],
).enableRLS();

/**
 * Per shop × local day, every product summed: what the KPI cards and the chart read
 * (at most 366 rows a year, whatever the catalogue). Derived from daily_rollups by
 * the same statement that writes them (app/sync/rollups.server.ts).
 */
export const dailyTotals = pgTable(
  "daily_totals",
  {
    shopId: text("shop_id").notNull(),
    day: date("day").notNull(),
    ...rollupSums(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day] })],
).enableRLS();

/**
 * Per shop × local calendar month (its first day) × product: daily_rollups summed by
 * month, so ranking products over a long range reads whole months plus the partial
 * days at each edge. Kept by app/sync/rollups.server.ts with the daily rows.
 */
export const monthlyRollups = pgTable(
  "monthly_rollups",
  {
    shopId: text("shop_id").notNull(),
    month: date("month").notNull(),
    productId: id("product_id").notNull(),
    ...rollupSums(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.month, t.productId] }),
    check("monthly_rollups_month_check", sql`extract(day from ${t.month}) = 1`),
  ],
).enableRLS();

/**
 * Payment fees per shop × local day (of the transaction) × gateway. `fees`: Shopify's
 * fee amounts, signed (a fee given back on a refund reduces it); `uncovered_*`: the
 * money and count of sales/captures without fee data, which a per-gateway estimate
 * applies to at read time (app/profit/payment-fees.server.ts).
 */
export const dailyPaymentFees = pgTable(
  "daily_payment_fees",
  {
    shopId: text("shop_id").notNull(),
    day: date("day").notNull(),
    gateway: text("gateway").notNull(),
    fees: moneyZero("fees"),
    feeTransactions: integer("fee_transactions").notNull().default(0),
    uncoveredAmount: moneyZero("uncovered_amount"),
    uncoveredTransactions: integer("uncovered_transactions").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.gateway] })],
).enableRLS();

/**
 * Orders (by placed day, as daily_orders) and units (by the sale's day, as
 * daily_totals) per shop × local day × shipping method (orders.shipping_methods).
 * `lines`: the unit-bearing sales summed; a row with no order and no line goes.
 */
export const dailyShipping = pgTable(
  "daily_shipping",
  {
    shopId: text("shop_id").notNull(),
    day: date("day").notNull(),
    method: text("method").notNull(),
    orders: integer("orders").notNull().default(0),
    units: integer("units").notNull().default(0),
    lines: integer("lines").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.day, t.method] })],
).enableRLS();

/** One bulk backfill (orders or products) and how far its ingest got. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    kind: text("kind").$type<"orders" | "products">().notNull(),
    status: text("status").$type<"requested" | "running" | "ingesting" | "completed" | "failed">().notNull(),
    bulkOperationId: text("bulk_operation_id"),
    objectCount: bigint("object_count", { mode: "number" }),
    linesProcessed: bigint("lines_processed", { mode: "number" }).notNull().default(0),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /**
     * Started with read_all_orders: the operation reads the whole history, so the
     * orders run reconciles all of it and, completed, clears shops.history_from
     * (app/sync/history.server.ts). False for runs from before it was recorded.
     */
    allOrders: boolean("all_orders").notNull().default(false),
    /** Shopify's rootObjectCount: the orders (or products) the file holds, the progress bar's whole. */
    rootObjectCount: bigint("root_object_count", { mode: "number" }),
    /** Orders (or products) staged so far, committed with each batch like lines_processed. */
    rootsProcessed: bigint("roots_processed", { mode: "number" }).notNull().default(0),
    /** When the current ingest attempt began, and at which line: its rate gives the estimate. */
    ingestStartedAt: timestamp("ingest_started_at", { withTimezone: true }),
    ingestStartedLines: bigint("ingest_started_lines", { mode: "number" }),
    /**
     * What an orders run's document read (ORDERS_LEDGER_VERSION, app/sync/queries.server.ts,
     * which the bulk start writes): 2 = with payments and shipping lines. Runs recorded
     * before migration 0040 were given 1 by it; a shop whose last completed orders run is
     * older gets the backfill of app/sync/ledger-backfill.server.ts.
     */
    ledgerVersion: smallint("ledger_version").notNull().default(2),
    /**
     * How an orders run's file reaches the ledger, decided when its ingest first starts
     * (app/sync/direct.server.ts): "direct" into a ledger that held no order (sales and
     * transactions written as the file streams), "staged" otherwise (everything staged,
     * then reconciled by finalizeRun). Null: not decided yet (or a run from before
     * migration 0041, which stays staged).
     */
    ingestMode: text("ingest_mode").$type<"direct" | "staged">(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.runId] }), index("sync_runs_bulk_idx").on(t.shopId, t.bulkOperationId)],
).enableRLS();


/**
 * Bulk results land here first, line by line, in whatever order Shopify wrote them
 * (with groupObjects:false children need not follow their parent); one set-based
 * join then moves a finished run into orders and sales. Rows are keyed by run, so
 * re-streaming a file after a crash simply skips what is already here.
 */
export const stagedOrders = pgTable(
  "staged_orders",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    orderId: id("order_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    sourceUpdatedAt: timestamp("source_updated_at", { withTimezone: true }).notNull(),
    test: boolean("test").notNull(),
    currencyCode: text("currency_code").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.orderId] })],
).enableRLS();

export const stagedAgreements = pgTable(
  "staged_agreements",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    agreementId: id("agreement_id").notNull(),
    orderId: id("order_id").notNull(),
    happenedAt: timestamp("happened_at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.agreementId] })],
).enableRLS();

export const stagedSales = pgTable(
  "staged_sales",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    saleId: id("sale_id").notNull(),
    agreementId: id("agreement_id").notNull(),
    actionType: text("action_type").notNull(),
    lineType: text("line_type").notNull(),
    quantity: integer("quantity").notNull(),
    lineItemId: id("line_item_id"),
    productId: id("product_id"),
    variantId: id("variant_id"),
    inventoryItemId: id("inventory_item_id"),
    totalAmount: moneyZero("total_amount"),
    discountAmount: moneyZero("discount_amount"),
    taxAmount: moneyZero("tax_amount"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.saleId] })],
).enableRLS();

/** A run's order transactions, already filtered and summed (orderTransactions' columns). */
export const stagedTransactions = pgTable(
  "staged_transactions",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    transactionId: id("transaction_id").notNull(),
    orderId: id("order_id").notNull(),
    kind: text("kind").notNull(),
    status: text("status").notNull(),
    gateway: text("gateway").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }).notNull(),
    amount: money("amount").notNull(),
    fee: money("fee"),
    currencyCode: text("currency_code").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.transactionId] })],
).enableRLS();

/** A run's shipping methods per order (ShippingLine.title; bulk: their own JSONL lines). */
export const stagedShippingLines = pgTable(
  "staged_shipping_lines",
  {
    shopId: text("shop_id").notNull(),
    runId: text("run_id").notNull(),
    orderId: id("order_id").notNull(),
    method: text("method").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.orderId, t.method] })],
).enableRLS();


/**
 * Saved report snapshots: the figures as they were when the report was built, so a
 * narrative, an export or a scheduled email always describes numbers that can be
 * shown again exactly.
 */
export const reports = pgTable(
  "reports",
  {
    shopId: text("shop_id").notNull(),
    reportId: text("report_id").notNull(),
    periodFrom: date("period_from").notNull(),
    periodTo: date("period_to").notNull(),
    compareFrom: date("compare_from"),
    compareTo: date("compare_to"),
    currencyCode: text("currency_code").notNull(),
    data: jsonb("data").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.reportId] }), index("reports_created_idx").on(t.shopId, t.createdAt)],
).enableRLS();

/**
 * AI (or local) narratives of saved reports (app/reports/narrate.server.ts). Several per
 * report; the newest is shown. Append-only for the app: a row is written whole, in
 * one transaction, after the model answered. `input_json` is the exact text sent to
 * the model (aggregates only, see app/reports/narrative.ts), `narrative` the validated
 * structured answer. Counted per shop-local day for the daily limit.
 */
export const reportNarratives = pgTable(
  "report_narratives",
  {
    shopId: text("shop_id").notNull(),
    narrativeId: text("narrative_id").notNull(),
    reportId: text("report_id").notNull(),
    source: text("source").$type<"anthropic" | "local">().notNull(),
    /** The model id for "anthropic"; null for a narrative written by our own code. */
    model: text("model"),
    promptVersion: text("prompt_version").notNull(),
    narrative: jsonb("narrative").notNull(),
    inputJson: text("input_json").notNull(),
    inputHash: text("input_hash").notNull(),
    inputTokens: integer("input_tokens"),
    outputTokens: integer("output_tokens"),
    latencyMs: integer("latency_ms").notNull(),
    /** Why a local narrative stands in for the model's (e.g. "invalid_output"); null otherwise. */
    fallbackReason: text("fallback_reason"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.narrativeId] }),
    index("report_narratives_report_idx").on(t.shopId, t.reportId, t.createdAt),
    index("report_narratives_created_idx").on(t.shopId, t.createdAt),
    check("report_narratives_source_check", sql`${t.source} in ('anthropic', 'local')`),
  ],
).enableRLS();

/**
 * The narrative being written for a report, at most one at a time (app/reports/
 * narrate-once.server.ts): a double-clicked "Regenerate" must not pay Claude twice.
 * One row per report, claimed by an upsert that succeeds only when the row is
 * finished or its holder's lease has run out; the holder records its outcome (the
 * narrative written, or the error) and the requests that waited answer with it.
 */
export const narrativeRequests = pgTable(
  "narrative_requests",
  {
    shopId: text("shop_id").notNull(),
    reportId: text("report_id").notNull(),
    /** The holder: a random id per request. */
    requestId: text("request_id").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true, precision: 3 }),
    narrativeId: text("narrative_id"),
    notice: text("notice"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.reportId] })],
).enableRLS();

/** Per-shop preferences (app/settings.server.ts); a shop without a row has the defaults. */
export const shopSettings = pgTable(
  "shop_settings",
  {
    shopId: text("shop_id").primaryKey(),
    narrativeDailyLimit: integer("narrative_daily_limit").notNull().default(20),
    /** Off: no report narrative is ever sent to Anthropic for this shop (app/reports/narrate.server.ts). */
    aiEnabled: boolean("ai_enabled").notNull().default(true),
    weeklyReportEnabled: boolean("weekly_report_enabled").notNull().default(false),
    /** 0 = Sunday … 6 = Saturday, in the shop's time zone. */
    weeklyReportWeekday: integer("weekly_report_weekday").notNull().default(1),
    /** Local hour 0-23 in the shop's time zone. */
    weeklyReportHour: integer("weekly_report_hour").notNull().default(8),
    /** Where the weekly report is emailed, when SMTP is configured. Optional. */
    reportEmail: text("report_email"),
    updatedBy: text("updated_by"),
    ...timestamps,
  },
  (t) => [
    check("shop_settings_limit_check", sql`${t.narrativeDailyLimit} between 1 and 100`),
    check("shop_settings_weekday_check", sql`${t.weeklyReportWeekday} between 0 and 6`),
    check("shop_settings_hour_check", sql`${t.weeklyReportHour} between 0 and 23`),
  ],
).enableRLS();

/**
 * Merchant-entered expenses for net profit (app/profit/expenses.server.ts owns them).
 * Amounts are numeric(20,4) in the currency named on the row (the shop's when it was
 * entered); dates are the shop's local calendar days. Owner-only writes, audited.
 */
export const gatewayFeeRates = pgTable(
  "gateway_fee_rates",
  {
    shopId: text("shop_id").notNull(),
    rateId: text("rate_id").notNull(),
    /** The payment gateway's name as Shopify records it on the transaction (OrderTransaction.gateway). */
    gateway: text("gateway").notNull(),
    percent: numeric("percent", { precision: 9, scale: 4 }).notNull(),
    fixedAmount: numeric("fixed_amount", { precision: 20, scale: 4 }).notNull(),
    currencyCode: text("currency_code").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    updatedBy: text("updated_by"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.rateId] }),
    uniqueIndex("gateway_fee_rates_gateway_from_idx").on(t.shopId, t.gateway, t.effectiveFrom),
    check("gateway_fee_rates_percent_check", sql`${t.percent} >= 0 and ${t.percent} <= 100`),
    check("gateway_fee_rates_fixed_check", sql`${t.fixedAmount} >= 0`),
  ],
).enableRLS();

export const shippingCostRules = pgTable(
  "shipping_cost_rules",
  {
    shopId: text("shop_id").notNull(),
    ruleId: text("rule_id").notNull(),
    /** per_order: every order; per_item: every unit; per_method_order: every order shipped by `method`. */
    kind: text("kind").$type<"per_order" | "per_item" | "per_method_order">().notNull(),
    method: text("method"),
    amount: numeric("amount", { precision: 20, scale: 4 }).notNull(),
    currencyCode: text("currency_code").notNull(),
    effectiveFrom: date("effective_from").notNull(),
    /** Inclusive; null: open-ended. */
    effectiveTo: date("effective_to"),
    updatedBy: text("updated_by"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.ruleId] }),
    check("shipping_cost_rules_kind_check", sql`${t.kind} in ('per_order', 'per_item', 'per_method_order')`),
    check("shipping_cost_rules_method_check", sql`(${t.kind} = 'per_method_order') = (${t.method} is not null)`),
    check("shipping_cost_rules_amount_check", sql`${t.amount} >= 0`),
    check("shipping_cost_rules_dates_check", sql`${t.effectiveTo} is null or ${t.effectiveTo} >= ${t.effectiveFrom}`),
  ],
).enableRLS();

export const customCosts = pgTable(
  "custom_costs",
  {
    shopId: text("shop_id").notNull(),
    costId: text("cost_id").notNull(),
    name: text("name").notNull(),
    /** monthly: `amount` every calendar month, spread over its days; one_off: once, spread over starts_on..ends_on. */
    kind: text("kind").$type<"monthly" | "one_off">().notNull(),
    amount: numeric("amount", { precision: 20, scale: 4 }).notNull(),
    currencyCode: text("currency_code").notNull(),
    startsOn: date("starts_on").notNull(),
    /** Inclusive; null: a monthly cost with no end, or a one-off on starts_on alone. */
    endsOn: date("ends_on"),
    updatedBy: text("updated_by"),
    ...timestamps,
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.costId] }),
    check("custom_costs_kind_check", sql`${t.kind} in ('monthly', 'one_off')`),
    check("custom_costs_amount_check", sql`${t.amount} >= 0`),
    check("custom_costs_dates_check", sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
  ],
).enableRLS();

/** Tables whose rows belong to one shop; RLS forced, `shop_id` first. */
export const tenantTables = {
  shops, auditEvents, auditCheckpoints, webhookDeliveries,
  products, variants, costHistory, costRecosts, orders, sales, dailyRollups, dailyOrders, dailyTotals, monthlyRollups, syncRuns,
  orderTransactions, dailyPaymentFees, dailyShipping, stagedTransactions, stagedShippingLines,
  stagedOrders, stagedAgreements, stagedSales, reports, reportNarratives, narrativeRequests, shopSettings,
  gatewayFeeRates, shippingCostRules, customCosts,
} as const;

export const nowSql = sql`now()`;

/**
 * The job queue (app/jobs/queue.server.ts): claimed with FOR UPDATE SKIP LOCKED.
 * Cross-shop infrastructure, not a tenant table: only app_system (the worker, and
 * enqueue) may touch it. `shop_id` names the shop a job is for (null for cross-shop
 * jobs); RLS is forced with a policy for app_system alone, so app_tenant sees nothing
 * even if granted (drizzle/*_jobs_grants.sql). At most one pending or running job per
 * (kind, idempotency_key).
 */
export const jobStatuses = ["pending", "running", "succeeded", "failed"] as const;
export const jobs = pgTable(
  "jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    shopId: text("shop_id"),
    status: text("status", { enum: jobStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull(),
    runAt: timestamp("run_at", { withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    // A fresh token per claim: completing with a stale token (lease lost) changes nothing.
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    idempotencyKey: text("idempotency_key"),
    // Coalesced jobs (enqueue's `coalesce`): a request that arrived while this one
    // ran; the job runs once more when it ends, instead of a second job in parallel.
    rerun: boolean("rerun").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [
    index("jobs_claim_idx").on(t.status, t.runAt),
    // The fair claim (app/jobs/claim.server.ts) reads each shop's first due jobs from here.
    index("jobs_due_idx").on(sql`coalesce(${t.shopId}, '')`, t.runAt, t.id).where(sql`status = 'pending'`),
    index("jobs_lease_idx").on(t.lockedUntil).where(sql`status = 'running'`),
    uniqueIndex("jobs_idempotency_idx").on(t.kind, t.idempotencyKey).where(sql`status in ('pending', 'running')`),
    index("jobs_shop_idx").on(t.shopId),
    // Retention of finished jobs (pruneFinishedJobs) walks them by age, in batches.
    index("jobs_finished_idx").on(t.status, t.finishedAt).where(sql`status in ('succeeded', 'failed')`),
    check("jobs_status_check", sql`${t.status} in ('pending', 'running', 'succeeded', 'failed')`),
    check("jobs_attempts_check", sql`${t.maxAttempts} >= 1 and ${t.attempts} >= 0`),
  ],
).enableRLS();
