/**
 * Reading the audit log back: the Activity page and its CSV export. Writing and
 * verifying stay in audit.server.ts.
 *
 * Guarantees:
 *  - Every read runs under withShop: row level security limits it to the session's
 *    shop even if a WHERE clause were wrong.
 *  - Filters come in as URL search params and are validated here; anything else is
 *    a 400 Response with a plain message (never a 500, never an echo of the input).
 *  - Pages are cursor-based on `seq` (stable while new events are appended).
 *  - The export is recorded as an `audit.exported` event in the same transaction
 *    that read the rows, so every export on record happened and vice versa.
 *  - The CSV is RFC 4180 and neutralises spreadsheet formulas (app/lib/csv.ts).
 */
import { and, asc, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";

import type { Tx } from "~/db/client.server";
import { auditEvents } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { csvLine } from "~/lib/csv";

import { formatShopTime, knownZone } from "~/lib/shop-time";

import { ACTION_LABELS, actionLabel, actorLabel } from "./audit-labels";
import { audit, AUDIT_ACTIONS, canonicalJson, type Actor, type AuditAction, type RequestOrigin } from "./audit.server";
import { securityHeaders } from "./headers.server";

export const ACTIVITY_PAGE_SIZE = 25;
/** An export holds at most this many of the newest matching events (the count is audited). */
export const EXPORT_MAX_ROWS = 50_000;

export interface ActivityFilter {
  action?: AuditAction;
  before?: number;
}

const FilterSchema = z.object({
  // "" is what an "All" choice submits: the same as no filter.
  action: z.preprocess((v) => (v === "" ? undefined : v), z.enum(AUDIT_ACTIONS, { error: "action must be one of the listed actions" }).optional()),
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, { error: "before must be a positive whole number" })
    .transform(Number)
    .optional(),
});

/** Validates the filter params; throws a 400 Response naming what is wrong. */
export function parseActivityFilter(params: URLSearchParams): ActivityFilter {
  const result = FilterSchema.safeParse({ action: params.get("action") ?? undefined, before: params.get("before") ?? undefined });
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => i.message).join("; ");
  throw new Response(`Invalid activity filter: ${problems}.`, {
    status: 400,
    headers: securityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" })),
  });
}

type AuditRow = typeof auditEvents.$inferSelect;

const matching = (shop: string, filter: ActivityFilter, ...more: Array<SQL | undefined>) =>
  and(eq(auditEvents.shopId, shop), filter.action ? eq(auditEvents.action, filter.action) : undefined, ...more);

// Empty values say nothing on screen; the CSV keeps the full meta.
const detailsText = (meta: Record<string, unknown>) =>
  Object.entries(meta)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");

export interface ActivityRow {
  seq: number;
  action: string;
  /** In words, from the action and its meta (audit-labels.ts). */
  actionLabel: string;
  actor: string;
  /** The target in words; `targetUrl` is set only when it still exists in the app. */
  target: string | null;
  targetUrl: string | null;
  details: string;
  /** In the shop's time zone, the zone named ("Dec 2, 2026, 3:14 PM EST"). */
  time: string;
  timeIso: string;
}

export interface ActivityPage {
  rows: ActivityRow[];
  timezone: string;
  filter: ActivityFilter;
  actions: Array<{ value: AuditAction; label: string }>;
  /** Cursor of the next (older) page, or null on the last page. */
  nextBefore: number | null;
  /** The newer page: `{}` is the first page, null when this is the first page. */
  previous: { before?: number } | null;
}

/** Reads the shop's IANA time zone in the page's transaction (the shop is a layer above: passed in). */
export type ShopTimezoneReader = (tx: Tx, shop: string) => Promise<string | null | undefined>;

export interface ActivityEventTarget {
  action: string;
  target: string | null;
  meta: Record<string, unknown>;
}

/** A target in words, and the app page it leads to while it still exists. */
export interface ResolvedTarget {
  text: string | null;
  url: string | null;
}

/** Names the page's targets in its transaction (reports and the catalogue are layers above: passed in). */
export type ActivityTargetResolver = (tx: Tx, shop: string, events: ActivityEventTarget[]) => Promise<ResolvedTarget[]>;

/** One page of the shop's events, newest first, its times in the shop's zone, its targets named. */
export async function listActivity(
  shop: string,
  filter: ActivityFilter,
  readers: { readTimezone: ShopTimezoneReader; resolveTargets: ActivityTargetResolver },
): Promise<ActivityPage> {
  const { readTimezone, resolveTargets } = readers;
  return withShop(shop, async (tx) => {
    const timezone = knownZone(await readTimezone(tx, shop));
    const page = await tx
      .select()
      .from(auditEvents)
      .where(matching(shop, filter, filter.before ? lt(auditEvents.seq, filter.before) : undefined))
      .orderBy(desc(auditEvents.seq))
      .limit(ACTIVITY_PAGE_SIZE + 1);
    const rows = page.slice(0, ACTIVITY_PAGE_SIZE);
    const targets = await resolveTargets(tx, shop, rows);
    return {
      rows: rows.map((r, i) => ({
        seq: r.seq,
        action: r.action,
        actionLabel: actionLabel(r.action, r.meta),
        actor: actorLabel(r.actorType, r.actorId),
        target: targets[i]!.text,
        targetUrl: targets[i]!.url,
        details: detailsText(r.meta),
        time: formatShopTime(r.createdAt, timezone),
        timeIso: r.createdAt.toISOString(),
      })),
      timezone,
      filter,
      actions: AUDIT_ACTIONS.map((value) => ({ value, label: ACTION_LABELS[value] })),
      nextBefore: page.length > ACTIVITY_PAGE_SIZE ? rows[rows.length - 1]!.seq : null,
      previous: filter.before ? await previousCursor(tx, shop, filter, filter.before) : null,
    };
  });
}

/** The cursor whose page holds the ACTIVITY_PAGE_SIZE events just newer than `before`. */
async function previousCursor(tx: Tx, shop: string, filter: ActivityFilter, before: number): Promise<{ before?: number } | null> {
  const newer = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(matching(shop, filter, gte(auditEvents.seq, before)))
    .orderBy(asc(auditEvents.seq))
    .limit(ACTIVITY_PAGE_SIZE + 1);
  if (newer.length === 0) return null;
  if (newer.length <= ACTIVITY_PAGE_SIZE) return {};
  return { before: newer[ACTIVITY_PAGE_SIZE - 1]!.seq + 1 };
}

/**
 * The page's words for people (the time on the shop's clock, whose zone the header names;
 * the action's label) beside the exact values for machines (UTC time, action code, raw
 * target, the whole meta as JSON).
 */
const csvHeader = (timezone: string) =>
  ["seq", "time_utc", `time (${timezone})`, "action", "action_code", "actor", "target", "details", "ip", "user_agent"];

const csvRow = (r: AuditRow, timezone: string) =>
  csvLine([
    r.seq, r.createdAt.toISOString(), formatShopTime(r.createdAt, timezone), actionLabel(r.action, r.meta), r.action,
    actorLabel(r.actorType, r.actorId), r.target, canonicalJson(r.meta), r.ip, r.userAgent,
  ]);

export interface ActivityExport {
  csv: string;
  filename: string;
  rows: number;
}

/** The shop's matching events as CSV (oldest first), audited as `audit.exported` by `actor`. */
export async function exportActivityCsv(
  shop: string,
  filter: ActivityFilter,
  by: { actor: Actor; origin: RequestOrigin },
  readTimezone: ShopTimezoneReader,
): Promise<ActivityExport> {
  return withShop(shop, async (tx) => {
    const timezone = knownZone(await readTimezone(tx, shop));
    const newestFirst = await tx
      .select()
      .from(auditEvents)
      .where(matching(shop, filter, filter.before ? lt(auditEvents.seq, filter.before) : undefined))
      .orderBy(desc(auditEvents.seq))
      .limit(EXPORT_MAX_ROWS + 1);
    const truncated = newestFirst.length > EXPORT_MAX_ROWS;
    const rows = newestFirst.slice(0, EXPORT_MAX_ROWS).reverse();
    const csv = csvLine(csvHeader(timezone)) + rows.map((r) => csvRow(r, timezone)).join("");
    await audit(tx, shop, {
      action: "audit.exported",
      actor: by.actor,
      target: "activity.csv",
      meta: { rows: rows.length, truncated, action: filter.action ?? null, before: filter.before ?? null },
      origin: by.origin,
    });
    const date = new Date().toISOString().slice(0, 10);
    return { csv, filename: `margin-notes-activity-${shop}-${date}.csv`, rows: rows.length };
  });
}
