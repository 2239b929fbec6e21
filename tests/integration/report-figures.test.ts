/**
 * Issue 13, "figures that look wrong", through the built app: every product row and
 * the totals reconcile (net sales = with cost + without cost, gross profit = with
 * cost − COGS, margin = gross profit ÷ with cost), partial-cost rows are flagged, a
 * change has one sign on the dashboard, the CSV and the narrative's input (returns
 * going up is +13.5% and red), and an empty comparison period says so instead of
 * "vs $0.00" (decision 0006).
 */
import Big from "big.js";
import { beforeEach, describe, expect, it } from "vitest";

import { customCosts, dailyOrders, dailyPaymentFees, dailyRollups, products } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { buildReport, loadSavedReport, type ReportData } from "~/reports/build.server";
import { costCoverageOf } from "~/reports/cost-coverage";
import type { NarrativeInput, NarrativeResponse } from "~/reports/narrative";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { parseCsv } from "../csv";
import { newShop } from "../factories";
import { deriveReportRollups } from "../report-fixtures";
import { TEST_APP_URL } from "../setup/test-env";
import { decodeSingleFetch } from "../single-fetch";

beforeEach(() => {
  simulatorStore.simulator = startSimulator();
});
const simulatorStore = {} as { simulator: ReturnType<typeof startSimulator> };

const request = async (r: Request) => (await appHandler())(r);
const documentRequest = (shop: string, pathname: string, query: Record<string, string> = {}) => {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), ...query });
  return new Request(`${TEST_APP_URL}${pathname}?${params}`, { headers: { "User-Agent": BROWSER_UA } });
};

/**
 * A week (1–7 March 2026) and the week before. Willow Journal is costed on part of its
 * sales (the row), Cedar Pen on all of them (with the returns and discounts),
 * Gift Wrap on none.
 */
async function seedShop(shop: string) {
  addStore(simulatorStore.simulator, shop, { currencyCode: "USD" });
  const installed = await request(documentRequest(shop, "/app"));
  if (installed.status !== 200) throw new Error(`install failed: ${installed.status}`);
  await withShop(shop, async (tx) => {
    await tx.insert(products).values([
      { shopId: shop, productId: 201, title: "Willow Journal" },
      { shopId: shop, productId: 202, title: "Cedar Pen" },
      { shopId: shop, productId: 203, title: "Gift Wrap" },
    ]);
    const row = (day: string, productId: number, values: Partial<typeof dailyRollups.$inferInsert>) => ({ shopId: shop, day, productId, ...values });
    await tx.insert(dailyRollups).values([
      row("2026-03-02", 201, { grossSales: "15728.92", units: 40, cogs: "2863.03", netSalesWithCost: "8650.00" }),
      row("2026-03-03", 202, { grossSales: "3000.00", discounts: "-97.30", returns: "-1135.00", units: 30, cogs: "700.00", netSalesWithCost: "1767.70" }),
      row("2026-03-04", 203, { grossSales: "50.00", units: 10 }),
      row("2026-02-24", 202, { grossSales: "2500.00", discounts: "-100.00", returns: "-1000.00", units: 25, cogs: "600.00", netSalesWithCost: "1400.00" }),
    ]);
    await tx.insert(dailyOrders).values([
      { shopId: shop, day: "2026-03-02", orders: 20, originalNetProduct: "15728.92" },
      { shopId: shop, day: "2026-03-03", orders: 15, originalNetProduct: "2902.70" },
      { shopId: shop, day: "2026-03-04", orders: 5, originalNetProduct: "50.00" },
      { shopId: shop, day: "2026-02-24", orders: 12, originalNetProduct: "2400.00" },
    ]);
    await deriveReportRollups(tx, shop);
  });
}

async function dashboardData(shop: string, query: string): Promise<ReportData> {
  const { value } = await decodeSingleFetch(await request(bearerRequest(shop, `/app.data?${query}`)));
  return (value as Record<string, { data: { report: ReportData } }>)["routes/app._index"]!.data.report;
}

const cents = (v: string | undefined) => {
  expect(v, "figure present").toBeDefined();
  return new Big(v!).times(100).toNumber();
};

/** The stated formulas, on figures as displayed (two decimals). */
function expectReconciles(label: string, f: { netSales: string; netSalesWithCost?: string; netSalesWithoutCost?: string; cogs?: string; grossProfit: string; grossMarginPercent: string | null }) {
  expect(cents(f.netSalesWithCost) + cents(f.netSalesWithoutCost), `${label}: with + without = net sales`).toBe(cents(f.netSales));
  expect(cents(f.netSalesWithCost) - cents(f.cogs), `${label}: with cost − COGS = gross profit`).toBe(cents(f.grossProfit));
  if (f.grossMarginPercent === null) {
    expect(cents(f.netSalesWithCost), `${label}: no margin only without costed sales`).toBe(0);
  } else {
    const margin = new Big(f.grossProfit).div(f.netSalesWithCost!).times(100);
    expect(margin.minus(f.grossMarginPercent).abs().lte("0.005"), `${label}: margin = gross profit ÷ with cost`).toBe(true);
  }
}

const WEEK = "from=2026-03-01&to=2026-03-07";

/** Net profit = gross profit − payment fees − shipping − custom costs, as displayed (decision 0013). */
function expectNetProfitReconciles(label: string, f: { grossProfit: string; paymentFees?: string; paymentFeesActual?: string; paymentFeesEstimated?: string; shippingCosts?: string; customCosts?: string; netProfit?: string }) {
  expect(cents(f.grossProfit) - cents(f.paymentFees) - cents(f.shippingCosts) - cents(f.customCosts), `${label}: net profit`).toBe(cents(f.netProfit));
  expect(cents(f.paymentFeesActual) + cents(f.paymentFeesEstimated), `${label}: fees = Shopify's + estimated`).toBe(cents(f.paymentFees));
}

/** The document's HTML without React's text separators. */
const page = async (response: Response) => (await response.text()).replace(/<!-- -->/g, "");

/** The HTML of one KPI card (its <section>). */
const card = (html: string, key: string) => {
  const start = html.indexOf(`data-testid="kpi-${key}"`);
  expect(start, `card ${key}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</section>", start));
};

describe("report figures reconcile and read one way", () => {
  it("reconciles every product row and the totals, and flags rows whose profit covers part of their sales", async () => {
    const shop = newShop("figures");
    await seedShop(shop);
    const report = await dashboardData(shop, WEEK);

    expect(report.topProducts.map((p) => p.title)).toEqual(["Willow Journal", "Cedar Pen", "Gift Wrap"]);
    for (const row of report.topProducts) expectReconciles(row.title, row);
    expectReconciles("totals", report.current);
    expect(report.topProducts[0]).toMatchObject({
      netSales: "15728.92", netSalesWithCost: "8650.00", netSalesWithoutCost: "7078.92", cogs: "2863.03", grossProfit: "5786.97", grossMarginPercent: "66.90",
    });
    expect(report.topProducts.map((p) => costCoverageOf(p))).toEqual(["partial", "full", "none"]);

    const html = await page(await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07" })));
    const rowOf = (title: string) => html.split("<tr").find((tr) => tr.includes(title)) ?? "";
    expect(rowOf("Willow Journal")).toContain("Partial cost");
    expect(rowOf("Gift Wrap")).toContain("No cost");
    expect(rowOf("Cedar Pen")).not.toMatch(/Partial cost|No cost/);
    for (const cell of ["$15,728.92", "$7,078.92", "$8,650.00", "$2,863.03", "$5,786.97", "66.9%"]) expect(rowOf("Willow Journal")).toContain(cell);
    for (const heading of ["Net sales without cost", "Net sales with cost", "Cost of goods sold"]) expect(html).toContain(heading);
    // The totals say how gross profit relates to net sales, with the figures.
    expect(html).toContain("Net sales $17,546.62 = $10,417.70 with a recorded cost + $7,128.92 without");
    expect(card(html, "grossProfit")).toContain("$10,417.70 net sales with cost − $3,563.03 cost of goods sold");
    expect(card(html, "grossMarginPercent")).toContain("Gross profit ÷ $10,417.70 net sales with cost");
  });

  it("gives returns going up one sign everywhere (+13.5%, bad news) and discounts going down −2.7%", async () => {
    const shop = newShop("signs");
    await seedShop(shop);

    const report = await dashboardData(shop, WEEK);
    expect(report.changes).toMatchObject({ returns: "13.50", discounts: "-2.70" });

    const html = await page(await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07" })));
    const returns = card(html, "returns");
    expect(returns).toContain("↑ 13.5%");
    expect(returns).toContain("Up 13.5% from the comparison period");
    expect(returns).toContain("Polaris-Text--critical");
    expect(returns).not.toContain("Polaris-Text--success");
    expect(returns).toContain("vs -$1,000.00");

    const csv = parseCsv(await (await request(bearerRequest(shop, `/app/reports/export?${WEEK}`))).text());
    const find = (label: string) => csv.find((r) => r[0] === label);
    expect(find("Returns")?.slice(0, 4)).toEqual(["Returns", "-1135.00", "-1000.00", "13.50"]);
    expect(find("Discounts")?.slice(0, 4)).toEqual(["Discounts", "-97.30", "-100.00", "-2.70"]);
    expect(find("Change %")?.[1]).toMatch(/^A positive change means the figure got bigger/);

    // The narrative's input: the same numbers, under the same rule.
    const range = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" as const };
    const { reportId } = await buildReport(shop, range, "USD", { type: "staff", id: "42" });
    const narrated = (await (await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams({ mode: "local" }) }))).json()) as NarrativeResponse;
    expect(narrated.ok).toBe(true);
    const input = JSON.parse(narrated.ok ? narrated.narrative!.inputJson : "{}") as NarrativeInput;
    expect(input.changesPercent).toMatchObject({ returns: "13.50", discounts: "-2.70" });
    expect(input.metrics).toMatchObject({ netSalesWithCost: "10417.70", netSalesWithoutCost: "7128.92" });
  });

  it("reconciles net profit on the dashboard, the CSV, a saved snapshot and the narrative input", async () => {
    const shop = newShop("netfigures");
    await seedShop(shop);
    await withShop(shop, async (tx) => {
      await tx.insert(dailyPaymentFees).values([
        { shopId: shop, day: "2026-03-02", gateway: "shopify_payments", fees: "456.1249", feeTransactions: 20 },
        { shopId: shop, day: "2026-02-24", gateway: "shopify_payments", fees: "70.00", feeTransactions: 12 },
      ]);
      await tx.insert(customCosts).values({ shopId: shop, costId: "00000000-0000-4000-8000-00000000000a", name: "Rent", kind: "monthly", amount: "1000.0001", currencyCode: "USD", startsOn: "2026-01-01" });
    });
    const report = await dashboardData(shop, WEEK);
    expectNetProfitReconciles("dashboard", report.current);
    expectNetProfitReconciles("comparison", report.previous!);
    for (const point of report.series) expect(point.netProfit, point.day).toBeDefined();
    const csv = parseCsv(await (await request(bearerRequest(shop, `/app/reports/export?${WEEK}`))).text());
    const value = (label: string) => csv.find((r) => r[0]?.startsWith(label))?.[1];
    expectNetProfitReconciles("csv", {
      grossProfit: value("Gross profit")!, paymentFees: value("Payment fees (")!, paymentFeesActual: value("Payment fees from Shopify"), paymentFeesEstimated: value("Payment fees estimated"),
      shippingCosts: value("Shipping costs"), customCosts: value("Custom costs"), netProfit: value("Net profit"),
    });
    expect(value("Net profit")).toBe(report.current.netProfit);
    const range = { period: { from: "2026-03-01", to: "2026-03-07" }, compare: { from: "2026-02-22", to: "2026-02-28" }, compareMode: "previous_period" as const };
    const { reportId } = await buildReport(shop, range, "USD", { type: "staff", id: "42" });
    const snapshot = (await loadSavedReport(shop, reportId))!.data;
    expectNetProfitReconciles("snapshot", snapshot.current);
    expect(snapshot.current.netProfit).toBe(report.current.netProfit);
    const narrated = (await (await request(bearerRequest(shop, `/app/reports/${reportId}/narrative`, { method: "POST", body: new URLSearchParams({ mode: "local" }) }))).json()) as NarrativeResponse;
    const input = JSON.parse(narrated.ok ? narrated.narrative!.inputJson : "{}") as NarrativeInput;
    expectNetProfitReconciles("narrative input", input.metrics);
    const d = input.netProfitDrivers!;
    expect(cents(d.effects.grossProfit) + cents(d.effects.paymentFees) + cents(d.effects.shippingCosts) + cents(d.effects.customCosts)).toBe(cents(d.netProfitChange));
    expect(cents(d.netProfitChange)).toBe(cents(input.metrics.netProfit) - cents(input.comparisonMetrics!.netProfit));
  });

  it("says 'no data for the comparison period' instead of comparing with $0.00", async () => {
    const shop = newShop("nodata");
    await seedShop(shop);
    const query = `${WEEK}&compare=previous_year`;
    const report = await dashboardData(shop, query);
    expect(report.previous).not.toBeNull();
    expect(Object.values(report.changes).every((c) => c === null)).toBe(true);

    const html = await page(await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07", compare: "previous_year" })));
    for (const key of ["netSales", "totalSales", "orders", "averageOrderValue", "grossProfit", "grossMarginPercent", "cogs", "returns"]) {
      expect(card(html, key)).toContain("No data for the comparison period");
      expect(card(html, key)).not.toMatch(/vs (\$0\.00|0|—)/);
    }
    const csv = parseCsv(await (await request(bearerRequest(shop, `/app/reports/export?${query}`))).text());
    expect(csv.find((r) => r[0] === "Compared with (previous year)")?.[3]).toBe("no data for the comparison period");
    expect(csv.find((r) => r[0] === "Net sales")?.slice(0, 4)).toEqual(["Net sales", "17546.62", "", ""]);
  });
});
