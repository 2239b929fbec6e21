import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, useLoaderData, useNavigation, useRouteError, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, EmptyState, IndexTable, Page, Select, Text, useBreakpoints } from "@shopify/polaris";
import { useState } from "react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { resolveActivityTargets } from "~/reports/activity-targets.server";
import { listActivity, parseActivityFilter } from "~/security/audit-log.server";
import { authenticate } from "~/shopify.server";
import { readShopTimezone } from "~/shops.server";
import { downloadFile } from "~/lib/download";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Activity" };

export const meta: MetaFunction = () => [{ title: "Activity · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  const filter = parseActivityFilter(new URL(request.url).searchParams);
  return listActivity(session.shop, filter, { readTimezone: readShopTimezone, resolveTargets: resolveActivityTargets });
};

const EXPORT_PATH = "/app/activity/export";

const downloadActivityCsv = (action: string | undefined) =>
  downloadFile(`${EXPORT_PATH}${action ? `?${new URLSearchParams({ action })}` : ""}`, "margin-notes-activity.csv");

export default function Activity() {
  const page = useLoaderData<typeof loader>();
  const [searchParams, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const condensed = useBreakpoints().smDown;
  const shopify = useAppBridge();
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);

  // Keep the admin's own params (host, shop, embedded): only the filter and cursor change.
  const go = (changes: { action?: string; before?: number | null }) => {
    const next = new URLSearchParams(searchParams);
    if (changes.action !== undefined) {
      if (changes.action) next.set("action", changes.action);
      else next.delete("action");
    }
    if (changes.before) next.set("before", String(changes.before));
    else next.delete("before");
    setSearchParams(next);
  };

  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadActivityCsv(page.filter.action);
      shopify.toast.show("Activity exported");
    } catch (error) {
      setExportError(error instanceof Error ? error.message : "The export failed.");
    } finally {
      setExporting(false);
    }
  };

  const options = [{ label: "All actions", value: "" }, ...page.actions.map((a) => ({ label: a.label, value: a.value }))];
  const empty = (
    <EmptyState heading={page.filter.action ? "No events of this kind yet" : "No activity yet"} image="/images/empty-state.svg">
      <p>Installs, exports, data requests and other security-relevant events appear here as they happen.</p>
    </EmptyState>
  );

  return (
    <Page
      title="Activity"
      subtitle={`Security-relevant events for this shop. Times are in ${page.timezone}.`}
    >
      <TitleBar title="Activity">
        <button variant="primary" onClick={() => void onExport()} loading={exporting ? "" : undefined} disabled={exporting || page.rows.length === 0}>Export CSV</button>
      </TitleBar>
      <BlockStack gap="400">
        {exportError ? (
          <Banner tone="critical" title="The export did not run" onDismiss={() => setExportError(null)}>
            <p>{exportError}</p>
          </Banner>
        ) : null}
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Select label="Action" labelInline options={options} value={page.filter.action ?? ""} onChange={(value) => go({ action: value, before: null })} />
          </div>
          <IndexTable
            resourceName={{ singular: "event", plural: "events" }}
            itemCount={page.rows.length}
            selectable={false}
            // Polaris' small-screen pattern: rows as a list, no table to scroll sideways.
            condensed={condensed}
            loading={navigation.state === "loading"}
            emptyState={empty}
            headings={[{ title: "Time" }, { title: "Action" }, { title: "Actor" }, { title: "Target" }, { title: "Details" }]}
            pagination={{
              hasPrevious: page.previous !== null,
              onPrevious: () => go({ before: page.previous?.before ?? null }),
              hasNext: page.nextBefore !== null,
              onNext: () => go({ before: page.nextBefore }),
            }}
          >
            {page.rows.map((row, index) => (
              <IndexTable.Row id={String(row.seq)} key={row.seq} position={index}>
                <IndexTable.Cell>
                  <time dateTime={row.timeIso}>{row.time}</time>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" fontWeight="semibold">{row.actionLabel}</Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.actor}</IndexTable.Cell>
                {/* Index table cells do not wrap; long targets and details would make the
                    table a sideways-scrolling region (axe: scrollable-region-focusable). */}
                <IndexTable.Cell>
                  <div style={WRAP}>{row.targetUrl ? <Link to={row.targetUrl}>{row.target}</Link> : row.target ?? "—"}</div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <div style={WRAP}>
                    <Text as="span" tone="subdued" breakWord>{row.details || "—"}</Text>
                  </div>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

const WRAP = { whiteSpace: "normal", overflowWrap: "anywhere", maxWidth: "26rem" } as const;

// A bad filter in the URL is the merchant's to fix: say so and offer the way back.
// Everything else: Shopify's auth responses as they are, an unexpected error as the app's error page.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 400) {
    return (
      <Page title="Activity">
        <TitleBar title="Activity" />
        <Banner tone="warning" title="This activity filter is not valid" action={{ content: "Show all activity", url: "/app/activity" }}>
          <p>{typeof error.data === "string" ? error.data : "Check the address and try again."}</p>
        </Banner>
      </Page>
    );
  }
  return appRouteError(error);
}
