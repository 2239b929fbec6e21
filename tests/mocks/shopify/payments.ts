/**
 * The simulator's payments: each order's OrderTransactions, and its shipping
 * method, from the same truth as its sales (the order's ORDER agreement is what the
 * customer paid; each refund agreement is what went back).
 *
 * What Shopify does, as modelled here:
 *  - A payment is a SALE (authorize and capture at once) or an AUTHORIZATION
 *    captured later by a CAPTURE; a cancellation before the capture VOIDs it
 *    (https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderTransactionKind).
 *  - `fees` are "only present for Shopify Payments transactions"
 *    (https://shopify.dev/docs/api/admin-graphql/latest/objects/OrderTransaction#field-fees):
 *    other gateways (manual, paypal) carry none.
 *  - A refund carries no fee and gives none back: "When processing a refund, no
 *    additional transaction fee is incurred. However, the original credit card
 *    transaction fee isn't refunded to you" (Help Center, Shopify Payments refunds:
 *    https://help.shopify.com/en/manual/payments/shopify-payments/getting-paid-with-shopify-payments/refunds).
 *    A test may still give a refund a returned fee (RefundSpec.returnedFee) to
 *    exercise the ledger's rule for one.
 *  - A declined attempt (status FAILURE) sometimes precedes the payment.
 *
 * Choices that are the simulator's own (gateway mix, capture mode, method) come from
 * a hash of the order id, not from the seeded random stream: adding payments left
 * every other generated figure of a seed unchanged.
 */
import { currencyDigits, formatDecimal, mulDiv } from "./money";
import { legacyId, type SimAgreement, type SimOrder, type SimStore, type SimTransaction, type SimTransactionFee } from "./store";
import { localDayKey } from "./time";

/** Shopify Payments' simulated rate: 2.9 % + a flat 30 minor units (40 for currencies without decimals). */
export const PAYMENTS_RATE_PER_MILLE = 29;
export const PAYMENTS_RATE = "0.029";

export interface PaymentSpec {
  gateway?: string;
  /** "sale" (default): captured at once; "later": authorized now, captured by capturePayment. */
  capture?: "sale" | "later";
  /** Tax charged on each fee, in minor units (Shopify's TransactionFee.taxAmount). Default 0. */
  feeTax?: number;
}

/** A deterministic number in [0, 1) from an id and a purpose (FNV-1a). */
export function hashUnit(id: string, purpose: string): number {
  let h = 0x811c9dc5;
  for (const c of `${purpose}:${id}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h / 4294967296;
}

export const SHIPPING_METHODS = [
  { title: "Standard", code: "STANDARD", weight: 0.6 },
  { title: "Express", code: "EXPRESS", weight: 0.25 },
  { title: "Local delivery", code: "LOCAL", weight: 0.15 },
] as const;

/** The shipping method of a generated order (by its id). */
export function shippingMethodFor(orderId: string): { title: string; code: string } {
  let x = hashUnit(orderId, "shipping-method");
  for (const m of SHIPPING_METHODS) {
    if (x < m.weight) return { title: m.title, code: m.code };
    x -= m.weight;
  }
  return SHIPPING_METHODS[0];
}

function gatewayFor(orderId: string): string {
  const x = hashUnit(orderId, "gateway");
  return x < 0.8 ? "shopify_payments" : x < 0.9 ? "manual" : "paypal";
}

/** Whether a generated order is authorized first and captured about a day later. */
export function capturesLater(orderId: string): boolean {
  return hashUnit(orderId, "capture") < 0.15;
}

/** When a generated order's later capture happens, after its processedAt. */
export function captureDelayMs(orderId: string): number {
  return Math.round((20 + hashUnit(orderId, "capture-delay") * 8) * 3_600_000);
}

const txId = (order: SimOrder) => `gid://shopify/OrderTransaction/${legacyId(order.id) * 100 + order.transactions.length + 1}`;

function fees(order: SimOrder, t: { id: string; gateway: string; amount: number }, currencyCode: string, feeTax: number): SimTransactionFee[] {
  if (t.gateway !== "shopify_payments") return [];
  const flatFee = currencyDigits(currencyCode) === 0 ? 40 : 30;
  const amount = mulDiv(t.amount, PAYMENTS_RATE_PER_MILLE, 1000) + flatFee;
  return [{ id: `gid://shopify/TransactionFee/${legacyId(t.id) * 10 + 1}`, amount, flatFee, rate: PAYMENTS_RATE, type: "payment", taxAmount: feeTax }];
}

function push(order: SimOrder, t: Omit<SimTransaction, "id" | "createdAt" | "fees">, currencyCode: string, feeTax = 0, feeList?: SimTransactionFee[]): SimTransaction {
  const id = txId(order);
  const full: SimTransaction = {
    ...t,
    id,
    createdAt: t.processedAt,
    fees: feeList ?? (t.status === "SUCCESS" && (t.kind === "SALE" || t.kind === "CAPTURE") ? fees(order, { id, ...t }, currencyCode, feeTax) : []),
  };
  order.transactions.push(full);
  return full;
}

/** What the customer paid at checkout: the ORDER agreement's sales. */
const paidAtCheckout = (order: SimOrder) => (order.agreements[0]?.sales ?? []).reduce((a, s) => a + s.total, 0);

/** The order's payment at checkout (after buildOrder made its ORDER agreement). */
export function openPayment(order: SimOrder, currencyCode: string, spec: PaymentSpec = {}, random = true): void {
  const amount = paidAtCheckout(order);
  if (amount <= 0) return;
  const gateway = spec.gateway ?? (random ? gatewayFor(order.id) : "shopify_payments");
  const later = spec.capture ? spec.capture === "later" : random && capturesLater(order.id);
  if (random && hashUnit(order.id, "declined") < 0.03) {
    const at = new Date(Date.parse(order.processedAt) - 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    push(order, { kind: "SALE", status: "FAILURE", gateway, processedAt: at, amount }, currencyCode);
  }
  const payment = push(order, { kind: later ? "AUTHORIZATION" : "SALE", status: "SUCCESS", gateway, processedAt: order.processedAt, amount }, currencyCode, spec.feeTax ?? 0);
  if (spec.feeTax) payment.feeTax = spec.feeTax;
}

const succeeded = (order: SimOrder, kind: SimTransaction["kind"]) => order.transactions.filter((t) => t.status === "SUCCESS" && t.kind === kind);
const total = (ts: SimTransaction[]) => ts.reduce((a, t) => a + t.amount, 0);

/** Captures an open authorization at `at` (ISO); false when there is none. */
export function capturePayment(order: SimOrder, currencyCode: string, at: string): boolean {
  const auth = succeeded(order, "AUTHORIZATION")[0];
  if (!auth || succeeded(order, "CAPTURE").length > 0 || succeeded(order, "VOID").length > 0) return false;
  push(order, { kind: "CAPTURE", status: "SUCCESS", gateway: auth.gateway, processedAt: at, amount: auth.amount }, currencyCode, auth.feeTax ?? 0);
  return true;
}

/**
 * The money a refund agreement gave back: a REFUND of what was captured (no fee,
 * or `returnedFee` given back), or a VOID of an authorization never captured.
 */
export function refundPayment(order: SimOrder, agreement: SimAgreement, currencyCode: string, returnedFee?: number): void {
  const captured = total(succeeded(order, "SALE")) + total(succeeded(order, "CAPTURE"));
  const auth = succeeded(order, "AUTHORIZATION")[0];
  if (captured === 0) {
    if (auth && succeeded(order, "VOID").length === 0) {
      push(order, { kind: "VOID", status: "SUCCESS", gateway: auth.gateway, processedAt: agreement.happenedAt, amount: auth.amount }, currencyCode);
    }
    return;
  }
  const left = captured - total(succeeded(order, "REFUND"));
  const amount = Math.min(left, -agreement.sales.reduce((a, s) => a + s.total, 0));
  if (amount <= 0) return;
  const gateway = (succeeded(order, "SALE")[0] ?? succeeded(order, "CAPTURE")[0])!.gateway;
  const id = txId(order);
  const returned: SimTransactionFee[] = returnedFee
    ? [{ id: `gid://shopify/TransactionFee/${legacyId(id) * 10 + 1}`, amount: returnedFee, flatFee: 0, rate: "0", type: "payment_refund", taxAmount: 0 }]
    : [];
  push(order, { kind: "REFUND", status: "SUCCESS", gateway, processedAt: agreement.happenedAt, amount }, currencyCode, 0, returned);
}

// ---------------------------------------------------------------------------
// Truth: what the ledger's daily_payment_fees and daily_shipping must hold,
// computed from the simulated orders directly (non-test orders, shop-local days).

export interface FeeDayTruth { day: string; gateway: string; fees: string; feeTransactions: number; uncoveredAmount: string; uncoveredTransactions: number }
export interface ShippingDayTruth { day: string; method: string; orders: number; units: number }

export function paymentFeeTruth(store: SimStore): FeeDayTruth[] {
  const tz = store.shop.ianaTimezone;
  const currency = store.shop.currencyCode;
  const rows = new Map<string, { day: string; gateway: string; fees: number; feeTransactions: number; uncovered: number; uncoveredTransactions: number }>();
  for (const order of store.orders) {
    if (order.test) continue;
    for (const t of order.transactions) {
      if (t.status !== "SUCCESS" || !["SALE", "CAPTURE", "REFUND"].includes(t.kind)) continue;
      const day = localDayKey(t.processedAt, tz);
      const key = `${day}|${t.gateway}`;
      const row = rows.get(key) ?? { day, gateway: t.gateway, fees: 0, feeTransactions: 0, uncovered: 0, uncoveredTransactions: 0 };
      rows.set(key, row);
      const fee = t.fees.reduce((a, f) => a + f.amount + f.taxAmount, 0);
      if (t.kind === "REFUND") {
        row.fees -= fee;
        row.feeTransactions++;
      } else if (t.fees.length > 0) {
        row.fees += fee;
        row.feeTransactions++;
      } else {
        row.uncovered += t.amount;
        row.uncoveredTransactions++;
      }
    }
  }
  return [...rows.values()]
    .map((r) => ({ day: r.day, gateway: r.gateway, fees: formatDecimal(r.fees, currency), feeTransactions: r.feeTransactions, uncoveredAmount: formatDecimal(r.uncovered, currency), uncoveredTransactions: r.uncoveredTransactions }))
    .sort((a, b) => (a.day + a.gateway < b.day + b.gateway ? -1 : 1));
}

export function shippingTruth(store: SimStore): ShippingDayTruth[] {
  const tz = store.shop.ianaTimezone;
  const rows = new Map<string, ShippingDayTruth>();
  const rowFor = (day: string, method: string) => {
    const key = `${day}|${method}`;
    const row = rows.get(key) ?? { day, method, orders: 0, units: 0 };
    rows.set(key, row);
    return row;
  };
  for (const order of store.orders) {
    if (order.test) continue;
    const methods = [...new Set(order.shippingLines.map((l) => l.title))];
    for (const method of methods) {
      rowFor(localDayKey(order.processedAt, tz), method).orders++;
      for (const agreement of order.agreements) {
        for (const sale of agreement.sales) {
          if (sale.lineType !== "PRODUCT" || !sale.quantity) continue;
          rowFor(localDayKey(agreement.happenedAt, tz), method).units += sale.quantity;
        }
      }
    }
  }
  return [...rows.values()].filter((r) => r.orders !== 0 || r.units !== 0).sort((a, b) => (a.day + a.method < b.day + b.method ? -1 : 1));
}
