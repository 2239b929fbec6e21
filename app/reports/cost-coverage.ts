/**
 * Whether a product row's profit covers all of its net sales. Gross profit and
 * margin count only sales with a recorded cost (metrics.ts, Shopify's profit
 * reports), so a row whose items lack a cost for some sales shows a profit on part
 * of its sales: the table flags it rather than let its margin read as the row's.
 */
import Big from "big.js";

import type { ProductRow } from "./product-sort";

export type CostCoverage = "full" | "partial" | "none" | "unknown";

export function costCoverageOf(row: Pick<ProductRow, "netSalesWithCost" | "netSalesWithoutCost">): CostCoverage {
  if (row.netSalesWithCost === undefined || row.netSalesWithoutCost === undefined) return "unknown";
  const without = new Big(row.netSalesWithoutCost);
  if (without.eq(0)) return "full";
  return new Big(row.netSalesWithCost).eq(0) ? "none" : "partial";
}
