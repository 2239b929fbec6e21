/**
 * What the Costs page shows, as plain types (shared by the server reader,
 * costs-page.server.ts, and the page's components, which import no server code).
 */

export const COSTS_PAGE_SIZE = 50;

export type CostSource = "backfill" | "webhook" | "merchant" | "csv";

/** How the page names each source (Shopify's entries are one source to a merchant). */
export const SOURCE_LABELS: Record<CostSource, string> = {
  backfill: "Shopify",
  webhook: "Shopify",
  merchant: "Edited in Margin Notes",
  csv: "CSV import",
};

export interface CostsQuery {
  filter: "all" | "missing";
  query: string;
  page: number;
  /** The period whose net sales the shares are of: local days, inclusive. */
  from: string;
  to: string;
}

export interface VariantCost {
  variantId: string;
  title: string | null;
  sku: string | null;
  hasInventoryItem: boolean;
  unitCost: string | null;
  source: CostSource | null;
  /** The local day (shop's zone) the current cost took effect. */
  effectiveDate: string | null;
}

export interface ProductCosts {
  productId: string;
  title: string;
  netSales: string;
  netSalesWithoutCost: string;
  /** Percent of the period's net sales, 2 decimals; null when the period has none. */
  share: string | null;
  variants: VariantCost[];
}

export interface CostHistoryEntry {
  effectiveAt: string;
  effectiveDate: string;
  unitCost: string | null;
  source: CostSource;
  recordedAt: string | null;
  /** recordedAt on the shop's clock ("2026-12-02 15:14"), as the page shows it. */
  recordedLocal: string | null;
}

export interface RecostView {
  recostId: string;
  kind: "edit" | "import";
  status: "queued" | "running" | "completed" | "failed";
  entries: number;
  ordersTotal: number | null;
  ordersDone: number;
  salesRecosted: number;
  error: string | null;
  requestedAt: string;
}

export interface CostsPage {
  currency: string;
  timezone: string;
  today: string;
  products: ProductCosts[];
  total: number;
  periodNetSales: string;
  periodNetSalesWithoutCost: string;
  /** periodNetSalesWithoutCost as a percent of periodNetSales (2 decimals); null when there are none. */
  periodShareWithoutCost: string | null;
  recosts: RecostView[];
}

export interface CostsPageData extends CostsPage {
  history: { variant: VariantCost & { product: string }; entries: CostHistoryEntry[] } | null;
}

export interface ImportChange {
  line: number;
  variantId: string;
  sku: string | null;
  product: string;
  variant: string | null;
  before: string | null;
  after: string;
  effectiveDate: string;
}

export interface ImportPlan {
  ok: boolean;
  /** A problem with the whole file (too large, not CSV, no header): nothing else is said. */
  fileError?: string;
  rows: number;
  changes: ImportChange[];
  unchanged: number;
  errors: Array<{ line: number; message: string }>;
}

/** What the Costs page's action answers (errors with a 4xx status). */
export type CostsActionData =
  | { intent: "edit"; ok: true; recostId: string }
  | { intent: "edit" | "preview" | "apply"; ok: false; message: string; field?: "unitCost" | "effectiveDate" | "variantId" }
  | { intent: "preview" | "apply"; ok: boolean; plan: ImportPlan & { changeCount: number; errorCount: number; recostId?: string | null } };

/** The largest cost CSV accepted: bytes of the file and data rows (cost-csv.ts checks both). */
export const COST_CSV_LIMITS = { maxBytes: 8 * 1024 * 1024, maxRows: 50_000 } as const;
