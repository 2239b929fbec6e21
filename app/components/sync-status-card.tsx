/**
 * Where the store's data stands: a progress bar while the backfill runs, when it
 * last completed, and a clear failure message with a retry.
 */
import { Form, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";

export interface SyncStatusView {
  state: "never" | "running" | "completed" | "failed";
  kind: "orders" | "products" | null;
  processed: number;
  total: number | null;
  lastCompletedAt: string | null;
  error: string | null;
}

const number = new Intl.NumberFormat("en-US");

function formatWhen(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

export function SyncStatusCard({ status, timeZone, retryError }: { status: SyncStatusView; timeZone: string; retryError?: string }) {
  const navigation = useNavigation();
  const retrying = navigation.state !== "idle" && navigation.formData?.get("intent") === "retry-sync";
  const percent = status.total ? Math.min(100, Math.round((status.processed / status.total) * 100)) : 0;
  const what = status.kind === "products" ? "products and costs" : "orders";

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Store data</Text>
        {status.state === "running" || status.state === "never" ? (
          <BlockStack gap="200">
            <Text as="p">
              {status.state === "never"
                ? "Preparing your first sync…"
                : status.total
                  ? `Reading ${what}: ${number.format(status.processed)} of ${number.format(status.total)} records`
                  : `Waiting for Shopify to prepare your ${what}…`}
            </Text>
            <ProgressBar progress={percent} size="small" ariaLabelledBy="sync-progress-label" />
            <span id="sync-progress-label" hidden>Sync progress</span>
          </BlockStack>
        ) : null}
        {status.state === "failed" ? (
          <Banner tone="critical" title="The last sync did not finish">
            <BlockStack gap="200">
              <p>{status.error ?? "Shopify reported an error while preparing your data."} Your reports show the data synced before it.</p>
              <Form method="post">
                <input type="hidden" name="intent" value="retry-sync" />
                <Button submit loading={retrying}>Retry sync</Button>
              </Form>
            </BlockStack>
          </Banner>
        ) : null}
        {retryError ? <Banner tone="warning">{retryError}</Banner> : null}
        <InlineStack gap="200">
          <Text as="span" tone="subdued">
            {status.lastCompletedAt ? `Last full sync: ${formatWhen(status.lastCompletedAt, timeZone)}` : "No completed sync yet"}
          </Text>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
