/**
 * Where the store's data stands: a progress bar while the backfill runs, when it
 * last completed, and a clear failure message with a retry.
 */
import { Form, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";

import { formatEta } from "~/sync/progress";

export interface SyncStatusView {
  state: "never" | "running" | "completed" | "failed";
  kind: "orders" | "products" | null;
  phase: "exporting" | "importing" | "finishing" | null;
  /** Orders (or products) imported, of total (null until Shopify's export is ready). */
  processed: number;
  total: number | null;
  etaSeconds: number | null;
  lastCompletedAt: string | null;
  error: string | null;
}

const number = new Intl.NumberFormat("en-US");

/** One line a merchant reads: what is happening, in orders, and about how long is left. */
export function describeSync(status: SyncStatusView, what: string): string {
  if (status.state === "never") return "Preparing your first sync…";
  if (status.phase === "finishing") return `All ${what} read: adding up your reports…`;
  if (status.phase === "importing" && status.total !== null) {
    const left = status.etaSeconds !== null ? ` · ${formatEta(status.etaSeconds)} left` : "";
    return `Importing ${what}: ${number.format(status.processed)} of ${number.format(status.total)}${left}`;
  }
  return `Shopify is preparing your ${what} for export…`;
}

function formatWhen(iso: string, timeZone: string) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

export function SyncStatusCard({ status, timeZone, retryError }: { status: SyncStatusView; timeZone: string; retryError?: string }) {
  const navigation = useNavigation();
  const retrying = navigation.state !== "idle" && navigation.formData?.get("intent") === "retry-sync";
  const percent = status.phase === "finishing" ? 100 : status.total ? Math.min(100, Math.round((status.processed / status.total) * 100)) : 0;
  const what = status.kind === "products" ? "products and costs" : "orders";

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Store data</Text>
        {status.state === "running" || status.state === "never" ? (
          <BlockStack gap="200">
            <Text as="p">{describeSync(status, what)}</Text>
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
            {/* Every time the app shows is on the shop's clock, and says which clock. */}
            {status.lastCompletedAt ? `Last full sync: ${formatWhen(status.lastCompletedAt, timeZone)} (${timeZone})` : "No completed sync yet"}
          </Text>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
