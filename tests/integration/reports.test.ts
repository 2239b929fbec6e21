import { and, asc, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, inject, it } from "vitest";

import { getDb, queryRows } from "~/db/client.server";
import { failFast, isQueryLimitError, REPORT_UNAVAILABLE_MESSAGE } from "~/db/query-limits.server";
import { auditEvents, dailyRollups, reports } from "~/db/schema.server";
import { asSystem, REQUEST_LIMITS, withShop } from "~/db/tenant.server";
import type { ReportData } from "~/reports/build.server";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { parseCsv } from "../csv";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { seedOtherShop, seedSales } from "../report-fixtures";
import { TEST_APP_URL } from "../setup/test-env";
import { decodeSingleFetch } from "../single-fetch";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);

const documentRequest = (shop: string, pathname: string, query: Record<string, string> = {}) => {
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), ...query });
  return new Request(`${TEST_APP_URL}${pathname}?${params}`, { headers: { "User-Agent": BROWSER_UA } });
};

async function installShop(shop: string, overrides: { currencyCode?: string; ianaTimezone?: string; name?: string } = {}) {
  addStore(simulator, shop, overrides);
  const response = await request(documentRequest(shop, "/app"));
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${await response.text()}`);
}

type Decoded = { status: number; routes: Record<string, { data?: unknown; error?: { status: number; data: unknown } }> };

async function loaderData(shop: string, pathname: string): Promise<Decoded> {
  const { status, value } = await decodeSingleFetch(await request(bearerRequest(shop, pathname)));
  return { status, routes: value as Decoded["routes"] };
}

interface DashboardView {
  hasData: boolean;
  selection: { preset: string | null; from: string; to: string; compare: string };
  sort: { column: string; direction: string };
  report: ReportData;
}

async function dashboard(shop: string, query: string) {
  const { status, routes } = await loaderData(shop, `/app.data?${query}`);
  const route = routes["routes/app._index"];
  return { status, data: route?.data as DashboardView | undefined, error: route?.error };
}

const WEEK = "from=2026-03-01&to=2026-03-07";

const auditOf = (shop: string, action: "report.exported" | "report.built") =>
  asSystem("test: report audit", (tx) =>
    tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, action))).orderBy(asc(auditEvents.seq)),
  );

describe("dashboard data", () => {
  it("computes the KPIs and changes for the URL's period from the shop's rollups only", async () => {
    const shop = newShop("mine");
    const other = newShop("other");
    await installShop(shop, { currencyCode: "EUR", ianaTimezone: "Europe/Berlin" });
    await installShop(other);
    await seedSales(shop);
    await seedOtherShop(other);

    const { status, data } = await dashboard(shop, WEEK);
    expect(status).toBe(200);
    expect(data!.hasData).toBe(true);
    expect(data!.selection).toEqual({ preset: null, from: "2026-03-01", to: "2026-03-07", compare: "previous_period" });
    const { report } = data!;
    expect(report.currencyCode).toBe("EUR");
    expect(report.range.compare).toEqual({ from: "2026-02-22", to: "2026-02-28" });
    // Net sales 160 = gross 190 − discounts 10 − returns 20; total adds shipping 15 and taxes 12.
    // AOV 45 = (90 + 50 + 40) / 4 orders. Costed net sales 120 (the mug has no cost) − COGS 45
    // = profit 75: margin 75/120, coverage 120/160, backfilled 90/120 (the shirt's day).
    expect(report.current).toMatchObject({
      grossSales: "190.00", discounts: "-10.00", returns: "-20.00", netSales: "160.00", shipping: "15.00", taxes: "12.00",
      totalSales: "187.00", orders: 4, units: 7, averageOrderValue: "45.00", cogs: "45.00", grossProfit: "75.00",
      grossMarginPercent: "62.50", costCoveragePercent: "75.00", backfilledCostPercent: "75.00",
    });
    expect(report.previous).toMatchObject({ netSales: "80.00", totalSales: "80.00", orders: 2, averageOrderValue: "40.00", cogs: "24.00", grossProfit: "56.00", grossMarginPercent: "70.00" });
    expect(report.changes).toMatchObject({
      netSales: "100.00", totalSales: "133.75", orders: "100.00", averageOrderValue: "12.50", grossProfit: "33.93", cogs: "87.50", returns: null,
    });
    expect(report.series.map((p) => p.day)).toEqual(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07"]);
    // Without expenses entered and fee data synced, net profit is gross profit.
    expect(report.series[0]).toEqual({ day: "2026-03-01", netSales: "90.00", totalSales: "90.00", grossProfit: "60.00", orders: 2, netProfit: "60.00" });
    expect(report.series[2]).toEqual({ day: "2026-03-03", netSales: "0.00", totalSales: "27.00", grossProfit: "0.00", orders: 0, netProfit: "0.00" });
    expect(report.topProducts.map((p) => [p.title, p.netSales, p.grossProfit, p.grossMarginPercent, p.units])).toEqual([
      ["Linen Shirt", "90.00", "60.00", "66.67", 2],
      ["Stoneware Mug", "40.00", "0.00", null, 4],
      ["Wool Scarf", "30.00", "15.00", "50.00", 1],
    ]);
    // Nothing of the other shop, and the other shop sees only its own.
    expect(JSON.stringify(data)).not.toContain("OTHER-SHOP-CANARY");
    expect(JSON.stringify(data)).not.toContain("99999");
    const theirs = await dashboard(other, WEEK);
    expect(theirs.data!.report.current).toMatchObject({ grossSales: "99999.00", orders: 777 });
    expect(theirs.data!.report.topProducts.map((p) => p.title)).toEqual(["OTHER-SHOP-CANARY"]);
    expect(JSON.stringify(theirs.data)).not.toContain("Linen Shirt");
  });

  it("compares with the previous year or not at all, and resolves presets in the shop's zone", async () => {
    const shop = newShop();
    await installShop(shop, { ianaTimezone: "Pacific/Kiritimati" });
    await seedSales(shop);
    const lastYear = await dashboard(shop, `${WEEK}&compare=previous_year`);
    expect(lastYear.data!.report.range.compare).toEqual({ from: "2025-03-01", to: "2025-03-07" });
    expect(lastYear.data!.report.previous).toMatchObject({ netSales: "0.00", orders: 0 });
    expect(lastYear.data!.report.changes.netSales).toBeNull();
    const none = await dashboard(shop, `${WEEK}&compare=none`);
    expect(none.data!.report.previous).toBeNull();
    expect(none.data!.report.changes).toEqual({});

    // UTC+14: the shop's today can be a day ahead of the server's.
    const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Pacific/Kiritimati" }).format(new Date());
    const preset = await dashboard(shop, "preset=last7");
    expect(preset.data!.selection.preset).toBe("last7");
    expect(preset.data!.report.range.period.to).toBe(today);
    expect(preset.data!.report.series).toHaveLength(7);
    const fallback = await dashboard(shop, "");
    expect(fallback.data!.selection.preset).toBe("last30");
    expect(fallback.data!.report.series).toHaveLength(30);
  });

  it("ranks the top products by the column in the URL, across all products", async () => {
    const shop = newShop();
    await installShop(shop);
    await seedSales(shop, { mug: '=HYPERLINK("http://evil.example","x")' });
    const order = async (query: string) => (await dashboard(shop, `${WEEK}&${query}`)).data!.report.topProducts.map((p) => p.productId);
    expect(await order("sort=netSales")).toEqual(["101", "103", "102"]);
    expect(await order("sort=grossProfit")).toEqual(["101", "102", "103"]);
    expect(await order("sort=grossProfit&dir=asc")).toEqual(["103", "102", "101"]);
    // Products without a recorded cost have no margin: last, whichever direction.
    expect(await order("sort=margin")).toEqual(["101", "102", "103"]);
    expect(await order("sort=margin&dir=asc")).toEqual(["102", "101", "103"]);
    expect(await order("sort=units&dir=asc")).toEqual(["102", "101", "103"]);
    expect(await order("sort=title")).toEqual(["103", "101", "102"]);
    const { data } = await dashboard(shop, `${WEEK}&sort=title`);
    expect(data!.sort).toEqual({ column: "title", direction: "asc" });
  });

  it("reports a shop without rollups as having no data yet", async () => {
    const shop = newShop();
    await installShop(shop);
    const { status, data } = await dashboard(shop, WEEK);
    expect(status).toBe(200);
    expect(data!.hasData).toBe(false);
    expect(data!.report.current).toMatchObject({ netSales: "0.00", orders: 0, averageOrderValue: null, grossMarginPercent: null, costCoveragePercent: null });
  });

  it("answers bad report params with a 400 and a clear message, never a 500", async () => {
    const shop = newShop();
    await installShop(shop);
    await seedSales(shop);
    const cases: Array<[string, RegExp]> = [
      ["from=2026-03-07&to=2026-03-01", /^End date must be on or after the start date\.$/],
      ["from=2020-01-01&to=2026-01-01", /^A date range can be at most 5 years\.$/],
      ["from=garbage&to=2026-01-01", /^Start date must be a date like 2026-01-31\.$/],
      ["preset=nope", /^This date range is not one the app offers\.$/],
      ["from=2026-02-01&to=2026-02-30", /^End date is not a real calendar date\.$/],
      [`${WEEK}&compare=sideways`, /^Compare to must be /],
      [`${WEEK}&sort=price`, /^The products can be sorted by product, net sales, gross profit, margin or units\.$/],
      [`${WEEK}&dir=up`, /^The products can be sorted up or down only\.$/],
    ];
    for (const [query, message] of cases) {
      // Still the page, with its date controls, on the default period: a 400 that says why.
      const { status, data, error } = await dashboard(shop, query);
      expect(status, query).toBe(400);
      expect(error, query).toBeUndefined();
      const view = data as unknown as { paramProblems: string[]; selection: { preset: string | null } };
      expect(view.paramProblems.join(" "), query).toMatch(message);
      for (const text of view.paramProblems) expect(text, query).not.toMatch(/\b(from|to|preset|compare|sort|dir):/);
    }
    const bad = await dashboard(shop, "from=2026-03-07&to=2026-03-01");
    expect((bad.data as unknown as { selection: { preset: string | null } }).selection.preset).toBe("last30");
    // The document request renders the page: the explanation and the date controls.
    const page = await request(documentRequest(shop, "/app", { from: "2026-03-07", to: "2026-03-01" }));
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain("These report settings could not be used");
    expect(html).toContain("End date must be on or after the start date.");
    expect(html).toContain("Showing the last 30 days instead");
    expect(html).toContain("Change date range");
  });

  it("renders the dashboard document with the report, its controls and the chart's reserved space", async () => {
    const shop = newShop();
    await installShop(shop);
    await seedSales(shop);
    const response = await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const text of [
      "Net sales", "$160.00", "Total sales", "$187.00", "Average order value", "$45.00", "Gross margin", "62.5%",
      "= $120.00 with a recorded cost + $40.00 without (75.0% covered).", "Sales and profit", "Top products by net sales",
      "Linen Shirt", "Save report", "Export CSV", "Compare to", 'href="/app/reports"',
    ]) {
      expect(html, text).toContain(text);
    }
    expect(html).toContain("75.0% of the costed sales are older than the first sync and use today&#x27;s cost");
    expect(html).toContain("Mar 1 – 7, 2026");
    // The chart is not rendered on the server: its placeholder holds the space.
    const chart = /<div[^>]*data-testid="sales-chart"[^>]*>/.exec(html)?.[0];
    expect(chart).toContain('style="height:280px');
    // Until the drawing loads, its placeholder carries the chart's summary (the drawing then carries it, keyboard-reachable).
    expect(html).toMatch(/data-testid="sales-chart"[^>]*><div role="img" aria-label="Line chart of net sales per day, Mar 1 – 7, 2026, with the previous period \(Feb 22 – 28, 2026\) as a second line/);
    expect(html).not.toContain("recharts");
  });

  it("shows an empty state for a period without sales", async () => {
    const shop = newShop();
    await installShop(shop);
    await seedSales(shop);
    const response = await request(documentRequest(shop, "/app", { from: "2026-01-01", to: "2026-01-31" }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("No sales in this period");
    expect(html).not.toContain("Top products by");
  });
});

describe("report CSV export", () => {
  it("returns RFC 4180 CSV of the period with formulas neutralised, and audits the export with the staff actor", async () => {
    const shop = newShop();
    await installShop(shop, { currencyCode: "CAD" });
    await seedSales(shop, { mug: '=HYPERLINK("http://evil.example/?a=1","Click, now")' });
    const response = await request(bearerRequest(shop, `/app/reports/export?${WEEK}&compare=previous_period`, { token: idToken(shop, { userId: "4242" }) }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="margin-notes-report-${shop}-2026-03-01-to-2026-03-07.csv"`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");

    const text = await response.text();
    const rows = parseCsv(text);
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([9]));
    const find = (label: string) => rows.find((r) => r[0] === label);
    expect(find("Shop")?.slice(0, 2)).toEqual(["Shop", shop]);
    expect(find("Period")?.slice(0, 3)).toEqual(["Period", "2026-03-01", "2026-03-07"]);
    expect(find("Compared with (previous period)")?.slice(0, 3)).toEqual(["Compared with (previous period)", "2026-02-22", "2026-02-28"]);
    expect(find("Currency")?.[1]).toBe("CAD");
    expect(find("Net sales")?.slice(0, 4)).toEqual(["Net sales", "160.00", "80.00", "100.00"]);
    expect(find("Returns")?.slice(0, 4)).toEqual(["Returns", "-20.00", "0.00", ""]);
    expect(find("Gross margin % (gross profit / net sales with cost)")?.slice(0, 3)).toEqual(["Gross margin % (gross profit / net sales with cost)", "62.50", "70.00"]);
    expect(find("Net sales with cost recorded")?.slice(0, 3)).toEqual(["Net sales with cost recorded", "120.00", "80.00"]);
    expect(find("Net sales without cost recorded")?.slice(0, 3)).toEqual(["Net sales without cost recorded", "40.00", "0.00"]);
    expect(find("2026-03-03")?.slice(0, 5)).toEqual(["2026-03-03", "0.00", "27.00", "0.00", "0"]);
    const header = rows.findIndex((r) => r[0] === "Product ID");
    expect(rows.slice(header + 1).map((r) => r.slice(0, 2))).toEqual([
      ["101", "Linen Shirt"],
      ["103", `'=HYPERLINK("http://evil.example/?a=1","Click, now")`],
      ["102", "Wool Scarf"],
    ]);
    expect(text).not.toContain("OTHER-SHOP");

    const events = await auditOf(shop, "report.exported");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorType: "staff", actorId: "4242", userAgent: BROWSER_UA, target: "report.csv" });
    expect(events[0]!.meta).toMatchObject({ format: "csv", from: "2026-03-01", to: "2026-03-07", compare: "previous_period", snapshot: false });
  });

  it("refuses bad params before counting or recording anything", async () => {
    const shop = newShop();
    await installShop(shop);
    const cases = [
      ["from=2026-03-07&to=2026-03-01", "End date must be on or after the start date."],
      ["preset=nope", "This date range is not one the app offers."],
      ["reportId=not-a-uuid", "This address does not lead to a saved report."],
    ];
    for (const [query, message] of cases) {
      const response = await request(bearerRequest(shop, `/app/reports/export?${query}`));
      expect(response.status, query).toBe(400);
      expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await response.text(), query).toBe(message);
    }
    expect(await auditOf(shop, "report.exported")).toEqual([]);
  });

  it("allows ten exports an hour per shop: the eleventh is a 429 with Retry-After and leaves no audit event", async () => {
    const shop = newShop();
    const other = newShop("other");
    await installShop(shop);
    await installShop(other);
    for (let i = 1; i <= 10; i++) {
      expect((await request(bearerRequest(shop, `/app/reports/export?${WEEK}`))).status, `export ${i}`).toBe(200);
    }
    const refused = await request(bearerRequest(shop, `/app/reports/export?${WEEK}`));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await refused.text()).toMatch(/limited to 10 per 1 hour/);
    expect(await auditOf(shop, "report.exported")).toHaveLength(10);
    // The limit is the shop's own.
    expect((await request(bearerRequest(other, `/app/reports/export?${WEEK}`))).status).toBe(200);
  });
});

describe("saved reports", () => {
  async function saveReport(shop: string, form: Record<string, string>) {
    const response = await request(bearerRequest(shop, "/app.data?index", { method: "POST", body: new URLSearchParams(form) }));
    const { status, value } = await decodeSingleFetch(response);
    return { status, value: value as { data?: { savedReportId?: string; saveError?: string } } };
  }

  it("saves a snapshot from the dashboard that the detail page, the list and the export show, to this shop only", async () => {
    const shop = newShop("mine");
    const other = newShop("other");
    await installShop(shop);
    await installShop(other);
    await seedSales(shop);

    const saved = await saveReport(shop, { intent: "save-report", from: "2026-03-01", to: "2026-03-07", compare: "previous_period" });
    expect(saved.status).toBe(200);
    const reportId = saved.value.data!.savedReportId!;
    expect(reportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await auditOf(shop, "report.built")).toHaveLength(1);

    // Later sales do not change the snapshot.
    await withShop(shop, (tx) => tx.insert(dailyRollups).values({ shopId: shop, day: "2026-03-04", productId: 102, grossSales: "500.00", units: 5 }));

    const detail = await loaderData(shop, `/app/reports/${reportId}.data`);
    expect(detail.status).toBe(200);
    const page = detail.routes["routes/app.reports.$reportId"]!.data as { report: { id: string; savedBy: string; data: ReportData } };
    expect(page.report.id).toBe(reportId);
    expect(page.report.savedBy).toMatch(/^Staff member /);
    expect(page.report.data.range.period).toEqual({ from: "2026-03-01", to: "2026-03-07" });
    expect(page.report.data.current).toMatchObject({ netSales: "160.00", grossProfit: "75.00", orders: 4 });
    expect(page.report.data.series).toHaveLength(7);
    expect(page.report.data.topProducts.map((p) => p.title)).toEqual(["Linen Shirt", "Stoneware Mug", "Wool Scarf"]);
    const byUnits = await loaderData(shop, `/app/reports/${reportId}.data?sort=units&dir=desc`);
    expect((byUnits.routes["routes/app.reports.$reportId"]!.data as typeof page).report.data.topProducts.map((p) => p.units)).toEqual([4, 2, 1]);

    const html = await (await request(documentRequest(shop, `/app/reports/${reportId}`))).text();
    expect(html).toContain("Report: Mar 1 – 7, 2026");
    for (const text of ["All metrics", "Gross sales", "$190.00", "Linen Shirt", "Export CSV", "Top products (as saved)"]) expect(html, text).toContain(text);

    const list = await loaderData(shop, "/app/reports.data");
    const rows = (list.routes["routes/app.reports._index"]!.data as { rows: Array<{ reportId: string; period: unknown }> }).rows;
    expect(rows).toEqual([expect.objectContaining({ reportId, period: { from: "2026-03-01", to: "2026-03-07" } })]);

    const csv = await request(bearerRequest(shop, `/app/reports/export?reportId=${reportId}`));
    expect(csv.status).toBe(200);
    const records = parseCsv(await csv.text());
    expect(records.find((r) => r[0] === "Saved report")?.[1]).toBe(reportId);
    expect(records.find((r) => r[0] === "Net sales")?.[1]).toBe("160.00");
    expect((await auditOf(shop, "report.exported"))[0]).toMatchObject({ target: reportId });

    // Another shop: not found on every door, and nothing recorded for it.
    const theirs = await loaderData(other, `/app/reports/${reportId}.data`);
    expect(theirs.status).toBe(404);
    expect(theirs.routes["routes/app.reports.$reportId"]!.error?.status).toBe(404);
    expect(JSON.stringify(theirs.routes)).not.toContain("160.00");
    expect((await request(bearerRequest(other, `/app/reports/export?reportId=${reportId}`))).status).toBe(404);
    expect(await auditOf(other, "report.exported")).toEqual([]);
    const theirList = await loaderData(other, "/app/reports.data");
    expect((theirList.routes["routes/app.reports._index"]!.data as { rows: unknown[] }).rows).toEqual([]);
    const theirRows = await withShop(other, (tx) => tx.select().from(reports));
    expect(theirRows).toEqual([]);
  });

  it("refuses to save a bad range with a message for the page, and answers unknown ids with 404 and bad ones with 400", async () => {
    const shop = newShop();
    await installShop(shop);
    const refused = await saveReport(shop, { intent: "save-report", from: "2026-03-07", to: "2026-03-01" });
    expect(refused.status).toBe(400);
    expect(refused.value.data?.saveError).toBe("End date must be on or after the start date.");
    expect(await auditOf(shop, "report.built")).toEqual([]);

    const missing = await loaderData(shop, "/app/reports/00000000-0000-4000-8000-000000000000.data");
    expect(missing.status).toBe(404);
    const malformed = await loaderData(shop, "/app/reports/nope.data");
    expect(malformed.status).toBe(400);
    expect(String(malformed.routes["routes/app.reports.$reportId"]!.error?.data)).toBe("This address does not lead to a saved report.");
    const html = await (await request(documentRequest(shop, "/app/reports/00000000-0000-4000-8000-000000000000"))).text();
    expect(html).toContain("This report was not found");
  });
});

describe("long ranges and slow queries", () => {
  it("shows a range that starts before the held history from its first day, and says so", async () => {
    const shop = newShop("clamp");
    await installShop(shop);
    await seedSales(shop);
    // The shop's first held day is 2026-02-21 (report-fixtures.ts).
    const { status, data } = await dashboard(shop, "from=2025-01-01&to=2026-03-07&compare=previous_year");
    expect(status).toBe(200);
    const { report } = data!;
    expect(report.range.period).toEqual({ from: "2026-02-21", to: "2026-03-07" });
    expect(report.requestedFrom).toBe("2025-01-01");
    expect(report.series).toHaveLength(15);
    expect(report.current).toMatchObject({ netSales: "940.00", orders: 6 }); // 700 + 80 + 90 + 30 + 40
    // The picker keeps what the merchant chose; the comparison keeps its dates.
    expect(data!.selection).toMatchObject({ from: "2025-01-01", to: "2026-03-07" });
    expect(report.range.compare).toEqual({ from: "2024-01-01", to: "2025-03-07" });
    // React separates text parts with <!-- --> in server HTML.
    const html = (await (await request(documentRequest(shop, "/app", { from: "2025-01-01", to: "2026-03-07" }))).text()).replaceAll("<!-- -->", "");
    expect(html).toContain("Showing Feb 21, 2026 – Mar 7, 2026");
    expect(html).toMatch(/Margin Notes holds this store(&#x27;|')s orders from Feb 21, 2026, so the days from Jan 1, 2025 before it are not shown/);

    // A range inside the history is shown as asked, with no such message.
    const inside = await dashboard(shop, WEEK);
    expect(inside.data!.report.requestedFrom).toBeUndefined();
    const plain = await (await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07" }))).text();
    expect(plain).not.toContain("Margin Notes holds this store");
  });

  it("runs the dashboard's transaction under statement and lock time limits that end with it", async () => {
    const shop = newShop("limits");
    const settings = sql`select current_setting('statement_timeout') as statement, current_setting('lock_timeout') as lock`;
    const limited = await withShop(shop, (tx) => queryRows<{ statement: string; lock: string }>(tx, settings), { limits: REQUEST_LIMITS });
    expect(limited).toEqual([{ statement: "3s", lock: "1s" }]);
    // Transaction-local: the next transaction on the (pooled) connection has none.
    const after = await withShop(shop, (tx) => queryRows<{ statement: string; lock: string }>(tx, settings));
    expect(after).toEqual([{ statement: "0", lock: "0" }]);
  });

  // PGlite accepts the settings but has no timer to enforce them (single-threaded WASM).
  it.runIf(inject("database").driver === "postgres")("stops a pathological statement fast and answers 503 with a message, never a 500", async () => {
    const shop = newShop("slow");
    await installShop(shop);
    await seedSales(shop);

    const started = Date.now();
    const slow = withShop(shop, (tx) => tx.execute(sql`select pg_sleep(5)`), { limits: { statementTimeoutMs: 100, lockTimeoutMs: 100 } });
    const error = await slow.then(() => null, (e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(isQueryLimitError(error)).toBe(true);
    const answer = await failFast(() => slow).then(() => null, (e: unknown) => e);
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(503);
    expect(await (answer as Response).text()).toBe(REPORT_UNAVAILABLE_MESSAGE);
    // Anything else passes through untouched.
    await expect(failFast(() => Promise.reject(new Error("other")))).rejects.toThrow("other");

    // Through the route: a migration-like lock on the table the KPIs read makes the
    // dashboard's query wait past its lock timeout.
    await (await getDb()).transaction(async (owner) => {
      await owner.execute(sql`lock table daily_totals in access exclusive mode`);
      const waited = Date.now();
      const { status, error: routeError } = await dashboard(shop, WEEK);
      expect(Date.now() - waited).toBeLessThan(REQUEST_LIMITS.lockTimeoutMs + 2000);
      expect(status).toBe(503);
      expect(routeError).toMatchObject({ status: 503, data: REPORT_UNAVAILABLE_MESSAGE });
      const html = await request(documentRequest(shop, "/app", { from: "2026-03-01", to: "2026-03-07" }));
      expect(html.status).toBe(503);
      const text = await html.text();
      expect(text).toContain("The report is not available right now");
      expect(text).toContain("The report took too long to prepare");
    });
  });
});
