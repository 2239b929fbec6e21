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

import { securityHeaders } from "./headers.server";
import { audit, AUDIT_ACTIONS, canonicalJson, type Actor, type AuditAction, type RequestOrigin } from "./audit.server";

export const ACTIVITY_PAGE_SIZE = 25;
/** An export holds at most this many of the newest matching events (the count is audited). */
export const EXPORT_MAX_ROWS = 50_000;

const ACTION_LABELS = {
  "app.installed": "App installed",
  "app.uninstalled": "App uninstalled",
  "app.scopes_updated": "Access scopes updated",
  "webhook.stale_lifecycle_ignored": "Late uninstall or scopes notice ignored (older than this installation)",
  "shop.redacted": "Shop data erased",
  "customers.redact_received": "Customer redaction request received",
  "customers.data_request_received": "Customer data request received",
  "keys.rewrapped": "Encryption keys rotated",
  "keys.verified": "Encryption keys verified",
  "audit.exported": "Activity exported",
  "audit.pruned": "Old activity removed (retention)",
  "audit.keyed": "Audit trail signed with the app's audit key from here on",
  "data.exported": "All store data exported",
  "data.erase_requested": "Erase of all store data requested",
  "sync.started": "Store sync started",
  "sync.retried": "Store sync retried",
  "sync.completed": "Store sync completed",
  "sync.failed": "Store sync failed",
  "report.built": "Report saved",
  "report.exported": "Report exported",
  "report.narrated": "AI summary written",
  "narrative.limit_reached": "AI summary refused: daily limit reached",
  "settings.updated": "Settings changed",
  "costs.edited": "Unit cost edited (Margin Notes only, not Shopify)",
  "costs.imported": "Unit costs imported from CSV (Margin Notes only, not Shopify)",
  "expenses.updated": "Expenses changed (fee rate, shipping rule or custom cost)",
  "shop.profile_changed": "Store time zone or currency changed (reports rebuilt)",
  "webhook.rejected": "Webhook refused (signed body re-aimed, replayed or stale)",
} as const satisfies Record<AuditAction, string>;

const actionLabel = (action: string) => (ACTION_LABELS as Record<string, string>)[action] ?? action;

function actorLabel(type: string, id: string | null): string {
  switch (type) {
    case "staff": return id ? `Staff member ${id}` : "Staff member";
    case "shopify": return "Shopify";
    case "system": return "System";
    case "cli": return "CLI";
    default: return type;
  }
}

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

function timeFormatter(timeZone: string): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = {
    year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  };
  try {
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone });
  } catch {
    // A zone this runtime does not know: UTC, labelled as such, beats a failed page.
    return new Intl.DateTimeFormat("en-US", { ...options, timeZone: "UTC" });
  }
}

// Empty values say nothing on screen; the CSV keeps the full meta.
const detailsText = (meta: Record<string, unknown>) =>
  Object.entries(meta)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");

export interface ActivityRow {
  seq: number;
  action: string;
  actionLabel: string;
  actor: string;
  target: string | null;
  details: string;
  /** In the shop's time zone, for display. */
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

/** One page of the shop's events, newest first, its times in the shop's zone. */
export async function listActivity(shop: string, filter: ActivityFilter, readTimezone: ShopTimezoneReader): Promise<ActivityPage> {
  return withShop(shop, async (tx) => {
    const timezone = (await readTimezone(tx, shop)) ?? "UTC";
    const page = await tx
      .select()
      .from(auditEvents)
      .where(matching(shop, filter, filter.before ? lt(auditEvents.seq, filter.before) : undefined))
      .orderBy(desc(auditEvents.seq))
      .limit(ACTIVITY_PAGE_SIZE + 1);
    const rows = page.slice(0, ACTIVITY_PAGE_SIZE);
    const format = timeFormatter(timezone);
    return {
      rows: rows.map((r) => ({
        seq: r.seq,
        action: r.action,
        actionLabel: actionLabel(r.action),
        actor: actorLabel(r.actorType, r.actorId),
        target: r.target,
        details: detailsText(r.meta),
        time: format.format(r.createdAt),
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

const CSV_HEADER = ["seq", "time", "action", "actor", "target", "details", "ip", "user_agent"];

const csvRow = (r: AuditRow) =>
  csvLine([r.seq, r.createdAt.toISOString(), r.action, actorLabel(r.actorType, r.actorId), r.target, canonicalJson(r.meta), r.ip, r.userAgent]);

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
): Promise<ActivityExport> {
  return withShop(shop, async (tx) => {
    const newestFirst = await tx
      .select()
      .from(auditEvents)
      .where(matching(shop, filter, filter.before ? lt(auditEvents.seq, filter.before) : undefined))
      .orderBy(desc(auditEvents.seq))
      .limit(EXPORT_MAX_ROWS + 1);
    const truncated = newestFirst.length > EXPORT_MAX_ROWS;
    const rows = newestFirst.slice(0, EXPORT_MAX_ROWS).reverse();
    const csv = csvLine(CSV_HEADER) + rows.map(csvRow).join("");
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
