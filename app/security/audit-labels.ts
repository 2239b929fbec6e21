/**
 * What the Activity page and its CSV call each audit event and actor, in the merchant's
 * words. Pure: the labels are the same wherever they are printed. A label says what
 * happened; where the event's meta tells more (which writer wrote a summary), the label
 * uses it rather than claiming more than happened.
 */
import type { AuditAction } from "./audit.server";

export const ACTION_LABELS = {
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
  "report.deleted": "Report deleted",
  // The filter's name for both writers; each event's own label says which one wrote it.
  "report.narrated": "Report summary written",
  // The daily limit counts every summary, the local writer's too.
  "narrative.limit_reached": "Report summary refused: daily limit reached",
  "settings.updated": "Settings changed",
  "costs.edited": "Unit cost edited (Margin Notes only, not Shopify)",
  "costs.imported": "Unit costs imported from CSV (Margin Notes only, not Shopify)",
  "expenses.updated": "Expenses changed (fee rate, shipping rule or custom cost)",
  "shop.profile_changed": "Store time zone or currency changed (reports rebuilt)",
  "webhook.rejected": "Webhook refused (signed body re-aimed, replayed or stale)",
} as const satisfies Record<AuditAction, string>;

/**
 * `report.narrated` records its writer in meta.source (app/reports/narrate.server.ts):
 * "anthropic" is Claude, "local" is Margin Notes' own code (AI off, no key, or a
 * fallback when Claude's answer could not be used).
 */
function narratedLabel(meta: Record<string, unknown>): string {
  if (meta.source === "anthropic") return "AI summary written (Claude)";
  if (meta.source === "local") return "Summary written (local, no AI)";
  return ACTION_LABELS["report.narrated"];
}

/** The event's name for people; an action this version does not know is shown as recorded. */
export function actionLabel(action: string, meta: Record<string, unknown> = {}): string {
  if (action === "report.narrated") return narratedLabel(meta);
  return (ACTION_LABELS as Record<string, string>)[action] ?? action;
}

export function actorLabel(type: string, id: string | null): string {
  switch (type) {
    case "staff": return id ? `Staff member ${id}` : "Staff member";
    case "shopify": return "Shopify";
    case "system": return "System";
    case "cli": return "CLI";
    default: return type;
  }
}
