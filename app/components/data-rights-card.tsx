/**
 * "Your data" on the Security page: export everything, or erase everything now. Both
 * are the store owner's (the server refuses anyone else); erasing asks the owner to
 * type the store's domain in a confirmation dialog.
 */
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Modal, Text, TextField } from "@shopify/polaris";
import { useState } from "react";

import { downloadFile } from "~/lib/download";
import type { EraseActionData } from "~/routes/app.data.erase";

export function DataRightsCard({ shop }: { shop: string }) {
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  const erase = useFetcher<EraseActionData>();
  const erased = erase.data?.ok === true;
  const eraseError = erase.data && !erase.data.ok ? erase.data.message : null;

  const exportAll = async () => {
    setExporting(true);
    setExportError(null);
    try {
      await downloadFile("/app/data/export", "margin-notes-data.tar.gz");
    } catch (error) {
      setExportError((error as Error).message);
    } finally {
      setExporting(false);
    }
  };

  const close = () => {
    setConfirming(false);
    setTyped("");
  };
  const eraseNow = () => {
    erase.submit({ confirm: typed }, { method: "post", action: "/app/data/erase" });
    close();
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingLg">Your data</Text>
        <Text as="p">
          The store owner can download everything Margin Notes holds for this store, or erase it now without uninstalling.
          Both are recorded in the audit trail.
        </Text>
        {exportError ? <Banner tone="critical" title="The export did not start" onDismiss={() => setExportError(null)}><p>{exportError}</p></Banner> : null}
        {eraseError ? <Banner tone="critical" title="Nothing was erased"><p>{eraseError}</p></Banner> : null}
        {erased ? (
          <Banner tone="success" title="Your data is being erased">
            <p>Every record of this store is being deleted, as when Shopify asks us to after an uninstall. The next time you open Margin Notes it starts afresh, like a new installation.</p>
          </Banner>
        ) : null}
        <InlineStack gap="300">
          <Button onClick={exportAll} loading={exporting} disabled={exporting}>Export all my data</Button>
          <Button tone="critical" onClick={() => setConfirming(true)} disabled={erased || erase.state !== "idle"}>Delete my data now</Button>
        </InlineStack>
        <Modal
          open={confirming}
          onClose={close}
          title="Delete all of this store's data now?"
          primaryAction={{ content: "Delete my data now", destructive: true, disabled: typed.trim().toLowerCase() !== shop, onAction: eraseNow }}
          secondaryActions={[{ content: "Cancel", onAction: close }]}
        >
          <Modal.Section>
            <BlockStack gap="300">
              <Text as="p">
                Reports, narratives, settings, cost history, sync history and the audit trail are deleted and cannot be recovered
                (backups age out within 7 days). Export them first if you want a copy.
              </Text>
              <TextField label={`Type ${shop} to confirm`} value={typed} onChange={setTyped} autoComplete="off" />
            </BlockStack>
          </Modal.Section>
        </Modal>
      </BlockStack>
    </Card>
  );
}
