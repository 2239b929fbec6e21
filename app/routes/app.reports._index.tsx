import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Card, EmptyState, IndexTable, Page, Text } from "@shopify/polaris";

import { formatPeriod } from "~/lib/format";
import { listSavedReportsPage } from "~/reports/saved.server";
import { authenticate } from "~/shopify.server";

export const meta: MetaFunction = () => [{ title: "Saved reports · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  return listSavedReportsPage(session.shop);
};

export default function SavedReports() {
  const { rows, timezone } = useLoaderData<typeof loader>();
  return (
    <Page title="Saved reports" subtitle={`Snapshots saved from the dashboard. Times are in ${timezone}.`}>
      <TitleBar title="Saved reports" />
      <Card padding="0">
        <IndexTable
          resourceName={{ singular: "report", plural: "reports" }}
          itemCount={rows.length}
          selectable={false}
          headings={[{ title: "Period" }, { title: "Saved" }, { title: "Saved by" }]}
          emptyState={
            <EmptyState heading="No saved reports yet" image="/images/empty-state.svg" action={{ content: "Go to the dashboard", url: "/app" }}>
              <p>Choose a period on the dashboard and press “Save report” to keep its figures as they are today.</p>
            </EmptyState>
          }
        >
          {rows.map((row, index) => (
            <IndexTable.Row id={row.reportId} key={row.reportId} position={index}>
              <IndexTable.Cell>
                <Link to={`/app/reports/${row.reportId}`}>
                  <Text as="span" fontWeight="semibold">{formatPeriod(row.period)}</Text>
                </Link>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <time dateTime={row.savedAtIso}>{row.savedAt}</time>
              </IndexTable.Cell>
              <IndexTable.Cell>{row.savedBy}</IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>
    </Page>
  );
}
