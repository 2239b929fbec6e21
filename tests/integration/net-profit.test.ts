/**
 * Net profit through the built app (issue 14): Shopify's fees on their day, the
 * merchant's rate only on transactions without fee data (an estimate, labelled), shipping
 * rules on the days they cover, custom costs spread per local day (a DST day is one day),
 * exact to the cent on the dashboard, the CSV, a saved snapshot and the narrative input;
 * and the Expenses page: owner-only, audited, bad input saves nothing, other shops untouched.
 */
import Big from "big.js";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, customCosts, dailyPaymentFees, dailyShipping, gatewayFeeRates, reports, shippingCostRules } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { buildReport, loadSavedReport, type ReportData } from "~/reports/build.server";
import type { NarrativeInput, NarrativeResponse } from "~/reports/narrative";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { parseCsv } from "../csv";
import { newShop } from "../factories";
import { mockOnlineTokenExchange } from "../mocks/online-token";
import { seedSales } from "../report-fixtures";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";
import { decodeSingleFetch } from "../single-fetch";

const OWNER = "1";
const STAFF = "42";
const WEEK = "from=2026-03-01&to=2026-03-07";

beforeEach(() => {
  const simulator = startSimulator();
  state.simulator = simulator;
  mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
});
const state = {} as { simulator: ReturnType<typeof startSimulator> };
const request = async (r: Request) => (await appHandler())(r);

async function installShop(shop: string, ianaTimezone = "America/New_York") {
  addStore(state.simulator, shop, { currencyCode: "USD", ianaTimezone });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) });
  const response = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  if (response.status !== 200) throw new Error(`install failed: ${response.status}`);
  // Read to its end: an unread streaming render is aborted (and logged) later, mid-test.
  await response.text();
}

type ActionData = { ok: boolean; id?: string; operation?: string; message?: string; fieldErrors?: Record<string, string> };
async function post(shop: string, values: Record<string, string>, userId = OWNER): Promise<{ status: number; data: ActionData }> {
  const response = await request(bearerRequest(shop, "/app/expenses.data", { method: "POST", token: idToken(shop, { userId }), body: new URLSearchParams(values) }));
  const { value } = await decodeSingleFetch(response);
  return { status: response.status, data: (value as { data: ActionData }).data };
}
const saved = async (shop: string, values: Record<string, string>) => {
  const r = await post(shop, values);
  expect(r, JSON.stringify(r.data)).toMatchObject({ status: 200, data: { ok: true } });
  return r.data.id!;
};

/**
 * seedSales' week (gross profit 75.00; the week before 56.00), with Shopify's fees,
 * uncovered transactions and shipping volumes per day, and the merchant's expenses.
 */
async function seedNetProfit(shop: string) {
  await installShop(shop);
  await seedSales(shop);
  await withShop(shop, async (tx) => {
    const fee = (day: string, gateway: string, fees: string, feeTransactions: number, uncoveredAmount = "0", uncoveredTransactions = 0) =>
      ({ shopId: shop, day, gateway, fees, feeTransactions, uncoveredAmount, uncoveredTransactions });
    await tx.insert(dailyPaymentFees).values([
      fee("2026-03-01", "shopify_payments", "3.50", 2),
      fee("2026-03-02", "shopify_payments", "-0.60", 1), // a fee given back on a refund
      fee("2026-03-02", "paypal", "0", 0, "50.00", 1), // no fee data: the rate applies
      fee("2026-03-05", "manual", "0", 0, "40.00", 1), // no fee data and no rate: unknown
      fee("2026-02-25", "shopify_payments", "2.40", 2),
      fee("2026-03-08", "shopify_payments", "100.00", 1), // outside the week
    ]);
    const ship = (day: string, method: string, orders: number, units: number) => ({ shopId: shop, day, method, orders, units, lines: units });
    await tx.insert(dailyShipping).values([
      ship("2026-03-01", "Standard", 1, 2), ship("2026-03-01", "Express", 1, 0), ship("2026-03-02", "Standard", 1, 1),
      ship("2026-03-05", "Standard", 1, 4), ship("2026-02-25", "Express", 2, 2),
    ]);
  });
  await saved(shop, { intent: "save-rate", gateway: "paypal", percent: "3.49", fixedAmount: "0.49", effectiveFrom: "2026-01-01" });
  // Partly covering the week: from its second day on.
  await saved(shop, { intent: "save-shipping", kind: "per_order", amount: "2.00", effectiveFrom: "2026-03-02" });
  await saved(shop, { intent: "save-shipping", kind: "per_method_order", method: "express", amount: "5.00", effectiveFrom: "2026-01-01", effectiveTo: "2026-03-01" });
  await saved(shop, { intent: "save-custom", name: "Apps", kind: "monthly", amount: "310.00", startsOn: "2026-01-01" });
  await saved(shop, { intent: "save-custom", name: "Trade fair", kind: "one_off", amount: "100", startsOn: "2026-03-06", endsOn: "2026-03-09" });
}

async function dashboardReport(shop: string, query: string): Promise<ReportData> {
  const { value } = await decodeSingleFetch(await request(bearerRequest(shop, `/app.data?${query}`)));
  return (value as Record<string, { data: { report: ReportData } }>)["routes/app._index"]!.data.report;
}

const money = (v: string | undefined) => new Big(v ?? "NaN");

describe("net profit", () => {
  it("is gross profit − payment fees − shipping − custom costs, to the cent, on every surface", async () => {
    const shop = newShop("netprofit");
    await seedNetProfit(shop);
    const report = await dashboardReport(shop, WEEK);

    // Fees: 3.50 − 0.60 from Shopify; PayPal 50.00 × 3.49% + 0.49 = 2.235 → 2.24 estimated; "manual" unknown.
    // Shipping: 1 Express order on 1 March (5.00), then 2.00 × 1 order on the 2nd and the 5th.
    // Custom: Apps 310 / 31 days × 7 = 70.00, the fair 100 / 4 days × 2 = 50.00.
    expect(report.current).toMatchObject({
      grossProfit: "75.00", paymentFeesActual: "2.90", paymentFeesEstimated: "2.24", paymentFees: "5.14", unratedTransactions: 1,
      shippingCosts: "9.00", customCosts: "120.00", netProfit: "-59.14",
    });
    // The week before: 2.40 of fees, 2 Express orders (10.00), February's Apps 310 / 28 × 7 = 77.50.
    expect(report.previous).toMatchObject({ grossProfit: "56.00", paymentFees: "2.40", paymentFeesEstimated: "0.00", shippingCosts: "10.00", customCosts: "77.50", netProfit: "-33.90" });
    expect(report.changes).toMatchObject({ netProfit: "-74.45", paymentFees: "114.17", shippingCosts: "-10.00", customCosts: "54.84" });
    const c = report.current;
    expect(money(c.grossProfit).minus(c.paymentFees!).minus(c.shippingCosts!).minus(c.customCosts!).toFixed(2)).toBe(c.netProfit);
    // Per day: 1 March = 60.00 − 3.50 − 5.00 − 10.00; 6 March, no sales = −(10.00 + 25.00).
    expect(report.series.find((p) => p.day === "2026-03-01")?.netProfit).toBe("41.50");
    expect(report.series.find((p) => p.day === "2026-03-06")?.netProfit).toBe("-35.00");

    // The card says net profit includes estimates and how it is made.
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), from: "2026-03-01", to: "2026-03-07" });
    const html = (await (await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }))).text()).replace(/<!-- -->/g, "");
    const card = html.slice(html.indexOf('data-testid="kpi-netProfit"'), html.indexOf("</section>", html.indexOf('data-testid="kpi-netProfit"')));
    expect(card).toContain("-$59.14");
    expect(card).toContain("Includes estimates");
    expect(card).toContain("Gross profit − $5.14 payment fees − $9.00 shipping costs − $120.00 custom costs");
    expect(html).toContain("1 transaction has no fee data and no rate for its gateway");

    // The CSV: the same figures and the daily column.
    const csv = parseCsv(await (await request(bearerRequest(shop, `/app/reports/export?${WEEK}`))).text());
    const row = (label: string) => csv.find((r) => r[0]?.startsWith(label));
    expect(row("Net profit")?.slice(1, 4)).toEqual(["-59.14", "-33.90", "-74.45"]);
    expect(row("Payment fees estimated")?.[1]).toBe("2.24");
    expect(csv.find((r) => r[0] === "2026-03-01")?.[5]).toBe("41.50");

    // A saved snapshot and the narrative's input (v4): the same figures, and what moved net profit.
    const range = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" as const };
    const { reportId } = await buildReport(shop, range, "USD", { type: "staff", id: OWNER });
    const saved = (await loadSavedReport(shop, reportId))!.data;
    expect(saved.current).toMatchObject({ netProfit: "-59.14", paymentFeesEstimated: "2.24" });
    // Both periods' figures of either period's top products (a product that sold nothing in one is 0 there).
    expect([...saved.productMoves!].sort((a, b) => a.productId.localeCompare(b.productId))).toEqual([
      { productId: "101", title: "Linen Shirt", netSales: "90.00", units: 2, previousNetSales: "80.00", previousUnits: 2 },
      { productId: "102", title: "Wool Scarf", netSales: "30.00", units: 1, previousNetSales: "0.00", previousUnits: 0 },
      { productId: "103", title: "Stoneware Mug", netSales: "40.00", units: 4, previousNetSales: "0.00", previousUnits: 0 },
    ]);
    const narrated = (await (await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams({ mode: "local" }) }))).json()) as NarrativeResponse;
    expect(narrated.ok).toBe(true);
    const input = JSON.parse(narrated.ok ? narrated.narrative!.inputJson : "{}") as NarrativeInput;
    expect(input.inputVersion).toBe(4);
    expect(input.metrics).toMatchObject({ netProfit: "-59.14", paymentFees: "5.14", shippingCosts: "9.00", customCosts: "120.00" });
    expect(input.netProfitDrivers).toEqual({
      netProfitChange: "-25.24",
      effects: { grossProfit: "19.00", paymentFees: "-2.74", shippingCosts: "1.00", customCosts: "-42.50" },
      largest: "customCosts",
    });
    // The drivers: net profit's parts ranked, adding up to its change; every product is a
    // small cell (fewer than 5 units), so none is named and the whole change is "the rest".
    expect(input.drivers!.netProfit).toMatchObject({
      change: "-25.24",
      parts: [{ driver: "customCosts", effect: "-42.50" }, { driver: "grossProfit", effect: "19.00" }, { driver: "paymentFees", effect: "-2.74" }, { driver: "shippingCosts", effect: "1.00" }],
    });
    expect(input.drivers!.products).toEqual({ moved: [], restChange: input.drivers!.netSales.change });
    expect(narrated.ok ? narrated.narrative!.inputJson : "").not.toMatch(/Wool Scarf|Stoneware Mug/);
    // These days' net profit swings by far more than −$25.24 (the fair's days, the fees' days): the change is
    // within the noise band, and the local writer says so instead of telling a story of custom costs.
    expect(input.drivers!.netProfit).toMatchObject({ noiseBand: "193.66", withinNoise: true });
    const netInsight = (narrated.ok ? narrated.narrative!.narrative : null)?.insights.find((i) => i.metric === "netProfitDrivers")?.text ?? "";
    expect(netInsight).toMatch(/^Net profit was -\$59\.14.*That change is within normal day-to-day variation \(day-to-day swings alone would move it by up to \$193\.66\)\.$/);
    expect(netInsight).not.toContain("biggest mover");
  });

  it("books a DST day as one day of a month's spread, and leaves out expenses in another currency", async () => {
    const shop = newShop("netdst");
    await seedNetProfit(shop);
    // Entered before a currency change (USD → EUR → back): not in the shop's currency, not applied.
    await withShop(shop, (tx) => tx.insert(customCosts).values({ shopId: shop, costId: "00000000-0000-4000-8000-000000000001", name: "Old rent", kind: "monthly", amount: "9999", currencyCode: "EUR", startsOn: "2026-01-01" }));
    // 8 March 2026 is 23 hours long in New York: still 310 / 31 of the month's apps.
    const report = await dashboardReport(shop, "from=2026-03-08&to=2026-03-09&compare=none");
    // 700.00 gross profit on the 8th − 100.00 fees − (10 + 10) apps − (25 + 25) of the fair.
    expect(report.current).toMatchObject({ grossProfit: "700.00", paymentFees: "100.00", customCosts: "70.00", shippingCosts: "0.00", netProfit: "530.00" });
    expect(report.series.map((p) => p.netProfit)).toEqual(["565.00", "-35.00"]);
  });
});

describe("a report saved before net profit", () => {
  it("still renders, exports and narrates, without net profit figures", async () => {
    const shop = newShop("netold");
    await seedNetProfit(shop);
    const range = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" as const };
    const { data } = await buildReport(shop, range, "USD", { type: "staff", id: OWNER });
    // The snapshot as the app saved it before net profit existed: no such keys anywhere.
    const strip = <T extends object>(m: T) => Object.fromEntries(Object.entries(m).filter(([k]) => !/^(paymentFees|unrated|shippingCosts|customCosts|netProfit)/.test(k)));
    const old = { ...data, current: strip(data.current), previous: strip(data.previous!), series: data.series.map((p) => strip(p)) };
    const reportId = crypto.randomUUID();
    await withShop(shop, (tx) => tx.insert(reports).values({ shopId: shop, reportId, periodFrom: "2026-03-01", periodTo: "2026-03-07", compareFrom: "2026-02-22", compareTo: "2026-02-28", currencyCode: "USD", data: old, createdBy: `staff:${OWNER}` }));

    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
    const pageResponse = await request(new Request(`${TEST_APP_URL}/app/reports/${reportId}?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
    expect(pageResponse.status).toBe(200);
    const html = (await pageResponse.text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Gross profit (net sales with cost − cost of goods sold)");
    expect(html).not.toContain("Net profit");
    const csv = parseCsv(await (await request(bearerRequest(shop, `/app/reports/export?reportId=${reportId}`))).text());
    expect(csv.find((r) => r[0] === "Gross profit (net sales with cost - cost of goods sold)")?.[1]).toBe("75.00");
    expect(csv.some((r) => r[0]?.startsWith("Net profit") || r[0]?.startsWith("Payment fees"))).toBe(false);
    const narrated = (await (await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams({ mode: "local" }) }))).json()) as NarrativeResponse;
    expect(narrated.ok).toBe(true);
    const input = JSON.parse(narrated.ok ? narrated.narrative!.inputJson : "{}") as NarrativeInput;
    expect(input.metrics).not.toHaveProperty("netProfit");
    expect(input.netProfitDrivers).toBeNull();
    expect(input.drivers).toMatchObject({ netProfit: null });
  });
});

describe("the Expenses page", () => {
  const count = (shop: string) => asSystem("test: expenses", async (tx) => ({
    rates: (await tx.select().from(gatewayFeeRates).where(eq(gatewayFeeRates.shopId, shop))).length,
    rules: (await tx.select().from(shippingCostRules).where(eq(shippingCostRules.shopId, shop))).length,
    costs: (await tx.select().from(customCosts).where(eq(customCosts.shopId, shop))).length,
  }));
  const events = (shop: string) => asSystem("test: events", (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "expenses.updated"))));

  it("lets the owner add, edit and delete (each audited), lists the gateways seen, and touches no other shop", async () => {
    const shop = newShop("exp");
    const other = newShop("expother");
    await installShop(shop);
    await installShop(other);
    const theirs = await saved(other, { intent: "save-custom", name: "Their rent", kind: "monthly", amount: "500", startsOn: "2026-01-01" });
    // Two days ago, not UTC's today: between UTC midnight and the shop's, that day is still
    // ahead of the shop's clock and outside the page's window (this failed at 04:30 UTC).
    await withShop(shop, (tx) => tx.insert(dailyPaymentFees).values({ shopId: shop, day: new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10), gateway: "paypal", fees: "0", feeTransactions: 0, uncoveredAmount: "20", uncoveredTransactions: 2 }));

    const id = await saved(shop, { intent: "save-rate", gateway: "paypal", percent: "2.9", fixedAmount: "0.30", effectiveFrom: "2026-01-01" });
    expect((await post(shop, { intent: "save-rate", id, gateway: "paypal", percent: "3.1", fixedAmount: "0.30", effectiveFrom: "2026-01-01" })).data).toMatchObject({ ok: true, operation: "updated" });
    const page = await request(bearerRequest(shop, "/app/expenses.data", { token: idToken(shop, { userId: OWNER }) }));
    const data = ((await decodeSingleFetch(page)).value as Record<string, { data: { owner: boolean; currencyCode: string; expenses: { rates: Array<{ percent: string }> }; seen: { gateways: unknown[] } } }>)["routes/app.expenses"]!.data;
    expect(data).toMatchObject({ owner: true, currencyCode: "USD", expenses: { rates: [{ percent: "3.1" }] }, seen: { gateways: [{ gateway: "paypal", transactions: 2, uncoveredTransactions: 2 }] } });
    expect((await post(shop, { intent: "delete-rate", id })).data).toMatchObject({ ok: true, operation: "deleted" });
    expect(await count(shop)).toEqual({ rates: 0, rules: 0, costs: 0 });

    const audited = await events(shop);
    expect(audited.map((e) => e.meta)).toEqual([
      { entity: "rate", operation: "created", currency: "USD" }, { entity: "rate", operation: "updated", currency: "USD" }, { entity: "rate", operation: "deleted", currency: "USD" },
    ]);
    expect(audited.every((e) => e.actorType === "staff" && e.actorId === OWNER && e.target === id)).toBe(true);

    // Another shop's entry cannot be edited or deleted from this shop (its id is unknown here).
    expect((await post(shop, { intent: "delete-custom", id: theirs })).status).toBe(404);
    expect((await post(shop, { intent: "save-custom", id: theirs, name: "Hijack", kind: "monthly", amount: "1", startsOn: "2026-01-01" })).status).toBe(404);
    expect(await count(other)).toEqual({ rates: 0, rules: 0, costs: 1 });
    const [kept] = await asSystem("test", (tx) => tx.select().from(customCosts).where(eq(customCosts.costId, theirs)));
    expect(kept).toMatchObject({ shopId: other, name: "Their rent", amount: "500.0000" });
    expect(await events(other)).toHaveLength(1);
  });

  it("refuses staff who are not the owner (403), and bad input with field errors: nothing saved, nothing audited", async () => {
    const shop = newShop("expbad");
    await installShop(shop);
    expect((await post(shop, { intent: "save-custom", name: "Apps", kind: "monthly", amount: "10", startsOn: "2026-01-01" }, STAFF)).status).toBe(403);

    const bad = await post(shop, { intent: "save-rate", gateway: "", percent: "101", fixedAmount: "-1", effectiveFrom: "2026-02-30" });
    expect(bad.status).toBe(400);
    expect(bad.data.fieldErrors).toEqual({
      gateway: "Gateway is required", percent: "Percent must be between 0 and 100",
      fixedAmount: "Fixed amount must be an amount like 12.50 (not negative, at most 4 decimals)", effectiveFrom: "Effective from is not a real calendar date",
    });
    expect((await post(shop, { intent: "save-shipping", kind: "per_method_order", amount: "1.5", effectiveFrom: "2026-03-02", effectiveTo: "2026-03-01" })).data.fieldErrors)
      .toEqual({ method: "Shipping method is required for a rule by method", effectiveTo: "Effective to must be on or after effective from" });
    expect((await post(shop, { intent: "save-custom", name: "Fair", kind: "one_off", amount: "0", startsOn: "2026-03-01" })).data.fieldErrors).toEqual({ amount: "Amount must be more than 0" });
    expect((await post(shop, { intent: "drop-tables" })).data.fieldErrors).toEqual({ intent: "Unknown action" });
    // A second rate for the same gateway and day is refused, the first one kept.
    await saved(shop, { intent: "save-rate", gateway: "PayPal", percent: "2.9", fixedAmount: "0.30", effectiveFrom: "2026-01-01" });
    expect((await post(shop, { intent: "save-rate", gateway: "paypal", percent: "9", fixedAmount: "0", effectiveFrom: "2026-01-01" })).status).toBe(409);

    expect(await count(shop)).toEqual({ rates: 1, rules: 0, costs: 0 });
    expect(await events(shop)).toHaveLength(1);
  });
});
