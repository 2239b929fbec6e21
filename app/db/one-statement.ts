/**
 * Several writes to different tables as one statement: every part but the last
 * becomes a data-modifying CTE. One round trip instead of one per write — the live
 * path and the staging loop count them. The parts see one snapshot, so they must
 * not depend on each other's rows (never two writes of the same keys).
 */
import { sql, type SQL } from "drizzle-orm";

export function asOneStatement(parts: SQL[]): SQL {
  if (parts.length === 0) throw new Error("asOneStatement needs at least one part");
  const last = parts[parts.length - 1]!;
  if (parts.length === 1) return last;
  const ctes = parts.slice(0, -1).map((part, i) => sql`${sql.raw(`part_${i}`)} as (${part})`);
  return sql`with ${sql.join(ctes, sql`, `)} ${last}`;
}
