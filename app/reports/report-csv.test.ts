import { describe, expect, it } from "vitest";

import type { ReportData } from "./build.server";
import { CHANGE_RULE } from "./change";
import { computeMetrics, sumComponents } from "./metrics";
import { reportCsv, reportFilename } from "./report-csv";

const metrics = (grossSales: string, returns = "0", orders = 1) => computeMetrics(sumComponents([{ grossSales, returns, orders, originalNetProduct: grossSales }]));

const data = (withPrevious: boolean, previous = metrics("50.00", "-10.00")): ReportData => ({
  range: withPrevious
    ? { period: { from: "2026-03-01", to: "2026-03-02" }, compare: { from: "2025-03-01", to: "2025-03-02" }, compareMode: "previous_year" }
    : { period: { from: "2026-03-01", to: "2026-03-02" }, compare: null, compareMode: "none" },
  currencyCode: "USD",
  current: metrics("100.00", "-20.00"),
  previous: withPrevious ? previous : null,
  // As an old snapshot stored them: returns' change signed (−100%), net sales' stale.
  changes: withPrevious ? { netSales: "60.00", returns: "-100.00" } : {},
  series: [
    { day: "2026-03-01", netSales: "80.00", totalSales: "80.00", grossProfit: "0.00", orders: 1 },
    { day: "2026-03-02", netSales: "0.00", totalSales: "0.00", grossProfit: "0.00", orders: 0 },
  ],
  topProducts: [
    { productId: "7", title: "@Risky, \"quoted\"", netSales: "80.00", grossProfit: "0.00", units: 2, grossMarginPercent: null },
    { productId: "8", title: "Mug", netSales: "50.00", netSalesWithCost: "30.00", netSalesWithoutCost: "20.00", cogs: "12.00", grossProfit: "18.00", units: 3, grossMarginPercent: "60.00" },
  ],
});

const lines = (csv: string) => csv.split("\r\n").slice(0, -1);

describe("reportCsv", () => {
  it("writes every section with the same number of fields, CRLF, money as plain decimals", () => {
    const csv = reportCsv(data(true), { shop: "demo.myshopify.com" });
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv).not.toMatch(/[^\r]\n/);
    const out = lines(csv);
    expect(out.slice(0, 6)).toEqual([
      "Margin Notes report,,,,,,,,",
      "Shop,demo.myshopify.com,,,,,,,",
      "Period,2026-03-01,2026-03-02,,,,,,",
      "Compared with (previous year),2025-03-01,2025-03-02,,,,,,",
      "Currency,USD,,,,,,,",
      `Change %,"${CHANGE_RULE}",,,,,,,`,
    ]);
    expect(out).toContain("Metric,Value,Comparison,Change %,,,,,");
    // Changes follow change.ts, recomputed from the figures: net sales 80 vs 40 is +100%,
    // returns −20 vs −10 is +100% (more returned), whatever the snapshot stored.
    expect(out).toContain("Net sales,80.00,40.00,100.00,,,,,");
    expect(out).toContain("Returns,-20.00,-10.00,100.00,,,,,");
    expect(out).not.toContain("Returns,-20.00,-10.00,-100.00,,,,,");
    expect(out).toContain("Net sales with cost recorded,0.00,0.00,,,,,,");
    expect(out).toContain("Net sales without cost recorded,80.00,40.00,,,,,,");
    expect(out).toContain("Average order value,100.00,50.00,100.00,,,,,");
    expect(out).toContain("2026-03-01,80.00,80.00,0.00,1,,,,");
    expect(out).toContain("Product ID,Product,Net sales,Net sales without cost recorded,Net sales with cost recorded,Cost of goods sold,Gross profit,Gross margin %,Units");
    expect(out).toContain(`7,"'@Risky, ""quoted""",80.00,,,,0.00,,2`);
    expect(out.at(-1)).toBe("8,Mug,50.00,20.00,30.00,12.00,18.00,60.00,3");
  });

  it("says there was no data for the comparison period instead of comparing with zeros", () => {
    const out = lines(reportCsv(data(true, metrics("0", "0", 0)), { shop: "demo.myshopify.com" }));
    expect(out).toContain("Compared with (previous year),2025-03-01,2025-03-02,no data for the comparison period,,,,,");
    expect(out).toContain("Metric,Value,,,,,,,");
    expect(out).toContain("Net sales,80.00,,,,,,,");
    expect(out.some((l) => l.startsWith("Change %"))).toBe(false);
  });

  it("says when there is no comparison and names a snapshot", () => {
    const out = lines(reportCsv(data(false), { shop: "demo.myshopify.com", reportId: "r-1", savedAt: "2026-03-03T10:00:00.000Z" }));
    expect(out).toContain("Compared with,none,,,,,,,");
    expect(out).toContain("Saved report,r-1,2026-03-03T10:00:00.000Z,,,,,,");
    expect(out).toContain("Metric,Value,,,,,,,");
    expect(out).toContain("Net sales,80.00,,,,,,,");
  });

  it("exports net profit and the expenses it deducts, with a daily net profit column; an older snapshot exports without them", () => {
    const d = data(true);
    const net = { paymentFees: "3.20", paymentFeesActual: "2.00", paymentFeesEstimated: "1.20", unratedTransactions: 1, shippingCosts: "5.00", customCosts: "10.00", netProfit: "-18.20" };
    const withNet: ReportData = {
      ...d,
      current: { ...d.current, ...net },
      previous: { ...d.previous!, ...net, paymentFees: "2.00", paymentFeesEstimated: "0.00", netProfit: "-17.00" },
      series: d.series.map((p) => ({ ...p, netProfit: "-9.10" })),
    };
    const out = lines(reportCsv(withNet, { shop: "demo.myshopify.com" }));
    expect(out).toContain("Payment fees (Shopify's + estimated),3.20,2.00,60.00,,,,,");
    expect(out).toContain("Payment fees estimated from your rates (transactions without fee data),1.20,0.00,,,,,,");
    expect(out).toContain("Shipping costs (your rules),5.00,5.00,0.00,,,,,");
    expect(out).toContain("Net profit (gross profit - payment fees - shipping costs - custom costs),-18.20,-17.00,-7.06,,,,,");
    expect(out).toContain("Day,Net sales,Total sales,Gross profit,Orders,Net profit,,,");
    expect(out).toContain("2026-03-01,80.00,80.00,0.00,1,-9.10,,,");
    const old = lines(reportCsv(d, { shop: "demo.myshopify.com" }));
    expect(old.some((l) => l.startsWith("Net profit") || l.startsWith("Payment fees"))).toBe(false);
    expect(old).toContain("Day,Net sales,Total sales,Gross profit,Orders,,,,");
  });

  it("names the file after the shop and the period", () => {
    expect(reportFilename("demo.myshopify.com", data(false))).toBe("margin-notes-report-demo.myshopify.com-2026-03-01-to-2026-03-02.csv");
  });
});
