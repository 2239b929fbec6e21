/**
 * shop/redact: every row of one shop, in every table, goes. The list of tables is
 * the schema's own `tenantTables`, so a table added later is covered without
 * touching this file; the audit chain goes through its owner-run function because
 * the app roles can never delete audit rows. Tables that are not tenant tables but
 * name shops (jobs, sessions, rate-limit keys) are listed below; the redaction test
 * finds every such table in the catalog, so a new one cannot be missed silently.
 */
import { eq, sql } from "drizzle-orm";

import { queryRows, type Tx } from "~/db/client.server";
import { auditCheckpoints, auditEvents, jobs, rateLimits, sessions, tenantTables } from "~/db/schema.server";

const appendOnly = new Set<unknown>([auditEvents, auditCheckpoints]);

export async function eraseShop(tx: Tx, shop: string): Promise<number> {
  let erased = 0;
  for (const table of Object.values(tenantTables)) {
    if (appendOnly.has(table)) continue;
    const deleted = await tx.delete(table).where(eq(table.shopId, shop)).returning({ shopId: table.shopId });
    erased += deleted.length;
  }
  const [audit] = await queryRows<{ erased: string | number }>(tx, sql`select audit_erase_shop(${shop}) as erased`);
  erased += Number(audit?.erased ?? 0);
  // Queued work for the shop (jobs are app_system's table, keyed by shop too).
  await tx.delete(jobs).where(eq(jobs.shopId, shop));
  // app/uninstalled normally removed them already.
  await tx.delete(sessions).where(eq(sessions.shopId, shop));
  // Rate-limit counters name the shop inside their key (`shop:<domain>:export`, …). A
  // key is ':'-separated and a domain has no ':', so a whole part must equal the
  // domain: a substring match would also hit "xa.myshopify.com" for "a.myshopify.com".
  await tx.delete(rateLimits).where(sql`${shop} = any(string_to_array(${rateLimits.key}, ':'))`);
  return erased;
}
