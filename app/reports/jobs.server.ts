/**
 * The weekly report, per shop, through the job queue (app/jobs/README.md).
 * Imported for its side effect by entry.server.tsx, before the worker starts.
 *
 * Schedule: at the shop's chosen weekday and local hour, in its IANA zone (DST
 * correct). Each run first queues the next week's run (so a failing run does not end
 * the chain), then builds a snapshot of the 7 local days before the run day, narrates
 * it (counted against the daily narrative limit; Claude unreachable → the local
 * narrative) and emails it when SMTP and a recipient are set. Saving the settings
 * queues the next run.
 *
 * Idempotency: one pending job per shop, week and slot (key `weekly:<shop>:<day>@<hour>`).
 * A run whose slot no longer matches the settings (changed or switched off) does
 * nothing: saving the settings queued the right one. Delivery is at least once: a
 * re-run reuses the week's snapshot and narrative (it may send the email again).
 */
import { createHash } from "node:crypto";

import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";

import { reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { registerJob } from "~/jobs/handlers.server";
import { enqueue } from "~/jobs/queue.server";
import { formatMoney } from "~/lib/format";
import { knownZone } from "~/lib/shop-time";
import { log } from "~/log.server";
import type { Actor } from "~/security/audit.server";
import { readSettings, type Settings } from "~/settings.server";
import { readShop } from "~/shops.server";

import { buildReport } from "./build.server";
import { emailConfigured, sendWeeklyReportEmail } from "./email.server";
import { toNarrativeInput } from "./narrative";
import { topDriverLine } from "./narrative-story";
import { loadLatestNarrative, NarrativeError, narrateReport, type NarrativeView } from "./narrate.server";
import { addDays, compareRange, todayIn, type ReportRange } from "./period";
import { nextWeeklyOccurrence } from "./zoned-time";

export const WEEKLY_JOB = "reports.weekly";
const SYSTEM: Actor = { type: "system" };

const WeeklyPayload = z
  .object({
    shop: z.string(),
    /** The instant this run was scheduled for (ISO). */
    occurrence: z.iso.datetime(),
    weekday: z.number().int().min(0).max(6),
    hour: z.number().int().min(0).max(23),
  })
  .strict();
export type WeeklyPayload = z.infer<typeof WeeklyPayload>;

declare module "~/jobs/handlers.server" {
  interface JobSchemas {
    "reports.weekly": typeof WeeklyPayload;
  }
}

const shopKey = (shop: string) => (shop.length <= 150 ? shop : createHash("sha256").update(shop).digest("hex"));
export const weeklyJobKey = (shop: string, localDay: string, hour: number) => `weekly:${shopKey(shop)}:${localDay}@${hour}`;

async function enqueueNext(shop: string, timeZone: string, settings: Settings, after: Date) {
  const { at, localDay } = nextWeeklyOccurrence(after, timeZone, settings.weeklyReportWeekday, settings.weeklyReportHour);
  const payload = { shop, occurrence: at.toISOString(), weekday: settings.weeklyReportWeekday, hour: settings.weeklyReportHour };
  await enqueue(WEEKLY_JOB, payload, { shopId: shop, runAt: at, key: weeklyJobKey(shop, localDay, settings.weeklyReportHour), maxAttempts: 5 });
  return at;
}

/** Queues the shop's next weekly run per its settings; null when the weekly report is off. */
export async function scheduleWeeklyReport(shop: string, now = new Date()): Promise<Date | null> {
  const state = await withShop(shop, async (tx) => ({ shop: await readShop(tx, shop), settings: await readSettings(tx, shop) }));
  if (!state.shop || state.shop.uninstalledAt || !state.settings.weeklyReportEnabled) return null;
  return enqueueNext(shop, knownZone(state.shop.ianaTimezone), state.settings, now);
}

export type WeeklyOutcome =
  | { status: "skipped"; reason: "uninstalled" | "disabled" | "rescheduled" }
  | { status: "built"; reportId: string; narrative: NarrativeView | null; emailed: boolean; next: Date };

const narrativeLabel = (n: NarrativeView) => (n.source === "anthropic" ? `Written by Claude (${n.model ?? "AI"})` : "Written by Margin Notes (no AI)");

/** One weekly run (the job handler; tests call it directly). */
export async function runWeeklyReport(payload: WeeklyPayload, now = new Date()): Promise<WeeklyOutcome> {
  const { shop } = payload;
  const state = await withShop(shop, async (tx) => ({ shop: await readShop(tx, shop), settings: await readSettings(tx, shop) }));
  if (!state.shop || state.shop.uninstalledAt) return { status: "skipped", reason: "uninstalled" };
  const settings = state.settings;
  if (!settings.weeklyReportEnabled) return { status: "skipped", reason: "disabled" };
  if (settings.weeklyReportWeekday !== payload.weekday || settings.weeklyReportHour !== payload.hour) return { status: "skipped", reason: "rescheduled" };
  const timeZone = knownZone(state.shop.ianaTimezone);

  // The chain first: next week is queued even if this run fails.
  const occurrence = new Date(payload.occurrence);
  const next = await enqueueNext(shop, timeZone, settings, new Date(Math.max(now.getTime(), occurrence.getTime())));

  const runDay = todayIn(timeZone, occurrence);
  const period = { from: addDays(runDay, -7), to: addDays(runDay, -1) };
  const range: ReportRange = { period, compare: compareRange(period, "previous_period"), compareMode: "previous_period" };

  // At-least-once delivery: a re-run finds this week's snapshot instead of building another.
  const [existing] = await withShop(shop, (tx) =>
    tx.select({ reportId: reports.reportId, data: reports.data }).from(reports)
      .where(and(eq(reports.shopId, shop), eq(reports.createdBy, "system"), eq(reports.periodFrom, period.from), eq(reports.periodTo, period.to)))
      .orderBy(desc(reports.createdAt)).limit(1),
  );
  const built = existing
    ? { reportId: existing.reportId, data: existing.data as Awaited<ReturnType<typeof buildReport>>["data"] }
    : await buildReport(shop, range, state.shop.currencyCode, SYSTEM);

  let narrative = await loadLatestNarrative(shop, built.reportId);
  if (!narrative) {
    try {
      narrative = (await narrateReport(shop, built.reportId, SYSTEM, null, { onUnavailable: "local" })).view;
    } catch (error) {
      // The daily limit is the merchant's choice: the report stands without a narrative.
      if (!(error instanceof NarrativeError && error.code === "daily_limit")) throw error;
      log.info({ shop, reportId: built.reportId }, "weekly report saved without a narrative: daily limit reached");
    }
  }

  let emailed = false;
  if (settings.reportEmail && emailConfigured()) {
    emailed = await sendWeeklyReportEmail({
      to: settings.reportEmail,
      shopName: state.shop.name ?? shop,
      period,
      currencyCode: built.data.currencyCode,
      metrics: built.data.current,
      previous: built.data.previous,
      narrative: narrative?.narrative ?? null,
      narrativeLabel: narrative ? narrativeLabel(narrative) : null,
      topDriver: topDriverLine(toNarrativeInput(built.data), (amount) => formatMoney(amount, built.data.currencyCode)),
    });
  }
  return { status: "built", reportId: built.reportId, narrative, emailed, next };
}

registerJob(WEEKLY_JOB, WeeklyPayload, async ({ payload, shopId }) => {
  if (shopId && shopId !== payload.shop) throw new Error("weekly report job: payload shop does not match the job's shop");
  await runWeeklyReport(payload);
});
