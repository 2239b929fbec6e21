import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, useLoaderData, useNavigation, useRouteError, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, DescriptionList, Layout, Page, Text } from "@shopify/polaris";
import { useState } from "react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { MetricsList } from "~/components/metrics-list";
import { NarrativeCard } from "~/components/narrative-card";
import { SalesChart } from "~/components/sales-chart";
import { TopProductsTable } from "~/components/top-products-table";
import { downloadFile } from "~/lib/download";
import { formatPeriod } from "~/lib/format";
import { loadNarrativeCard } from "~/reports/narrate.server";
import { loadSavedReportPage } from "~/reports/saved.server";
import { reportIdFromParam, sortFromParams } from "~/reports/params.server";
import type { ProductSort } from "~/reports/product-sort";
import { authenticate } from "~/shopify.server";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Saved report" };

export const meta: MetaFunction = () => [{ title: "Saved report · Margin Notes" }];

// A snapshot as it was saved: the same figures every time it is opened, whatever
// has synced since. Another shop's id is simply not found (row level security).
export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  const reportId = reportIdFromParam(params.reportId);
  const sort = sortFromParams(new URL(request.url).searchParams);
  const page = await loadSavedReportPage(session.shop, reportId, sort);
  // The narrative card (app/components/narrative-card.tsx): the newest narrative, if any.
  return { ...page, ...(await loadNarrativeCard(session.shop, reportId)) };
};

const COMPARE_WORDS = { previous_period: "previous period", previous_year: "previous year", none: "" } as const;

export default function SavedReport() {
  const { report, sort, narrative, ai } = useLoaderData<typeof loader>();
  const { data } = report;
  const [searchParams, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  const onSort = (next: ProductSort) => {
    const params = new URLSearchParams(searchParams);
    params.set("sort", next.column);
    params.set("dir", next.direction);
    setSearchParams(params, { preventScrollReset: true });
  };

  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile(`/app/reports/export?${new URLSearchParams({ reportId: report.id })}`, "margin-notes-report.csv");
      shopify.toast.show("Report exported");
    } catch (error) {
      setExportError(error instanceof Error ? error.message : "The export failed.");
    } finally {
      setExporting(false);
    }
  };

  const { period, compare, compareMode } = data.range;
  const details = [
    { term: "Period", description: formatPeriod(period) },
    { term: "Compared with", description: compare ? `${formatPeriod(compare)} (${COMPARE_WORDS[compareMode]})` : "No comparison" },
    { term: "Currency", description: data.currencyCode },
    { term: "Saved", description: report.savedAt },
    { term: "Saved by", description: report.savedBy },
  ];

  return (
    <Page
      title={`Report: ${formatPeriod(period)}`}
      backAction={{ content: "Saved reports", url: "/app/reports" }}
    >
      <TitleBar title="Saved report">
        <button variant="primary" onClick={() => void onExport()} loading={exporting ? "" : undefined} disabled={exporting}>Export CSV</button>
      </TitleBar>
      <Layout>
        {exportError ? (
          <Layout.Section>
            <Banner tone="critical" title="The export did not run" onDismiss={() => setExportError(null)}>
              <p>{exportError}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">About this report</Text>
              <DescriptionList items={details} gap="tight" />
              <Text as="p" tone="subdued">The figures are a snapshot taken when the report was saved; later syncs do not change them.</Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <NarrativeCard reportId={report.id} narrative={narrative} ai={ai} />
        </Layout.Section>
        <Layout.Section>
          <MetricsList current={data.current} previous={data.previous} currency={data.currencyCode} />
        </Layout.Section>
        <Layout.Section>
          <SalesChart
            series={data.series} currency={data.currencyCode} period={period} totals={data.current} today={report.savedDay}
            comparePeriod={compare} compareMode={compareMode} previous={data.previous} compareSeries={data.compareSeries} hours={data.hours}
          />
        </Layout.Section>
        <Layout.Section>
          <TopProductsTable
            products={data.topProducts}
            currency={data.currencyCode}
            sort={sort}
            onSort={onSort}
            loading={navigation.state === "loading"}
            heading="Top products (as saved)"
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 400 || error.status === 404)) {
    return (
      <Page title="Saved report" backAction={{ content: "Saved reports", url: "/app/reports" }}>
        <TitleBar title="Saved report" />
        <Banner tone="warning" title={error.status === 404 ? "This report was not found" : "This address is not valid"} action={{ content: "Show saved reports", url: "/app/reports" }}>
          <p>{typeof error.data === "string" ? error.data : "Check the address and try again."}</p>
        </Banner>
      </Page>
    );
  }
  return appRouteError(error);
}
