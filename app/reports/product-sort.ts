/**
 * How the top-products table is ordered: one definition for the URL params, the
 * live ranking query (dashboard.server.ts) and saved snapshots (sorted in memory).
 * Pure and free of zod, so page bundles can import it; exact comparisons on the
 * decimal strings.
 */
import Big from "big.js";

export const PRODUCT_SORT_COLUMNS = ["title", "netSales", "grossProfit", "margin", "units"] as const;
export type ProductSortColumn = (typeof PRODUCT_SORT_COLUMNS)[number];
export type SortDirection = "asc" | "desc";

export interface ProductSort {
  column: ProductSortColumn;
  direction: SortDirection;
}

export const DEFAULT_PRODUCT_SORT: ProductSort = { column: "netSales", direction: "desc" };

/** Checks the `sort` and `dir` params; a missing one takes its default. */
export function parseProductSort(params: URLSearchParams): SortParseResult {
  const sort = params.get("sort") || "netSales";
  const dir = params.get("dir") || undefined;
  const problems: string[] = [];
  // Said in the table's words, never the parameters' names.
  if (!(PRODUCT_SORT_COLUMNS as readonly string[]).includes(sort)) problems.push("The products can be sorted by product, net sales, gross profit, margin or units");
  if (dir !== undefined && dir !== "asc" && dir !== "desc") problems.push("The products can be sorted up or down only");
  if (problems.length) return { ok: false, message: problems.join(". ") };
  const column = sort as ProductSortColumn;
  // A text column reads best A→Z, a number column largest first.
  return { ok: true, sort: { column, direction: (dir as SortDirection | undefined) ?? defaultDirection(column) } };
}

export type SortParseResult = { ok: true; sort: ProductSort } | { ok: false; message: string };

export const defaultDirection = (column: ProductSortColumn): SortDirection => (column === "title" ? "asc" : "desc");

/**
 * One product's figures in a report (exact decimal strings). They reconcile as in
 * metrics.ts: netSales = netSalesWithCost + netSalesWithoutCost, grossProfit =
 * netSalesWithCost − cogs, grossMarginPercent = grossProfit / netSalesWithCost.
 */
export interface ProductRow {
  productId: string;
  title: string;
  netSales: string;
  grossProfit: string;
  units: number;
  grossMarginPercent: string | null;
  /** Absent only from snapshots saved before rows carried their profit basis. */
  netSalesWithCost?: string;
  netSalesWithoutCost?: string;
  cogs?: string;
}

export type SortableProduct = ProductRow;

function compare(a: SortableProduct, b: SortableProduct, column: ProductSortColumn): number {
  switch (column) {
    case "title":
      return a.title.localeCompare(b.title, "en", { sensitivity: "base" });
    case "netSales":
      return new Big(a.netSales).cmp(b.netSales);
    case "grossProfit":
      return new Big(a.grossProfit).cmp(b.grossProfit);
    case "units":
      return a.units - b.units;
    case "margin":
      return new Big(a.grossMarginPercent ?? 0).cmp(b.grossMarginPercent ?? 0);
  }
}

/** Sorted copy; products without a margin always go last, ties by product id. */
export function sortProducts<T extends SortableProduct>(rows: readonly T[], sort: ProductSort): T[] {
  const sign = sort.direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.column === "margin" && (a.grossMarginPercent === null) !== (b.grossMarginPercent === null)) {
      return a.grossMarginPercent === null ? 1 : -1;
    }
    return sign * compare(a, b, sort.column) || a.productId.localeCompare(b.productId);
  });
}
