/**
 * Array parameters that both drivers bind the same way. postgres.js cannot infer
 * the type of a JS array bound into a raw query (it tries to send it as text), so
 * arrays travel as one text parameter in PostgreSQL's array-literal syntax and the
 * query casts them (`${pgArray(ids)}::bigint[]`). Set-based writes depend on it.
 */
import { sql, type SQL } from "drizzle-orm";

const NEEDS_ESCAPE = /["\\]/;

function element(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  // Ids, amounts, timestamps and enums never need escaping: skip the two replaces.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

export function toArrayLiteral(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `{${values.map(element).join(",")}}`;
}

/** One bound parameter holding the whole array; cast it in the query. */
export const pgArray = (values: ReadonlyArray<string | number | boolean | null | undefined>): SQL =>
  sql`${toArrayLiteral(values)}`;
