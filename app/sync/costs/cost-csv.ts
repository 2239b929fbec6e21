/**
 * The cost CSV: what the Costs page exports and what it imports (README, "Costs").
 * Pure: parsing and per-row checks that need no database; which variant a row
 * names, duplicates and what would change are decided by cost-import.server.ts.
 *
 * Bounded by design (docs/decisions/0011-merchant-costs.md): a file is at most
 * COST_CSV_LIMITS.maxBytes and maxRows data rows, checked before and while parsing
 * (csv-parse stops after maxRows + 1 records), so a 50,000-row file fits a request.
 */
import Big from "big.js";
import { parse } from "csv-parse/sync";

import { csvLine } from "~/lib/csv";

import { COST_CSV_LIMITS } from "./cost-types";

// Defined beside the page's types: the route reads them, and this module (csv-parse
// needs Node's Buffer) must stay out of the browser's bundle.
export { COST_CSV_LIMITS } from "./cost-types";

export const COST_CSV_HEADERS = ["SKU", "Product", "Variant", "Variant ID", "Unit cost", "Currency", "Source", "Effective date"] as const;

/** The most an amount may be: numeric(20,4) holds 16 digits before the point. */
const MAX_COST = new Big("1000000000000");
const DECIMAL = /^\d+(\.\d{1,4})?$/;
const TOO_PRECISE = /^\d+\.\d{5,}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const FORMULA_START = /^[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\t\r]/;

export interface CostCsvRow {
  /** The file's line number (1 is the header). */
  line: number;
  variantId: string | null;
  sku: string | null;
  unitCost: string;
  /** YYYY-MM-DD in the shop's zone; null: today. */
  effectiveDate: string | null;
}

export interface CostCsvProblem {
  line: number;
  message: string;
}

export type ParsedCostCsv =
  | { ok: true; rows: CostCsvRow[]; errors: CostCsvProblem[] }
  | { ok: false; message: string };

const plural = (n: number, one: string) => `${n.toLocaleString("en-US")} ${one}${n === 1 ? "" : "s"}`;

/** Undoes the export's formula guard: a cell the export prefixed with ' reads back as written. */
function unguard(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** A valid calendar day as YYYY-MM-DD, or null. */
export function isCalendarDay(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** A unit cost as typed by a merchant: a clear message, or the exact decimal. */
export function checkUnitCost(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (text === "") return { ok: false, message: "Unit cost is empty." };
  if (/^-\s*\d/.test(text)) return { ok: false, message: `Unit cost ${text} is negative: costs are 0 or more.` };
  if (TOO_PRECISE.test(text)) return { ok: false, message: `Unit cost ${text} has more than 4 decimal places.` };
  if (!DECIMAL.test(text)) return { ok: false, message: `Unit cost "${text.slice(0, 40)}" is not a number: use digits and a point, e.g. 12.50 (no currency symbol or thousands separator).` };
  const value = new Big(text);
  if (value.gte(MAX_COST)) return { ok: false, message: `Unit cost ${text} is too large.` };
  return { ok: true, value: value.toFixed() };
}

/** The day a cost takes effect: YYYY-MM-DD, no later than `today` (the shop's), no earlier than 2000. */
export function checkEffectiveDate(raw: string, today: string): { ok: true; value: string } | { ok: false; message: string } {
  const text = raw.trim();
  if (!isCalendarDay(text)) return { ok: false, message: `Effective date "${text.slice(0, 40)}" is not a date: use YYYY-MM-DD, e.g. ${today}.` };
  if (text > today) return { ok: false, message: `Effective date ${text} is in the future: a cost can take effect today (${today}) at the latest.` };
  if (text < "2000-01-01") return { ok: false, message: `Effective date ${text} is before 2000-01-01.` };
  return { ok: true, value: text };
}

/**
 * Parses an uploaded cost file. A file-level problem (too large, too many rows, not
 * CSV, missing columns) is one message; otherwise every data row is either a row
 * or a problem with its line number. Columns are found by header name, any order;
 * Product, Variant and Source are the export's and are ignored on import.
 */
export function parseCostCsv(text: string, { currency, today }: { currency: string; today: string }): ParsedCostCsv {
  if (Buffer.byteLength(text, "utf8") > COST_CSV_LIMITS.maxBytes) {
    return { ok: false, message: `The file is larger than ${COST_CSV_LIMITS.maxBytes / 1024 / 1024} MB. Split it into smaller files.` };
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      max_record_size: 10_000,
      // The header and one record more than allowed: enough to know the file is too long.
      to: COST_CSV_LIMITS.maxRows + 2,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    return { ok: false, message: `The file is not valid CSV${line ? ` (line ${line})` : ""}: ${(err as Error).message.replace(/^Invalid .*?: /, "")}` };
  }
  if (records.length === 0) return { ok: false, message: "The file is empty: it needs a header row and at least one cost." };
  if (records.length - 1 > COST_CSV_LIMITS.maxRows) {
    return { ok: false, message: `The file has more than ${plural(COST_CSV_LIMITS.maxRows, "row")}. Split it into smaller files.` };
  }
  const header = records[0]!.record.map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name.toLowerCase());
  const at = { sku: col("SKU"), variantId: col("Variant ID"), unitCost: col("Unit cost"), currency: col("Currency"), effective: col("Effective date") };
  const missing = [
    at.sku < 0 && at.variantId < 0 ? "SKU or Variant ID" : null,
    at.unitCost < 0 ? "Unit cost" : null,
    at.currency < 0 ? "Currency" : null,
  ].filter(Boolean);
  if (missing.length) return { ok: false, message: `The header row lacks ${missing.join(", ")}. Expected: ${COST_CSV_HEADERS.join(", ")} (export the costs to get a template).` };
  if (records.length === 1) return { ok: false, message: "The file has a header row but no costs." };

  const rows: CostCsvRow[] = [];
  const errors: CostCsvProblem[] = [];
  const cell = (r: string[], i: number) => (i < 0 ? "" : unguard((r[i] ?? "").trim()));
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const sku = cell(record, at.sku);
    const variantId = cell(record, at.variantId);
    if (!sku && !variantId) { errors.push({ line, message: "Neither SKU nor Variant ID is given: one of them names the variant." }); continue; }
    if (variantId && !/^\d{1,19}$/.test(variantId)) { errors.push({ line, message: `Variant ID "${variantId.slice(0, 40)}" is not a number.` }); continue; }
    const cost = checkUnitCost(cell(record, at.unitCost));
    if (!cost.ok) { errors.push({ line, message: cost.message }); continue; }
    const rowCurrency = cell(record, at.currency).toUpperCase();
    if (rowCurrency !== currency.toUpperCase()) {
      errors.push({ line, message: rowCurrency ? `Currency ${rowCurrency.slice(0, 10)} is not the store's currency (${currency}): costs are in ${currency} only.` : `Currency is empty: costs are in the store's currency, ${currency}.` });
      continue;
    }
    const effectiveRaw = cell(record, at.effective);
    let effectiveDate: string | null = null;
    if (effectiveRaw) {
      const checked = checkEffectiveDate(effectiveRaw, today);
      if (!checked.ok) { errors.push({ line, message: checked.message }); continue; }
      effectiveDate = checked.value;
    }
    rows.push({ line, variantId: variantId || null, sku: variantId ? null : sku, unitCost: cost.value, effectiveDate });
  }
  return { ok: true, rows, errors };
}

export interface CostExportRow {
  sku: string | null;
  product: string;
  variant: string | null;
  variantId: string;
  unitCost: string | null;
  source: string;
  effectiveDate: string | null;
}

/** The export, header first; text cells pass csvLine's formula-injection guard. */
export function* costCsvLines(rows: Iterable<CostExportRow>, currency: string): Generator<string> {
  yield csvLine([...COST_CSV_HEADERS]);
  for (const r of rows) yield csvLine([r.sku, r.product, r.variant, r.variantId, r.unitCost, currency, r.source, r.effectiveDate]);
}
