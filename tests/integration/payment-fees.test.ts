/**
 * Payment fees and shipping volumes, synced from the simulator (bulk, then live
 * webhooks and order re-reads), read through the doors net profit uses
 * (app/profit/payment-fees.server.ts, app/profit/shipping-volume.server.ts):
 *  - a fee is booked on the local day of its transaction, not of the order
 *    (placed late one evening, captured the next day; refunded days later);
 *  - a refund gives no fee back unless Shopify reports one (then it reduces the day);
 *  - payments without fee data (manual) are counted as uncovered, money and count;
 *  - duplicate deliveries and repeated re-reads converge; the live rollups equal a
 *    full rebuild and the truth; another shop's rows never move.
 */
import Big from "big.js";
import { sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { withShop } from "~/db/tenant.server";
import { loadOrderTransactions, loadPaymentFeeDays } from "~/profit/payment-fees.server";
import { loadShippingDays } from "~/profit/shipping-volume.server";
import { syncOrder } from "~/sync/orders.server";
import { rebuildAllRollups } from "~/sync/rollups.server";

import { addStore, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { expectPaymentsEqualTruth, settle as settleJobs } from "../ledger-truth";
import { mswServer } from "../mocks/msw-server";
import { seedStore } from "../mocks/shopify/seed";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import type { SimOrder, SimStore } from "../mocks/shopify/store";

import "~/sync/jobs.server";

const TZ = "America/Los_Angeles";
const END = new Date("2026-11-10T20:00:00Z");
// After the seeded history: days that hold only the orders placed below.
const EVENING = new Date("2026-11-20T07:30:00Z"); // 2026-11-19 23:30 in Los Angeles
const NEXT_MORNING = new Date("2026-11-20T18:00:00Z"); // 2026-11-20 10:00
const DAYS_LATER = new Date("2026-11-24T19:00:00Z"); // 2026-11-24 11:00

let simulator: ShopifySimulator;
let shop: string;
let other: string;
let store: SimStore;

const dump = (s: string) => withShop(s, async (tx) => ({
  transactions: await queryRows(tx, sql`select * from order_transactions where shop_id = ${s} order by transaction_id`),
  fees: await queryRows(tx, sql`select * from daily_payment_fees where shop_id = ${s} order by day, gateway`),
  shipping: await queryRows(tx, sql`select * from daily_shipping where shop_id = ${s} order by day, method`),
}));
const orderNumber = (o: SimOrder) => o.id.slice(o.id.lastIndexOf("/") + 1);
/** USD minor units as the door's numeric text (4 places), and its 2-place form. */
const money = (minor: number) => new Big(minor).div(100).toFixed(2);
const numeric = (minor: number) => new Big(minor).div(100).toFixed(4);
const cents = (text: string) => new Big(text).toFixed(2);

beforeAll(async () => {
  simulator = startSimulator({ autoCompleteBulk: true });
  shop = newShop("fees");
  other = newShop("fees-other");
  store = addStore(simulator, shop, { ianaTimezone: TZ, currencyCode: "USD" });
  seedStore(store, { seed: 21, orders: 300, days: 20, end: END });
  seedStore(addStore(simulator, other, { ianaTimezone: "Europe/Berlin", currencyCode: "EUR" }), { seed: 22, orders: 150, days: 20, end: END });
  for (const s of [shop, other]) {
    await install(simulator, s);
    await settleJobs(simulator, s);
  }
}, 240_000);
// One simulator for the file: its handlers again for each test (the setup resets them after each).
beforeEach(() => mswServer.use(...simulator.handlers));

describe("payment fees and shipping volumes", () => {
  it("backfills transactions and methods equal to the simulator's truth (bulk)", async () => {
    const { feeDays, shippingDays } = await expectPaymentsEqualTruth(shop, store);
    expect(feeDays).toBeGreaterThan(20);
    expect(shippingDays).toBeGreaterThan(20);
    const days = await withShop(shop, (tx) => loadPaymentFeeDays(tx, shop, [{ from: "2026-10-01", to: "2026-11-30" }]));
    // Most orders pay through Shopify Payments (with fees); some through gateways without fee data.
    expect(days.some((d) => d.gateway === "shopify_payments" && d.feeTransactions > 0 && Number(d.fees) > 0)).toBe(true);
    expect(days.some((d) => d.uncoveredTransactions > 0 && Number(d.uncoveredAmount) > 0)).toBe(true);
  });

  it("books each fee on its transaction's local day, refunds keep the fee unless one is given back, manual payments are uncovered", async () => {
    const otherBefore = await dump(other);
    const variant = store.products[0]!.variants[0]!;
    // Placed at 23:30 local, authorized; captured the next morning; partly refunded four days later.
    const { order: card } = await simulator.placeOrder(shop, { lines: [{ variantId: variant.id, quantity: 2 }], shipping: 990, shippingMethod: "Express", payment: { gateway: "shopify_payments", capture: "later", feeTax: 7 } }, { at: EVENING });
    await simulator.capturePayment(shop, card.id, { at: NEXT_MORNING, duplicate: 1 });
    await simulator.refundOrder(shop, card.id, { lines: [{ lineItemId: card.lineItems[0]!.id, quantity: 1 }], shipping: false }, { at: DAYS_LATER });
    // Paid manually the same evening: no fee data, its money is uncovered.
    const { order: cash } = await simulator.placeOrder(shop, { lines: [{ variantId: variant.id, quantity: 1 }], shipping: 500, shippingMethod: "Standard", payment: { gateway: "manual" } }, { at: EVENING });
    // Refunded with a fee given back (Shopify Payments does not; the ledger's rule for one that does).
    const { order: returned } = await simulator.placeOrder(shop, { lines: [{ variantId: variant.id, quantity: 1 }], shipping: null, payment: { gateway: "shopify_payments" } }, { at: NEXT_MORNING });
    await simulator.refundOrder(shop, returned.id, { lines: [{ lineItemId: returned.lineItems[0]!.id, quantity: 1 }], returnedFee: 12 }, { at: DAYS_LATER, duplicate: 2 });
    await settleJobs(simulator, shop);

    const capture = card.transactions.find((t) => t.kind === "CAPTURE")!;
    const cardRefund = card.transactions.find((t) => t.kind === "REFUND")!;
    const sale = returned.transactions.find((t) => t.kind === "SALE")!;
    const saleRefund = returned.transactions.find((t) => t.kind === "REFUND")!;
    expect(saleRefund.fees.map((f) => f.amount)).toEqual([12]);
    const manual = cash.transactions.find((t) => t.kind === "SALE")!;
    expect(capture.fees[0]!.amount).toBeGreaterThan(0);
    expect(cardRefund.fees).toEqual([]);

    const days = await withShop(shop, (tx) => loadPaymentFeeDays(tx, shop, [{ from: "2026-11-19", to: "2026-11-19" }, { from: "2026-11-20", to: "2026-11-30" }]));
    const byKey = new Map(days.map((d) => [`${d.day} ${d.gateway}`, d]));
    // The evening of the 19th: the card was only authorized (no money, no fee); the cash order is uncovered.
    expect(byKey.has("2026-11-19 shopify_payments")).toBe(false);
    expect(byKey.get("2026-11-19 manual")).toMatchObject({ fees: "0.0000", feeTransactions: 0, uncoveredTransactions: 1 });
    expect(cents(byKey.get("2026-11-19 manual")!.uncoveredAmount)).toBe(money(manual.amount));
    // The 20th: the capture's fee (with the tax on it) and the second order's sale fee, nothing uncovered.
    const on20 = byKey.get("2026-11-20 shopify_payments")!;
    expect(cents(on20.fees)).toBe(money(capture.fees[0]!.amount + 7 + sale.fees[0]!.amount));
    expect(on20).toMatchObject({ feeTransactions: 2, uncoveredAmount: "0.0000", uncoveredTransactions: 0 });
    // The 24th: two refunds; the card's keeps its fee (0), the other gives 0.12 back.
    const on24 = byKey.get("2026-11-24 shopify_payments")!;
    expect(on24).toMatchObject({ fees: "-0.1200", feeTransactions: 2, uncoveredTransactions: 0 });
    expect(days.map((d) => d.day).every((d) => d >= "2026-11-19" && d <= "2026-11-30")).toBe(true);

    // One order's transactions, for the admin block: the money that moved, not the authorization.
    const rows = await withShop(shop, (tx) => loadOrderTransactions(tx, shop, orderNumber(card)));
    expect(rows).toEqual([
      { id: String(Number(capture.id.split("/").pop())), kind: "CAPTURE", gateway: "shopify_payments", processedAt: "2026-11-20T18:00:00.000Z", amount: numeric(capture.amount), fee: numeric(capture.fees[0]!.amount + 7) },
      { id: String(Number(cardRefund.id.split("/").pop())), kind: "REFUND", gateway: "shopify_payments", processedAt: "2026-11-24T19:00:00.000Z", amount: numeric(cardRefund.amount), fee: "0.0000" },
    ]);
    const cashRows = await withShop(shop, (tx) => loadOrderTransactions(tx, shop, orderNumber(cash)));
    expect(cashRows.map((r) => r.fee)).toEqual([null]);
    await expect(withShop(shop, (tx) => loadOrderTransactions(tx, shop, "1; drop table x"))).rejects.toThrow(/not an order id/);

    // Shipping by method on the placed day; units as sold (the refund's unit on its own day).
    const shipping = await withShop(shop, (tx) => loadShippingDays(tx, shop, [{ from: "2026-11-19", to: "2026-11-30" }]));
    expect(shipping).toEqual([
      { day: "2026-11-19", method: "Express", orders: 1, units: 2 },
      { day: "2026-11-19", method: "Standard", orders: 1, units: 1 },
      { day: "2026-11-24", method: "Express", orders: 0, units: -1 },
    ]);

    await expectPaymentsEqualTruth(shop, store);
    expect(await dump(other)).toEqual(otherBefore);
  });

  it("re-reads converge (duplicates change nothing) and the live rollups equal a full rebuild", async () => {
    const before = await dump(shop);
    const ids = store.orders.slice(-3).map(orderNumber);
    for (const id of [...ids, ...ids]) expect(await syncOrder(shop, id)).toBe("applied");
    expect(await dump(shop)).toEqual(before);
    await withShop(shop, (tx) => rebuildAllRollups(tx, shop, TZ));
    expect(await dump(shop)).toEqual(before);
  });

  it("a re-read replaces the order's transactions: one Shopify no longer reports leaves the ledger and its day", async () => {
    const order = store.orders.find((o) => o.transactions.some((t) => t.kind === "REFUND" && t.status === "SUCCESS") && !o.test)!;
    const refund = order.transactions.find((t) => t.kind === "REFUND")!;
    // The refund transaction turns out to have failed (Shopify's answer changes; the order is newer).
    refund.status = "FAILURE";
    order.updatedAt = new Date(Date.parse(order.updatedAt) + 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(await syncOrder(shop, orderNumber(order))).toBe("applied");
    const held = await withShop(shop, (tx) => loadOrderTransactions(tx, shop, orderNumber(order)));
    expect(held.map((t) => t.kind)).not.toContain("REFUND");
    await expectPaymentsEqualTruth(shop, store);
    const live = await dump(shop);
    await withShop(shop, (tx) => rebuildAllRollups(tx, shop, TZ));
    expect(await dump(shop)).toEqual(live);
  });
});
