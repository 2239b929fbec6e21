/**
 * The in-app Security page's facts about the signed-in shop: what it granted, how its
 * token is sealed, whether its audit chain verifies right now, what the app holds for
 * it and its recent lifecycle events. Everything is read as app_tenant for that shop
 * (withShop), so row level security keeps every other shop out of these numbers.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";

import { queryRows } from "~/db/client.server";
import { auditEvents, sessions, shops } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { env } from "~/env.server";
import { verifyAuditChains } from "~/security/audit.server";
import { readSettings } from "~/settings.server";

import type { ShopFacts } from "./trust-view";

/** What the app stores per shop, by table, in merchant words. Customer records are not among them: none exist. */
const HOLDINGS = [
  { table: "orders", label: "Orders (ids, dates, money totals; no customer fields)" },
  { table: "sales", label: "Sales lines (amounts, quantities, cost snapshots)" },
  { table: "products", label: "Products (titles)" },
  { table: "variants", label: "Variants (titles, SKUs)" },
  { table: "cost_history", label: "Unit cost history" },
  { table: "daily_rollups", label: "Daily report totals per product" },
  { table: "daily_totals", label: "Daily report totals (all products)" },
  { table: "monthly_rollups", label: "Monthly report totals per product" },
  { table: "reports", label: "Saved reports" },
  { table: "report_narratives", label: "Report narratives" },
  { table: "sync_runs", label: "Sync runs" },
  { table: "webhook_deliveries", label: "Webhook deliveries (ids, for exactly-once)" },
  { table: "audit_events", label: "Audit events" },
] as const;

const LIFECYCLE: Record<string, string> = {
  "app.installed": "Installed",
  "app.uninstalled": "Uninstalled",
  "app.scopes_updated": "Access scopes changed",
  "shop.profile_changed": "Store profile changed",
};

export async function shopFacts(shop: string): Promise<ShopFacts> {
  return withShop(shop, async (tx) => {
    const [profile] = await tx.select({ scopes: shops.scopes }).from(shops).where(eq(shops.shopId, shop));
    const [token] = await tx
      .select({ kid: sessions.tokenKid, sealedAt: sessions.updatedAt, expires: sessions.expires })
      .from(sessions)
      .where(and(eq(sessions.shopId, shop), eq(sessions.isOnline, false)))
      .limit(1);
    // Under withShop the walk sees this shop's chain only (and its retention checkpoint).
    const chain = await verifyAuditChains(tx);
    const counts = await queryRows<Record<string, number>>(
      tx,
      sql.raw(`select ${HOLDINGS.map((h) => `(select count(*)::int from ${h.table} where shop_id = current_setting('app.shop_id', true)) as "${h.table}"`).join(", ")}`),
    );
    const events = await tx
      .select({ action: auditEvents.action, at: auditEvents.createdAt })
      .from(auditEvents)
      .where(and(eq(auditEvents.shopId, shop), inArray(auditEvents.action, Object.keys(LIFECYCLE))))
      .orderBy(desc(auditEvents.seq))
      .limit(10);
    return {
      scopes: (profile?.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean),
      token: token ? { keyId: token.kid, sealedAt: token.sealedAt.toISOString(), expires: token.expires?.toISOString() ?? null } : null,
      audit: { events: chain.events, breaks: chain.breaks.length, checkedAt: new Date().toISOString() },
      holdings: HOLDINGS.map((h) => ({ label: h.label, rows: Number(counts[0]?.[h.table] ?? 0) })),
      lifecycle: events.map((e) => ({ label: LIFECYCLE[e.action] ?? e.action, at: e.at.toISOString() })),
      ai: { enabled: (await readSettings(tx, shop)).aiEnabled, configured: Boolean(env.ANTHROPIC_API_KEY) },
    };
  });
}
