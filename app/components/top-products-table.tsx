/**
 * Top products of a report, sortable by the ranked columns. Sorting is the page's
 * job (the dashboard re-ranks in the database via the URL); the table only reports
 * which heading was pressed.
 *
 * Every row reconciles with itself, as Shopify's profit reports lay it out: net
 * sales = net sales with cost + net sales without cost; gross profit = net sales
 * with cost − cost of goods sold; gross margin = gross profit ÷ net sales with
 * cost. A row with sales whose items have no recorded cost is flagged, because its
 * profit and margin describe only part of its sales.
 */
import { Link as RemixLink } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, EmptyState, IndexTable, type IndexTableProps, InlineGrid, InlineStack, Select, Text, useBreakpoints } from "@shopify/polaris";

import { formatCount, formatMoney, formatPercent } from "~/lib/format";
import { costCoverageOf, type CostCoverage } from "~/reports/cost-coverage";
import type { ProductRow, ProductSort, ProductSortColumn } from "~/reports/product-sort";

export type ProductView = ProductRow;

type Column = { title: string; numeric: boolean; sort?: ProductSortColumn; value?: (p: ProductView, currency: string) => string };

const COLUMNS: Column[] = [
  { title: "Product", numeric: false, sort: "title" },
  { title: "Net sales", numeric: true, sort: "netSales", value: (p, c) => formatMoney(p.netSales, c) },
  { title: "Net sales without cost", numeric: true, value: (p, c) => formatMoney(p.netSalesWithoutCost, c) },
  { title: "Net sales with cost", numeric: true, value: (p, c) => formatMoney(p.netSalesWithCost, c) },
  { title: "Cost of goods sold", numeric: true, value: (p, c) => formatMoney(p.cogs, c) },
  { title: "Gross profit", numeric: true, sort: "grossProfit", value: (p, c) => formatMoney(p.grossProfit, c) },
  { title: "Gross margin", numeric: true, sort: "margin", value: (p) => formatPercent(p.grossMarginPercent) },
  { title: "Units", numeric: true, sort: "units", value: (p) => formatCount(p.units) },
];

const HEADINGS = COLUMNS.map((c) => ({ title: c.title, alignment: c.numeric ? ("end" as const) : ("start" as const) })) as IndexTableProps["headings"];

/** On a phone each row lists its figures, labelled (no table to scroll sideways): the key ones first. */
const CONDENSED = ["Net sales", "Units", "Gross profit", "Gross margin", "Net sales with cost", "Net sales without cost", "Cost of goods sold"];

const SORT_LABELS: Record<ProductSortColumn, string> = {
  title: "by product",
  netSales: "by net sales",
  grossProfit: "by gross profit",
  margin: "by margin",
  units: "by units",
};

const COVERAGE_BADGE: Partial<Record<CostCoverage, { text: string; tone: "warning" | "attention" }>> = {
  partial: { text: "Partial cost", tone: "attention" },
  none: { text: "No cost", tone: "warning" },
};

export interface TopProductsTableProps {
  products: ProductView[];
  currency: string;
  sort: ProductSort;
  onSort(sort: ProductSort): void;
  loading?: boolean;
  heading?: string;
}

export function TopProductsTable({ products, currency, sort, onSort, loading, heading }: TopProductsTableProps) {
  const sortIndex = COLUMNS.findIndex((c) => c.sort === sort.column);
  const flagged = products.some((p) => COVERAGE_BADGE[costCoverageOf(p)]);
  // Polaris' small-screen pattern: rows as a list. Its headings (and their sort buttons) go, so
  // each row labels its own figures and a select sorts.
  const condensed = useBreakpoints().smDown;
  return (
    <Card padding="0">
      <div style={{ padding: "var(--p-space-400) var(--p-space-400) var(--p-space-200)" }}>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">{heading ?? `Top products ${SORT_LABELS[sort.column]}`}</Text>
          {condensed && products.length ? <SortSelect sort={sort} onSort={onSort} /> : null}
        </BlockStack>
      </div>
      <IndexTable
        resourceName={{ singular: "product", plural: "products" }}
        itemCount={products.length}
        selectable={false}
        condensed={condensed}
        loading={loading}
        headings={HEADINGS}
        sortable={COLUMNS.map((c) => c.sort !== undefined)}
        sortColumnIndex={sortIndex}
        sortDirection={sort.direction === "asc" ? "ascending" : "descending"}
        onSort={(index, direction) => {
          const column = COLUMNS[index]?.sort;
          if (column) onSort({ column, direction: direction === "ascending" ? "asc" : "desc" });
        }}
        emptyState={
          <EmptyState heading="No product sales in this period" image="/images/empty-state.svg">
            <p>Products appear here once they sell in the selected period.</p>
          </EmptyState>
        }
      >
        {products.map((p, index) => {
          const badge = COVERAGE_BADGE[costCoverageOf(p)];
          const title = (
            <InlineStack gap="200" blockAlign="center" wrap={condensed}>
              <Text as="span" fontWeight="semibold" breakWord>{p.title}</Text>
              {badge ? <Badge tone={badge.tone}>{badge.text}</Badge> : null}
            </InlineStack>
          );
          return (
            <IndexTable.Row id={p.productId} key={p.productId} position={index}>
              {condensed ? (
                <IndexTable.Cell>
                  <BlockStack gap="200">
                    {title}
                    <InlineGrid columns={2} gap="200">
                      {CONDENSED.map((label) => COLUMNS.find((c) => c.title === label)!).map((c) => (
                        <BlockStack key={c.title} gap="0">
                          <Text as="span" variant="bodySm" tone="subdued">{c.title}</Text>
                          <Text as="span" numeric>{c.value!(p, currency)}</Text>
                        </BlockStack>
                      ))}
                    </InlineGrid>
                  </BlockStack>
                </IndexTable.Cell>
              ) : (
                <>
                  <IndexTable.Cell>{title}</IndexTable.Cell>
                  {COLUMNS.slice(1).map((c) => (
                    <IndexTable.Cell key={c.title}>
                      <Text as="span" alignment="end" numeric>{c.value!(p, currency)}</Text>
                    </IndexTable.Cell>
                  ))}
                </>
              )}
            </IndexTable.Row>
          );
        })}
      </IndexTable>
      {products.length ? (
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="p" tone="subdued" variant="bodySm">
              Net sales = net sales with cost + net sales without cost. Gross profit = net sales with cost − cost of goods sold.
              Gross margin = gross profit ÷ net sales with cost (Shopify&apos;s profit report definitions).
            </Text>
            {flagged ? (
              <Text as="p" tone="subdued" variant="bodySm">
                Products marked Partial cost or No cost sold items without a recorded cost in Shopify: those sales count in net sales, not in gross profit or margin.{" "}
                <RemixLink to="/app/costs?filter=missing">Set the missing costs</RemixLink>.
              </Text>
            ) : null}
          </BlockStack>
        </Box>
      ) : null}
    </Card>
  );
}

/** The sort of the condensed list, which has no column headings to press. */
function SortSelect({ sort, onSort }: { sort: ProductSort; onSort(sort: ProductSort): void }) {
  const options = COLUMNS.flatMap((c) =>
    c.sort
      ? c.sort === "title"
        ? [{ label: "Product A–Z", value: "title:asc" }, { label: "Product Z–A", value: "title:desc" }]
        : [{ label: `${c.title}, highest first`, value: `${c.sort}:desc` }, { label: `${c.title}, lowest first`, value: `${c.sort}:asc` }]
      : [],
  );
  return (
    <Select
      label="Sort by"
      labelInline
      options={options}
      value={`${sort.column}:${sort.direction}`}
      onChange={(value) => {
        const [column, direction] = value.split(":") as [ProductSortColumn, "asc" | "desc"];
        onSort({ column, direction });
      }}
    />
  );
}
