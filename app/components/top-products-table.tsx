/**
 * Top products of a report, sortable by any column. Sorting is the page's job
 * (the dashboard re-ranks in the database via the URL); the table only reports
 * which heading was pressed.
 */
import { Card, EmptyState, IndexTable, type IndexTableProps, Text } from "@shopify/polaris";

import { formatCount, formatMoney, formatPercent } from "~/lib/format";
import type { ProductRow, ProductSort, ProductSortColumn } from "~/reports/product-sort";

export type ProductView = ProductRow;

const COLUMNS: Array<{ column: ProductSortColumn; title: string; numeric: boolean }> = [
  { column: "title", title: "Product", numeric: false },
  { column: "netSales", title: "Net sales", numeric: true },
  { column: "grossProfit", title: "Gross profit", numeric: true },
  { column: "margin", title: "Margin", numeric: true },
  { column: "units", title: "Units", numeric: true },
];

const HEADINGS = COLUMNS.map((c) => ({ title: c.title, alignment: c.numeric ? ("end" as const) : ("start" as const) })) as IndexTableProps["headings"];

const SORT_LABELS: Record<ProductSortColumn, string> = {
  title: "by product",
  netSales: "by net sales",
  grossProfit: "by gross profit",
  margin: "by margin",
  units: "by units",
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
  const sortIndex = COLUMNS.findIndex((c) => c.column === sort.column);
  return (
    <Card padding="0">
      <div style={{ padding: "var(--p-space-400) var(--p-space-400) var(--p-space-200)" }}>
        <Text as="h2" variant="headingMd">{heading ?? `Top products ${SORT_LABELS[sort.column]}`}</Text>
      </div>
      <IndexTable
        resourceName={{ singular: "product", plural: "products" }}
        itemCount={products.length}
        selectable={false}
        loading={loading}
        headings={HEADINGS}
        sortable={COLUMNS.map(() => true)}
        sortColumnIndex={sortIndex}
        sortDirection={sort.direction === "asc" ? "ascending" : "descending"}
        onSort={(index, direction) => {
          const column = COLUMNS[index]?.column;
          if (column) onSort({ column, direction: direction === "ascending" ? "asc" : "desc" });
        }}
        emptyState={
          <EmptyState heading="No product sales in this period" image="/images/empty-state.svg">
            <p>Products appear here once they sell in the selected period.</p>
          </EmptyState>
        }
      >
        {products.map((p, index) => (
          <IndexTable.Row id={p.productId} key={p.productId} position={index}>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold" breakWord>{p.title}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>{formatMoney(p.netSales, currency)}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>{formatMoney(p.grossProfit, currency)}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>{formatPercent(p.grossMarginPercent)}</Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>{formatCount(p.units)}</Text>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
