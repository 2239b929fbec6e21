import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useActionData, useFetcher, useLoaderData, useLocation, useNavigate, useNavigation, useRevalidator, useRouteError, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useRef, useState } from "react";

import { DateRangeControl, type CompareChoice, type RangeChoice } from "~/components/date-range-control";
import { KpiCards } from "~/components/kpi-cards";
import { ReportSkeleton } from "~/components/report-skeleton";
import { SalesChart } from "~/components/sales-chart";
import { SyncStatusCard } from "~/components/sync-status-card";
import { TopProductsTable } from "~/components/top-products-table";
import { env } from "~/env.server";
import { downloadFile } from "~/lib/download";
import { buildReport } from "~/reports/build.server";
import { loadDashboardPage } from "~/reports/dashboard.server";
import { failFast } from "~/db/query-limits.server";
import { completeFromDay, formatDay, reachesBeforeHistory } from "~/reports/history";
import {
  dashboardActionFromForm, dateControlOptions, rangeOrMessage, reportParamsOrDefault, selectionOf,
} from "~/reports/params.server";
import type { ProductSort } from "~/reports/product-sort";
import { requestOrigin } from "~/security/audit.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { childRouteHeaders, readForm, requireMethod } from "~/security/request-guards.server";
import { requireShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";
import { retrySync } from "~/sync/bulk.server";

export const meta: MetaFunction = () => [{ title: "Margin Notes" }];

// ?preset= or ?from=&to=, plus ?compare= and the table's ?sort=&dir=. Values the
// server refuses are a 400 that still renders the page, with the default period, its
// date controls and the message (never a 500, never a page without the controls); a
// report query that overruns its time limit is a 503 with a message.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, admin } = await authenticate.admin(request, context);
  const params = new URL(request.url).searchParams;
  let problems: string[] = [];
  const choose = (row: { ianaTimezone: string }) => {
    const chosen = reportParamsOrDefault(params, row.ianaTimezone);
    problems = chosen.problems;
    return chosen;
  };
  // One transaction per load (a query stopped by its time limit is a 503 with a
  // message, not a 500); the very first load writes the shop's row first.
  const page = (await failFast(() => loadDashboardPage(session.shop, choose)))
    ?? (await requireShop(session.shop, session.scope, admin), await failFast(() => loadDashboardPage(session.shop, choose)));
  if (!page) throw new Response("The shop could not be set up; reload the app.", { status: 503, headers: { "Retry-After": "5" } });
  return data(dashboardView(page, params, problems), { status: problems.length ? 400 : 200 });
};

type DashboardPage = NonNullable<Awaited<ReturnType<typeof loadDashboardPage>>>;

/** What the page receives (dates already as text). */
function dashboardView({ shop, sync, range, sort, hasData, report, ledgerBackfill }: DashboardPage, params: URLSearchParams, problems: string[]) {
  return {
    paramProblems: problems,
    shop: { name: shop.name ?? shop.shopId, domain: shop.shopId, currency: shop.currencyCode, timezone: shop.ianaTimezone },
    sync: { ...sync, lastCompletedAt: sync.lastCompletedAt?.toISOString() ?? null },
    ...dateControlOptions(shop.ianaTimezone),
    selection: selectionOf(problems.length ? new URLSearchParams() : params, range),
    sort,
    hasData,
    report,
    // Without read_all_orders: the first local day whose figures are complete.
    completeFrom: completeFromDay(shop.historyFrom, shop.ianaTimezone),
    // Synced before payment-fee sync: fees are being read (app/sync/ledger-backfill.server.ts).
    feesBackfilling: ledgerBackfill !== "current",
  };
}
type DashboardData = ReturnType<typeof dashboardView>;

/** Every answer of the action, errors included (those go out with a 4xx status). */
interface ActionResult {
  retryError?: string;
  saveError?: string;
  savedReportId?: string;
}

/** A rate limit's 429 as the action's JSON, keeping its Retry-After; anything else is rethrown. */
function limited(error: unknown, body: ActionResult): Response {
  if (!(error instanceof Response) || error.status !== 429) throw error;
  return Response.json(body, { status: 429, headers: { "Retry-After": error.headers.get("Retry-After") ?? "60" } });
}

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken, admin } = await authenticate.admin(request, context);
  const input = dashboardActionFromForm(await readForm(request));
  if (!input) return Response.json({ retryError: "Unknown action." } satisfies ActionResult, { status: 400 });
  const actor = { type: "staff", id: String(sessionToken?.sub ?? "unknown") } as const;
  if (input.intent === "save-report") {
    const shop = await requireShop(session.shop, session.scope, admin);
    const parsed = rangeOrMessage(input, shop.ianaTimezone);
    if ("message" in parsed) return Response.json({ saveError: parsed.message } satisfies ActionResult, { status: 400 });
    try {
      await rateLimit(`shop:${session.shop}:save-report`, policies.saveReport);
    } catch (error) {
      return limited(error, { saveError: `Reports can be saved ${policies.saveReport.limit} times an hour. Try again later.` });
    }
    const { reportId } = await buildReport(session.shop, parsed.range, shop.currencyCode, actor);
    return { savedReportId: reportId } satisfies ActionResult;
  }
  try {
    await retrySync(session.shop, actor, requestOrigin(request, env.TRUSTED_PROXY_HOPS));
    return {} satisfies ActionResult;
  } catch (error) {
    return limited(error, { retryError: "Sync was retried recently. Try again in a little while." });
  }
};

// The action's own headers (a 429's Retry-After) and a refusal's reach the client.
export const headers: HeadersFunction = childRouteHeaders;

/** Params that change the period: a change to any of them reloads every figure. */
const RANGE_PARAMS = ["preset", "from", "to", "compare"];

export default function Dashboard() {
  const { shop, sync, today, presets, selection, sort, hasData, report, completeFrom, paramProblems, feesBackfilling } = useLoaderData<DashboardData>();
  const actionData = useActionData<ActionResult>();
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const shopify = useAppBridge();
  const saver = useFetcher<ActionResult>();
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

// A bad date range in the URL is the merchant's to fix: say what is wrong and
// offer the way back. Everything else (Shopify's auth responses included) goes to
// Shopify's boundary.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 400) {
    return (
      <Page title="Dashboard">
        <TitleBar title="Margin Notes" />
        <Banner tone="warning" title="These report settings are not valid" action={{ content: "Show the last 30 days", url: "/app" }}>
          <p>{typeof error.data === "string" ? error.data : "Check the address and try again."}</p>
        </Banner>
      </Page>
    );
  }
  if (isRouteErrorResponse(error) && error.status === 503) {
    return (
      <Page title="Dashboard">
        <TitleBar title="Margin Notes" />
        <Banner tone="warning" title="The report is not available right now" action={{ content: "Try again", url: "/app" }}>
          <p>{typeof error.data === "string" ? error.data : "Try again in a moment."}</p>
        </Banner>
      </Page>
    );
  }
  return boundary.error(error);
}
