/**
 * Per-shop settings: AI on or off, the daily narrative limit and the weekly report. A shop without
 * a row has the defaults. Writes are owner-only (the route checks, see
 * app/security/owner.server.ts) and audited with the names of the changed fields;
 * the email address itself never goes into the audit log.
 */
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";

import type { Tx } from "~/db/client.server";
import { shopSettings } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { audit, type Actor, type RequestOrigin } from "~/security/audit.server";
import type { SettingsFormSchema } from "~/settings-form";

export interface Settings {
  /** Off: narratives are written by Margin Notes and nothing is ever sent to Anthropic (narrate.server.ts). */
  aiEnabled: boolean;
  narrativeDailyLimit: number;
  weeklyReportEnabled: boolean;
  /** 0 = Sunday … 6 = Saturday. */
  weeklyReportWeekday: number;
  weeklyReportHour: number;
  reportEmail: string | null;
}

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  aiEnabled: true,
  narrativeDailyLimit: 20,
  weeklyReportEnabled: false,
  weeklyReportWeekday: 1,
  weeklyReportHour: 8,
  reportEmail: null,
});

export type SettingsInput = Omit<z.output<typeof SettingsFormSchema>, "aiEnabled"> & { aiEnabled?: boolean };

export async function readSettings(tx: Tx, shop: string): Promise<Settings> {
  const [row] = await tx.select().from(shopSettings).where(eq(shopSettings.shopId, shop));
  if (!row) return { ...DEFAULT_SETTINGS };
  return {
    aiEnabled: row.aiEnabled,
    narrativeDailyLimit: row.narrativeDailyLimit,
    weeklyReportEnabled: row.weeklyReportEnabled,
    weeklyReportWeekday: row.weeklyReportWeekday,
    weeklyReportHour: row.weeklyReportHour,
    reportEmail: row.reportEmail,
  };
}

export const loadSettings = (shop: string) => withShop(shop, (tx) => readSettings(tx, shop));

const actorLabel = (actor: Actor) => (actor.type === "staff" ? `staff:${actor.id}` : actor.type);

/** Saves the settings; audits `settings.updated` with what changed. Returns the changed field names. */
export async function updateSettings(shop: string, input: SettingsInput, actor: Actor, origin: RequestOrigin | null): Promise<{ settings: Settings; changed: Array<keyof Settings> }> {
  return withShop(shop, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`settings:${shop}`}))`);
    const before = await readSettings(tx, shop);
    const next: Settings = { ...input, aiEnabled: input.aiEnabled ?? before.aiEnabled };
    const changed = (Object.keys(next) as Array<keyof Settings>).filter((k) => next[k] !== before[k]);
    if (changed.length === 0) return { settings: before, changed };
    await tx
      .insert(shopSettings)
      .values({ shopId: shop, ...next, updatedBy: actorLabel(actor) })
      .onConflictDoUpdate({ target: shopSettings.shopId, set: { ...next, updatedBy: actorLabel(actor), updatedAt: new Date() } });
    const meta: Record<string, string | number | boolean | null> = { changed: changed.join(",") };
    for (const key of changed) {
      // The address is personal data: the log says that it changed, not what to.
      meta[key] = key === "reportEmail" ? (next.reportEmail ? "set" : "cleared") : next[key];
    }
    await audit(tx, shop, { action: "settings.updated", actor, meta, origin: origin ?? undefined });
    return { settings: next, changed };
  });
}
