/**
 * What the frame shows while the dashboard's figures are on their way (the first open of the
 * app, a reload): the page's title, its title bar and grey blocks where the date controls,
 * the report and the shop and sync cards will be, so the frame is never blank and nothing
 * jumps when the data arrives. The title bar has no buttons yet: Save report and Export CSV
 * appear with a report to save.
 */
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, Layout, Page, SkeletonBodyText, SkeletonDisplayText } from "@shopify/polaris";

import { ReportSkeleton } from "./report-skeleton";

function CardSkeleton() {
  return (
    <Card>
      <BlockStack gap="200">
        <SkeletonDisplayText size="small" />
        <SkeletonBodyText lines={1} />
      </BlockStack>
    </Card>
  );
}

export function DashboardSkeleton() {
  return (
    <Page title="Dashboard">
      <TitleBar title="Margin Notes" />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <SkeletonBodyText lines={2} />
            </Card>
            <ReportSkeleton />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <CardSkeleton />
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <CardSkeleton />
        </Layout.Section>
      </Layout>
    </Page>
  );
}
