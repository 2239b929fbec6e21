/**
 * "Export all my data": the store owner's copy of what Margin Notes holds for the
 * store, as a streamed .tar.gz of JSON and CSV files.
 *
 * Guarantees:
 *  - Every read runs under withShop (row level security): nothing of another shop can
 *    enter the archive, even through a wrong WHERE clause.
 *  - The export is audited (`data.exported`) before the first byte leaves, and the
 *    archive carries `audit-head.json`: the shop's audit chain head, HMAC-signed with
 *    the audit key, taken in the same transaction — the merchant's own copy of where
 *    their chain stood, which `npm run audit:verify -- --head` checks the table against.
 *  - Memory is bounded by the largest single file: each file is read in its own short
 *    transaction as the stream is consumed (PGlite has one connection; a slow download
 *    must not hold it), tar entries need their size up front.
 *  - What is left out is said in README.txt: the order and sales ledger, which is a
 *    copy of Shopify's own records (export them from the Shopify admin), and the
 *    encrypted access token, which is a credential.
 */
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";

import { eq, getTableColumns } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";

import type { Tx } from "~/db/client.server";
import {
  auditCheckpoints, auditEvents, costHistory, costRecosts, customCosts, gatewayFeeRates, products, reportNarratives, reports, shippingCostRules,
  shops, syncRuns, variants,
} from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { csvLine, type CsvValue } from "~/lib/csv";
import { TAR_END, tarEntry } from "~/lib/tar";
import { getAuditKeyring } from "~/security/audit-key.server";
import { readChainHeads, signAuditHead, type AuditHead } from "~/security/audit-head.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import { readSettings } from "~/settings.server";

type Row = Record<string, unknown>;

const cell = (value: unknown): CsvValue => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return value as string | number;
};

/** Rows as CSV with a header from the table's own column names (formulas neutralised by csvLine). */
function toCsv(rows: Row[], header?: string[]): string {
  const columns = header ?? (rows[0] ? Object.keys(rows[0]) : []);
  if (columns.length === 0) return "";
  return csvLine(columns) + rows.map((r) => csvLine(columns.map((c) => cell(r[c])))).join("");
}

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** A table's rows as CSV, with its header even when the shop has no row in it. */
async function tableCsv(tx: Tx, shop: string, table: PgTable & { shopId: AnyPgColumn }): Promise<string> {
  return toCsv(await rowsOf(tx, shop, table), Object.keys(getTableColumns(table)));
}

async function rowsOf(tx: Tx, shop: string, table: PgTable & { shopId: AnyPgColumn }): Promise<Row[]> {
  return (await tx.select().from(table).where(eq(table.shopId, shop))) as Row[];
}

interface ExportFile {
  name: string;
  read: (tx: Tx, shop: string) => Promise<string>;
}

/** The archive's files, in order. Each kind of data the app holds for a shop, except those README.txt names. */
export const EXPORT_FILES: readonly ExportFile[] = [
  { name: "shop.json", read: async (tx, shop) => toJson((await rowsOf(tx, shop, shops))[0] ?? null) },
  { name: "settings.json", read: async (tx, shop) => toJson(await readSettings(tx, shop)) },
  { name: "reports.json", read: async (tx, shop) => toJson(await rowsOf(tx, shop, reports)) },
  { name: "narratives.json", read: async (tx, shop) => toJson(await rowsOf(tx, shop, reportNarratives)) },
  { name: "products.csv", read: async (tx, shop) => toCsv(await rowsOf(tx, shop, products)) },
  { name: "variants.csv", read: async (tx, shop) => toCsv(await rowsOf(tx, shop, variants)) },
  { name: "cost-history.csv", read: async (tx, shop) => toCsv(await rowsOf(tx, shop, costHistory)) },
  { name: "cost-recosts.csv", read: (tx, shop) => tableCsv(tx, shop, costRecosts) },
  { name: "payment-fee-rates.csv", read: (tx, shop) => tableCsv(tx, shop, gatewayFeeRates) },
  { name: "shipping-cost-rules.csv", read: (tx, shop) => tableCsv(tx, shop, shippingCostRules) },
  { name: "custom-costs.csv", read: (tx, shop) => tableCsv(tx, shop, customCosts) },
  { name: "sync-runs.csv", read: async (tx, shop) => toCsv(await rowsOf(tx, shop, syncRuns)) },
  {
    name: "audit-log.csv",
    read: async (tx, shop) => toCsv((await tx.select().from(auditEvents).where(eq(auditEvents.shopId, shop)).orderBy(auditEvents.seq)) as Row[]),
  },
  { name: "audit-checkpoint.json", read: async (tx, shop) => toJson((await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.shopId, shop)))[0] ?? null) },
];

const README = (shop: string, at: Date) => `Margin Notes: all data held for ${shop}, exported ${at.toISOString()}.

shop.json               store profile (currency, time zone, granted scopes, install dates)
settings.json           your settings
reports.json            saved reports, with every figure
narratives.json         report narratives, with the exact data sent to the AI (input_json)
products.csv            product titles
variants.csv            variant titles and SKUs
cost-history.csv        unit cost history (from Shopify, your edits and your CSV imports)
cost-recosts.csv        re-costings your cost edits started, with their progress
payment-fee-rates.csv   your payment fee rates per gateway (estimates)
shipping-cost-rules.csv your shipping cost rules
custom-costs.csv        your custom costs
sync-runs.csv           sync runs
audit-log.csv           the audit trail (12 months), each row with its hash and audit key id
audit-checkpoint.json   where retention last pruned the audit trail (null if never)
audit-head.json         your audit chain's newest row, signed with the app's audit key at export time:
                        keep it; the operator can prove the trail was not rewritten since
                        (npm run audit:verify -- --head audit-head.json)

Not included: orders, sales lines, payment transactions with their fees, shipping
methods and the daily totals derived from them (copies of Shopify's own records; export
orders from your Shopify admin), and the encrypted access
token (a credential). Nothing about your customers is held.
`;

export interface DataExport {
  filename: string;
  head: AuditHead;
  /** The .tar.gz, produced as it is read. */
  body: ReadableStream<Uint8Array>;
}

/** Audits the export, signs the chain head, and returns the archive as a stream. */
export async function exportShopData(shop: string, by: { actor: Actor; origin: RequestOrigin }): Promise<DataExport> {
  const at = new Date();
  const keyring = await getAuditKeyring();
  const head = await withShop(shop, async (tx) => {
    await audit(tx, shop, { action: "data.exported", actor: by.actor, target: "all-data.tar.gz", meta: { files: EXPORT_FILES.length + 2 }, origin: by.origin });
    return signAuditHead(keyring, await readChainHeads(tx), at);
  });
  async function* entries() {
    yield tarEntry("README.txt", Buffer.from(README(shop, at)), at);
    for (const file of EXPORT_FILES) {
      const text = await withShop(shop, (tx) => file.read(tx, shop));
      yield tarEntry(file.name, Buffer.from(text), at);
    }
    yield tarEntry("audit-head.json", Buffer.from(toJson(head)), at);
    yield TAR_END;
  }
  const gzip = Readable.from(entries()).pipe(createGzip());
  return {
    filename: `margin-notes-data-${shop.replace(/\.myshopify\.com$/, "")}-${at.toISOString().slice(0, 10)}.tar.gz`,
    head,
    body: Readable.toWeb(gzip) as ReadableStream<Uint8Array>,
  };
}
