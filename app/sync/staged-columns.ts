/**
 * Rows as parallel column arrays, the shape `unnest` wants: a batch of bulk lines
 * becomes one array literal per column, bound as one text parameter each
 * (pg-array.ts), and PostgreSQL reads them back as rows in one set-based insert.
 */
import { sql, type SQL } from "drizzle-orm";

import { pgArray } from "~/db/pg-array";

export type Cell = string | number | boolean | null;

export class Columns<K extends string> {
  readonly data: Record<K, Cell[]>;
  constructor(readonly names: readonly K[]) {
    this.data = Object.fromEntries(names.map((n) => [n, []])) as unknown as Record<K, Cell[]>;
  }
  push(row: Record<K, Cell>) {
    for (const n of this.names) this.data[n].push(row[n]);
  }
  get length() {
    return this.data[this.names[0]!].length;
  }
}

/** PostgreSQL types of the columns; anything not listed is an amount (numeric). */
const TYPES: Record<string, string> = {
  transaction_id: "bigint", kind: "text", status: "text", gateway: "text", method: "text",
  order_id: "bigint", agreement_id: "bigint", sale_id: "bigint", line_item_id: "bigint", product_id: "bigint",
  variant_id: "bigint", inventory_item_id: "bigint", created_at: "timestamptz", processed_at: "timestamptz",
  cancelled_at: "timestamptz", source_updated_at: "timestamptz", happened_at: "timestamptz", test: "boolean",
  quantity: "int", currency_code: "text", reason: "text", agreement_reason: "text", action_type: "text", line_type: "text",
};
const typeOf = (column: string) => TYPES[column] ?? "numeric";

/** `unnest(…) as alias(columns…)`: the batch's rows of one table, typed. */
export function unnestRows<K extends string>(columns: Columns<K>, alias: string): SQL {
  const arrays = columns.names.map((n) => sql`${pgArray(columns.data[n])}::${sql.raw(typeOf(n))}[]`);
  const names = columns.names.map((n) => sql.identifier(n));
  return sql`unnest(${sql.join(arrays, sql`, `)}) as ${sql.raw(alias)}(${sql.join(names, sql`, `)})`;
}

/** The rows into a staged table, keyed by the run (a replayed batch is skipped). */
export function insertStaged<K extends string>(table: string, shop: string, runId: string, columns: Columns<K>, where?: SQL): SQL | null {
  if (columns.length === 0) return null;
  const names = columns.names.map((n) => sql.identifier(n));
  return sql`
    insert into ${sql.identifier(table)} (shop_id, run_id, ${sql.join(names, sql`, `)})
    select ${shop}, ${runId}, r.* from ${unnestRows(columns, "r")}
    ${where ? sql`where ${where}` : sql``}
    on conflict do nothing`;
}
