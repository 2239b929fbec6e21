/**
 * The dashboard page itself: period controls, KPI cards, chart, top products, the shop and
 * its sync status, and the page's actions in the App Bridge title bar. The route
 * (routes/app._index.tsx) loads the data and renders this once it has arrived; until then
 * it shows DashboardSkeleton.
 */
import { useActionData, useFetcher, useLocation, useNavigate, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";

import { DateRangeControl, type CompareChoice, type RangeChoice } from "~/components/date-range-control";
import { KpiCards } from "~/components/kpi-cards";
import { ReportSkeleton } from "~/components/report-skeleton";
import { SalesChart } from "~/components/sales-chart";
import { SyncStatusCard } from "~/components/sync-status-card";
import { TopProductsTable } from "~/components/top-products-table";
import { downloadFile } from "~/lib/download";
import { formatDay, reachesBeforeHistory } from "~/reports/history";
import type { ProductSort } from "~/reports/product-sort";
import type { DashboardActionResult, DashboardData } from "~/routes/app._index";

/** Params that change the period: a change to any of them reloads every figure. */
const RANGE_PARAMS = ["preset", "from", "to", "compare"];

/** The dashboard with its figures (the route renders it once its data has arrived). */
export function DashboardContent({ data }: { data: DashboardData }) {
  const { shop, sync, today, presets, selection, sort, hasData, report, completeFrom, paramProblems, feesBackfilling } = data;
  const actionData = useActionData<DashboardActionResult>();
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  const saver = useFetcher<DashboardActionResult>();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const openedReport = useRef<string | null>(null);
  const revalidator = useRevalidator();

  // While the first sync runs, refresh its progress (and show reports when it ends).
  const syncing = sync.state === "running" || sync.state === "never";
  useEffect(() => {
    if (!syncing) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, 3000);
    return () => clearInterval(timer);
  }, [syncing, revalidator]);

  // Keep the admin's own params (host, shop, embedded): only ours change.
  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    // The table and the controls are below the fold: a new sort must not jump to the top.
    setSearchParams(next, { preventScrollReset: true });
  };
  const onRangeChange = (choice: RangeChoice) =>
    update("preset" in choice ? { preset: choice.preset, from: null, to: null } : { preset: null, from: choice.from, to: choice.to });
  const onCompareChange = (compare: CompareChoice) => update({ compare: compare === "previous_period" ? null : compare });
  const onSort = (next: ProductSort) => update({ sort: next.column, dir: next.direction });

  // A new period shows skeletons; a new sort only marks the table as loading.
  const pending = navigation.state === "loading" && navigation.location.pathname === location.pathname ? new URLSearchParams(navigation.location.search) : null;
  const periodLoading = pending !== null && RANGE_PARAMS.some((key) => (pending.get(key) ?? "") !== (searchParams.get(key) ?? ""));

  const period = { from: selection.from, to: selection.to, compare: selection.compare };
  const onSave = () => saver.submit({ intent: "save-report", ...period }, { method: "post" });
  const savedReportId = saver.data?.savedReportId;
  const saveError = saver.data?.saveError;
  useEffect(() => {
    if (saver.state !== "idle" || !savedReportId || openedReport.current === savedReportId) return;
    openedReport.current = savedReportId;
    shopify.toast.show("Report saved");
    navigate(`/app/reports/${savedReportId}`);
  }, [saver.state, savedReportId, navigate, shopify]);

  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile(`/app/reports/export?${new URLSearchParams(period)}`, "margin-notes-report.csv");
      shopify.toast.show("Report exported");
    } catch (error) {
      setExportError(error instanceof Error ? error.message : "The export failed.");
    } finally {
      setExporting(false);
    }
  };

  const showReports = hasData || sync.state === "completed";
  const hasSales = report.current.orders > 0 || report.series.some((p) => p.netSales !== "0.00" || p.totalSales !== "0.00");
  const partialHistory = reachesBeforeHistory(completeFrom, report.range.period, report.range.compare);
  const allBeforeHistory = completeFrom !== null && report.range.period.to < completeFrom;

  return (
    <Page title="Dashboard">
      {/* The page's actions live in the admin's title bar (App Bridge), their one place. */}
      <TitleBar title="Margin Notes">
        {showReports ? (
          <>
            <button variant="primary" onClick={onSave} loading={saver.state !== "idle" ? "" : undefined} disabled={periodLoading || saver.state !== "idle"}>Save report</button>
            <button onClick={() => void onExport()} loading={exporting ? "" : undefined} disabled={periodLoading || exporting}>Export CSV</button>
          </>
        ) : null}
      </TitleBar>
      <Layout>
        {showReports ? (
          <Layout.Section>
            <BlockStack gap="400">
              {paramProblems.length ? (
                <Banner tone="warning" title="These report settings could not be used">
                  <p>{paramProblems.join(" ")} Showing the last 30 days instead; choose other dates below.</p>
                </Banner>
              ) : null}
              {saveError ? <Banner tone="critical" title="The report was not saved"><p>{saveError}</p></Banner> : null}
              {exportError ? (
                <Banner tone="critical" title="The export did not run" onDismiss={() => setExportError(null)}>
                  <p>{exportError}</p>
                </Banner>
              ) : null}
              <DateRangeControl
                key={`${selection.preset}:${selection.from}:${selection.to}`}
                value={selection}
                today={today}
                presets={presets}
                comparePeriod={report.range.compare}
                onRangeChange={onRangeChange}
                onCompareChange={onCompareChange}
              />
              {partialHistory && completeFrom ? (
                <Banner tone="info" title={`Figures are complete from ${formatDay(completeFrom)}`}>
                  <p>
                    Shopify lets Margin Notes read the last 60 days of orders until the app is granted access
                    to all orders. Days before {formatDay(completeFrom)} show only what could be read: they are not
                    complete sales figures, and changes to those older orders are not included.
                  </p>
                </Banner>
              ) : null}
              {report.requestedFrom && !periodLoading ? (
                <Banner tone="info" title={`Showing ${formatDay(report.range.period.from)} – ${formatDay(report.range.period.to)}`}>
                  <p>
                    Margin Notes holds this store&apos;s orders from {formatDay(report.range.period.from)}, so the
                    days from {formatDay(report.requestedFrom)} before it are not shown: there are no figures for them.
                  </p>
                </Banner>
              ) : null}
              {periodLoading ? (
                <ReportSkeleton />
              ) : allBeforeHistory && completeFrom ? (
                <Card>
                  <EmptyState
                    heading={`Figures are complete from ${formatDay(completeFrom)}`}
                    image="/images/empty-state.svg"
                    action={{ content: `Show from ${formatDay(completeFrom)}`, onAction: () => onRangeChange({ from: completeFrom, to: today }) }}
                  >
                    <p>These dates are older than the orders Shopify lets Margin Notes read, so there are no figures to show for them.</p>
                  </EmptyState>
                </Card>
              ) : hasSales ? (
                <>
                  <KpiCards current={report.current} previous={report.previous} currency={shop.currency} feesBackfilling={feesBackfilling} />
                  <SalesChart
                    series={report.series} currency={shop.currency} period={report.range.period} totals={report.current} today={today}
                    comparePeriod={report.range.compare} compareMode={report.range.compareMode} previous={report.previous}
                    compareSeries={report.compareSeries} hours={report.hours}
                  />
                  <TopProductsTable products={report.topProducts} currency={shop.currency} sort={sort} onSort={onSort} loading={pending !== null} />
                </>
              ) : (
                <Card>
                  <EmptyState
                    heading="No sales in this period"
                    image="/images/empty-state.svg"
                    action={selection.preset !== "last365" ? { content: "Show the last 365 days", onAction: () => onRangeChange({ preset: "last365" }) } : undefined}
                  >
                    <p>Orders, returns and profit for the selected dates appear here as soon as there are any.</p>
                  </EmptyState>
                </Card>
              )}
            </BlockStack>
          </Layout.Section>
        ) : null}
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">{shop.name}</Text>
              <InlineStack gap="400">
                <Text as="span" tone="subdued">{shop.domain}</Text>
                <Text as="span" tone="subdued">Currency: {shop.currency}</Text>
                <Text as="span" tone="subdued">Time zone: {shop.timezone}</Text>
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <SyncStatusCard status={sync} timeZone={shop.timezone} retryError={actionData?.retryError} />
        </Layout.Section>
        {!showReports ? (
          <Layout.Section>
            <Card>
              <EmptyState heading="Your first reports are on their way" image="/images/empty-state.svg">
                <p>
                  Margin Notes is reading your orders, products and costs. Revenue, profit and margin
                  reports appear here as soon as the first sync finishes.
                </p>
              </EmptyState>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
