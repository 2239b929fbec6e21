/**
 * The Costs page (app/routes/app.costs.tsx): the products table with its filter,
 * the selected variant's cost history and edit form, the CSV import with its
 * preview, and the progress of re-costs. Reads the route's loader data.
 */
import { useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge, Banner, BlockStack, Box, Button, Card, DataTable, DropZone, EmptyState, IndexFilters, IndexTable, InlineStack, Layout, Link,
  Page, Pagination, ProgressBar, Select, Text, TextField, useSetIndexFiltersMode,
} from "@shopify/polaris";
import { Fragment, useEffect, useRef, useState } from "react";

import { downloadFile } from "~/lib/download";
import { formatMoney, formatPercent } from "~/lib/format";
import { COSTS_PAGE_SIZE, SOURCE_LABELS, type CostsActionData, type CostsPageData, type RecostView } from "~/sync/costs/cost-types";

type LoaderData = CostsPageData & {
  params: { filter: "all" | "missing"; q: string; page: number; period: string; variant?: string };
  period: { from: string; to: string };
  owner: boolean;
  unverified: string | null;
};

const PERIOD_OPTIONS = [
  { label: "Last 7 days", value: "last7" },
  { label: "Last 30 days", value: "last30" },
  { label: "Last 90 days", value: "last90" },
  { label: "Last 365 days", value: "last365" },
];
const TABS = [
  { id: "all", content: "All products" },
  { id: "missing", content: "No cost recorded" },
];

export function CostsView() {
  const data = useLoaderData<LoaderData>();
  const [searchParams, setSearchParams] = useSearchParams();
  const navigation = useNavigation();
  const shopify = useAppBridge();
  const { mode, setMode } = useSetIndexFiltersMode();
  const [query, setQuery] = useState(data.params.q);
  const set = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(searchParams);
    for (const [k, v] of Object.entries(changes)) if (v === null || v === "") next.delete(k); else next.set(k, v);
    setSearchParams(next);
  };
  const active = data.recosts.some((r) => r.status === "queued" || r.status === "running");
  useRecostPolling(active);
  const currency = data.currency;
  const readOnly = !data.owner;
  // The title bar's Import: the import form is on the page, below the costs; take the merchant there.
  const importCard = useRef<HTMLDivElement>(null);
  const showImport = () => {
    importCard.current?.scrollIntoView({ block: "start" });
    importCard.current?.focus({ preventScroll: true });
  };

  return (
    <Page title="Costs" fullWidth>
      {/* The page's actions live in the admin's title bar (App Bridge), their one place. */}
      <TitleBar title="Costs">
        <button onClick={showImport}>Import costs</button>
        <button onClick={() => void downloadFile("/app/costs/export", "margin-notes-costs.csv").catch((e: Error) => shopify.toast.show(e.message, { isError: true }))}>
          Export costs (CSV)
        </button>
      </TitleBar>
      <Layout>
        <Layout.Section>
          <Banner tone="info" title="Costs you set here stay in Margin Notes">
            <p>
              Margin Notes never writes costs to Shopify. A cost you set takes effect at the start of its date in the
              store&apos;s time zone ({data.timezone}) and re-costs the sales from then until the item&apos;s next recorded
              cost. If the cost later changes in Shopify, Shopify&apos;s new cost applies from the moment of that change onward;
              sales before it keep yours.
            </p>
          </Banner>
        </Layout.Section>
        {readOnly ? (
          <Layout.Section>
            <Banner tone="warning" title="Only the store owner can change costs">
              <p>{data.unverified ?? "You can see the costs; ask the store owner to change them."}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <RecostProgress recosts={data.recosts} />
        </Layout.Section>
        {data.history ? (
          <Layout.Section>
            <EditCard data={data} readOnly={readOnly} onClose={() => set({ variant: null })} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="p" data-testid="costs-summary">
              {`In the period (${data.period.from} to ${data.period.to}), ${formatMoney(data.periodNetSalesWithoutCost, currency)} of ` +
                `${formatMoney(data.periodNetSales, currency)} net sales has no cost recorded` +
                (data.periodShareWithoutCost !== null ? ` (${formatPercent(data.periodShareWithoutCost)}).` : ".")}
            </Text>
            <InlineStack gap="300" blockAlign="end" wrap>
              <Box minWidth="200px">
                <Select label="Net sales over" options={PERIOD_OPTIONS} value={data.params.period} onChange={(v) => set({ period: v, page: null })} />
              </Box>
            </InlineStack>
            <Card padding="0">
              <IndexFilters
                tabs={TABS.map((t) => ({ ...t, onAction: () => undefined }))}
                selected={data.params.filter === "missing" ? 1 : 0}
                onSelect={(i) => set({ filter: TABS[i]!.id === "all" ? null : "missing", page: null })}
                queryValue={query}
                queryPlaceholder="Search by product, variant or SKU"
                onQueryChange={setQuery}
                onQueryClear={() => { setQuery(""); set({ q: null, page: null }); }}
                filters={[]}
                onClearAll={() => { setQuery(""); set({ q: null, page: null }); }}
                mode={mode}
                setMode={setMode}
                cancelAction={{ onAction: () => { setQuery(data.params.q); } }}
                primaryAction={{ type: "save", onAction: async () => { set({ q: query, page: null }); return true; } }}
                canCreateNewView={false}
                loading={navigation.state === "loading"}
              />
              <CostsTable data={data} onEdit={(variantId) => set({ variant: variantId })} />
              <Box padding="300">
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={data.params.page > 1}
                    onPrevious={() => set({ page: String(data.params.page - 1) })}
                    hasNext={data.params.page * COSTS_PAGE_SIZE < data.total}
                    onNext={() => set({ page: String(data.params.page + 1) })}
                    label={`Page ${data.params.page} of ${Math.max(1, Math.ceil(data.total / COSTS_PAGE_SIZE))}`}
                  />
                </InlineStack>
              </Box>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <div ref={importCard} tabIndex={-1} aria-label="Import costs from CSV" role="region">
            <ImportCard readOnly={readOnly} currency={currency} />
          </div>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

/** While a re-cost runs, reload the page's data every 1.5 s to show its progress. */
function useRecostPolling(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => { if (revalidator.state === "idle") revalidator.revalidate(); }, 1500);
    return () => clearInterval(id);
  }, [active, revalidator]);
}

function RecostProgress({ recosts }: { recosts: RecostView[] }) {
  const latest = recosts[0];
  if (!latest) return null;
  const what = latest.kind === "import" ? `Import of ${latest.entries} cost${latest.entries === 1 ? "" : "s"}` : "Cost edit";
  if (latest.status === "failed") {
    return <Banner tone="critical" title={`${what}: re-costing failed`}><p>{latest.error ?? "The job failed."} The costs are saved; re-costing will run again with the next edit.</p></Banner>;
  }
  if (latest.status === "completed") {
    return (
      <Text as="p" tone="subdued" data-testid="recost-status">
        {`${what}: re-costed ${latest.salesRecosted} sale${latest.salesRecosted === 1 ? "" : "s"} in ${latest.ordersDone} order${latest.ordersDone === 1 ? "" : "s"}; reports are up to date.`}
      </Text>
    );
  }
  const total = latest.ordersTotal ?? 0;
  const percent = total === 0 ? 0 : Math.round((latest.ordersDone / total) * 100);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm">{`${what}: re-costing sales`}</Text>
        <ProgressBar progress={percent} size="small" ariaLabelledBy="recost-progress-label" />
        <Text as="p" tone="subdued" id="recost-progress-label" data-testid="recost-status">
          {latest.status === "queued" ? "Waiting to start…" : `${latest.ordersDone} of ${total} orders re-costed (${percent}%).`}
        </Text>
      </BlockStack>
    </Card>
  );
}

function CostsTable({ data, onEdit }: { data: LoaderData; onEdit(variantId: string): void }) {
  const currency = data.currency;
  const rowCount = data.products.reduce((n, p) => n + 1 + p.variants.length, 0);
  let position = 0;
  return (
    <IndexTable
      resourceName={{ singular: "product", plural: "products" }}
      itemCount={rowCount}
      selectable={false}
      headings={[
        { title: "Product / variant" }, { title: "SKU" }, { title: "Unit cost", alignment: "end" }, { title: "Source" },
        { title: "Effective from" }, { title: "Net sales", alignment: "end" }, { title: "Share", alignment: "end" },
        { title: "Without cost", alignment: "end" }, { title: "Actions", hidden: true, id: "actions" },
      ]}
      emptyState={
        <EmptyState heading={data.params.filter === "missing" ? "Every product has a cost" : "No products yet"} image="/images/empty-state.svg">
          <p>{data.params.filter === "missing" ? "No product in this period lacks a cost." : "Products appear once the catalogue has synced."}</p>
        </EmptyState>
      }
    >
      {data.products.map((p) => (
        <Fragment key={p.productId}>
          <IndexTable.Row rowType="subheader" id={`product-${p.productId}`} position={position++}>
            <IndexTable.Cell as="th" scope="row"><Text as="span" fontWeight="semibold" breakWord>{p.title}</Text></IndexTable.Cell>
            <IndexTable.Cell /><IndexTable.Cell /><IndexTable.Cell /><IndexTable.Cell />
            <IndexTable.Cell><Text as="span" alignment="end" numeric>{formatMoney(p.netSales, currency)}</Text></IndexTable.Cell>
            <IndexTable.Cell><Text as="span" alignment="end" numeric>{p.share === null ? "—" : formatPercent(p.share)}</Text></IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric tone={Number(p.netSalesWithoutCost) !== 0 ? "critical" : undefined}>{formatMoney(p.netSalesWithoutCost, currency)}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell />
          </IndexTable.Row>
          {p.variants.map((v) => (
            <IndexTable.Row rowType="child" id={`variant-${v.variantId}`} key={v.variantId} position={position++}>
              <IndexTable.Cell><Text as="span" breakWord>{v.title ?? "Default"}</Text></IndexTable.Cell>
              <IndexTable.Cell><Text as="span" breakWord>{v.sku ?? "—"}</Text></IndexTable.Cell>
              <IndexTable.Cell>
                {v.unitCost === null
                  ? <InlineStack align="end"><Badge tone="warning">No cost recorded</Badge></InlineStack>
                  : <Text as="span" alignment="end" numeric>{formatMoney(v.unitCost, currency)}</Text>}
              </IndexTable.Cell>
              <IndexTable.Cell>{v.source ? SOURCE_LABELS[v.source] : "—"}</IndexTable.Cell>
              <IndexTable.Cell>{v.effectiveDate ?? "—"}</IndexTable.Cell>
              <IndexTable.Cell /><IndexTable.Cell /><IndexTable.Cell />
              <IndexTable.Cell>
                {v.hasInventoryItem ? (
                  <Button variant="plain" onClick={() => onEdit(v.variantId)} accessibilityLabel={`Edit cost and history of ${p.title} – ${v.title ?? "Default"}`}>
                    Edit cost
                  </Button>
                ) : <Text as="span" tone="subdued">No inventory item</Text>}
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </Fragment>
      ))}
    </IndexTable>
  );
}

function EditCard({ data, readOnly, onClose }: { data: LoaderData; readOnly: boolean; onClose(): void }) {
  const history = data.history!;
  const fetcher = useFetcher<CostsActionData>();
  const shopify = useAppBridge();
  const [cost, setCost] = useState(history.variant.unitCost?.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "") ?? "");
  const [day, setDay] = useState(data.today);
  const toasted = useRef<unknown>(null);
  const result = fetcher.data;
  const error = result && !result.ok && result.intent === "edit" && "message" in result ? result : null;
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok && result.intent === "edit" && toasted.current !== result) {
      toasted.current = result;
      shopify.toast.show("Cost saved; re-costing sales");
    }
  }, [fetcher.state, result, shopify]);
  const v = history.variant;
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">{`${v.product} – ${v.title ?? "Default"}${v.sku ? ` (SKU ${v.sku})` : ""}`}</Text>
          <Button variant="plain" onClick={onClose}>Close</Button>
        </InlineStack>
        <fetcher.Form method="post">
          <input type="hidden" name="intent" value="edit" />
          <input type="hidden" name="variantId" value={v.variantId} />
          <BlockStack gap="300">
            <InlineStack gap="300" wrap blockAlign="start">
              <Box minWidth="160px">
                <TextField label={`Unit cost (${data.currency})`} name="unitCost" value={cost} onChange={setCost} autoComplete="off" inputMode="decimal"
                  disabled={readOnly} error={error?.field === "unitCost" ? error.message : undefined} />
              </Box>
              <Box minWidth="160px">
                <TextField label="Effective from" type="date" name="effectiveDate" value={day} onChange={setDay} autoComplete="off" max={data.today}
                  disabled={readOnly} error={error?.field === "effectiveDate" ? error.message : undefined}
                  helpText={`Start of this day in ${data.timezone}.`} />
              </Box>
            </InlineStack>
            {error && error.field !== "unitCost" && error.field !== "effectiveDate" ? (
              <Banner tone="critical"><p>{error.message}</p></Banner>
            ) : null}
            <Text as="p" tone="subdued">
              Re-costs this variant&apos;s sales from this date until its next recorded cost. Saved in Margin Notes only; Shopify is not changed.
            </Text>
            <InlineStack>
              <Button submit variant="primary" loading={fetcher.state !== "idle"} disabled={readOnly}>Save cost</Button>
            </InlineStack>
          </BlockStack>
        </fetcher.Form>
        <Text as="h3" variant="headingSm">Cost history</Text>
        {history.entries.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "text", "text"]}
            headings={["Effective from", "Unit cost", "Source", `Recorded (${data.timezone})`]}
            rows={history.entries.map((e) => [
              e.effectiveDate,
              e.unitCost === null ? "No cost" : formatMoney(e.unitCost, data.currency),
              SOURCE_LABELS[e.source],
              e.recordedLocal ?? "—",
            ])}
          />
        ) : <Text as="p" tone="subdued">No cost recorded yet.</Text>}
      </BlockStack>
    </Card>
  );
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function ImportCard({ readOnly, currency }: { readOnly: boolean; currency: string }) {
  const fetcher = useFetcher<CostsActionData>();
  const [file, setFile] = useState<File | null>(null);
  const result = fetcher.data && fetcher.data.intent !== "edit" ? fetcher.data : null;
  const plan = result && "plan" in result ? result.plan : null;
  const submit = (intent: "preview" | "apply") => {
    if (!file) return;
    const form = new FormData();
    form.set("intent", intent);
    form.set("file", file);
    fetcher.submit(form, { method: "post", encType: "multipart/form-data" });
  };
  const applied = result?.intent === "apply" && result.ok;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">Import costs from CSV</Text>
        <Text as="p" tone="subdued">
          {`Columns: SKU or Variant ID, Unit cost, Currency (${currency} only), Effective date (YYYY-MM-DD; empty: today). ` +
            "Export the costs for a template. Up to 50,000 rows and 8 MB. Nothing is applied while any row has an error."}
        </Text>
        <DropZone label="Cost file" accept=".csv,text/csv" type="file" allowMultiple={false} disabled={readOnly}
          onDrop={(_all, accepted) => setFile(accepted[0] ?? null)}>
          {file ? <Box padding="400"><Text as="p">{file.name}</Text></Box> : <DropZone.FileUpload actionTitle="Choose a CSV file" actionHint="or drop it here" />}
        </DropZone>
        <InlineStack gap="200">
          <Button onClick={() => submit("preview")} disabled={readOnly || !file} loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "preview"}>Preview</Button>
          <Button variant="primary" onClick={() => submit("apply")}
            disabled={readOnly || !file || !plan || !plan.ok || plan.changeCount === 0 || result?.intent !== "preview"}
            loading={fetcher.state !== "idle" && fetcher.formData?.get("intent") === "apply"}>
            {plan && plan.ok && result?.intent === "preview" ? `Apply ${plan.changeCount} change${plan.changeCount === 1 ? "" : "s"}` : "Apply"}
          </Button>
        </InlineStack>
        {result && !result.ok && "message" in result ? <Banner tone="critical" title="The file cannot be imported"><p>{result.message}</p></Banner> : null}
        {plan ? (
          <BlockStack gap="200">
            <div data-testid="import-summary">
              <Banner tone={plan.ok ? (applied ? "success" : "info") : "critical"}
                title={applied ? `Imported: ${count(plan.changeCount, "cost")} changed` : plan.ok ? "Preview" : "Nothing was applied: fix these rows"}>
                <p>{`${count(plan.rows, "row")}: ${plan.changeCount} to change, ${plan.unchanged} unchanged, ${plan.errorCount} with errors.`}</p>
              </Banner>
            </div>
            {plan.errors.length ? (
              <DataTable columnContentTypes={["numeric", "text"]} headings={["Line", "Error"]} rows={plan.errors.map((e) => [e.line, e.message])}
                footerContent={plan.errorCount > plan.errors.length ? `First ${plan.errors.length} of ${plan.errorCount} errors` : undefined} />
            ) : null}
            {plan.changes.length ? (
              <DataTable columnContentTypes={["numeric", "text", "text", "numeric", "numeric", "text"]}
                headings={["Line", "Product", "SKU", "Now", "New", "Effective from"]}
                rows={plan.changes.map((c) => [c.line, `${c.product} – ${c.variant ?? "Default"}`, c.sku ?? "—",
                  c.before === null ? "No cost" : formatMoney(c.before, currency), formatMoney(c.after, currency), c.effectiveDate])}
                footerContent={plan.changeCount > plan.changes.length ? `First ${plan.changes.length} of ${plan.changeCount} changes` : undefined} />
            ) : null}
          </BlockStack>
        ) : null}
        <Text as="p" tone="subdued"><Link url="/app/activity">Imports and edits are recorded in Activity.</Link></Text>
      </BlockStack>
    </Card>
  );
}
