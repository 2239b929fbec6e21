/**
 * The audit log: who did what, append-only and tamper-evident.
 *
 * Guarantees:
 *  - `audit(tx, event)` writes in the caller's transaction: the event exists if and
 *    only if the action it records committed.
 *  - Each shop has one chain: hash = HMAC-SHA-256 under an AUDIT_KEYS key (its id in
 *    `key_id`) of the canonical JSON of the row and the previous row's hash. The key
 *    never enters the database, so a database-only attacker who rewrites rows cannot
 *    give them valid MACs. Editing, deleting or reordering any row breaks verification
 *    from that row on (`verifyAuditChains`). Retention prunes from the head and leaves
 *    a checkpoint, so what remains still verifies.
 *  - Rows written before the chain was keyed (`key_id` null) are plain SHA-256 and are
 *    accepted only before a chain's first keyed row; a chain must end in a keyed row.
 *    The one-time cut-over (audit-head.server.ts) appends a keyed `audit.keyed` row to
 *    every chain that ends unkeyed, so a rewrite into unkeyed rows is caught.
 *  - Dropping a chain's newest rows leaves a consistent chain: that is what the
 *    published daily head (audit-head.server.ts) is for.
 *  - The app roles may only INSERT and SELECT (drizzle/0004); rows are never updated.
 *  - Actions are a closed list; IP comes only from a trusted-proxy setting, never a
 *    raw header; meta never carries secrets or customer data (callers pass ids,
 *    counts, hashes).
 */
import { createHash } from "node:crypto";

import { and, asc, desc, eq, gt, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { auditCheckpoints, auditEvents } from "~/db/schema.server";

import { getAuditKeyring, type AuditKeyring } from "./audit-key.server";

export const AUDIT_ACTIONS = [
  "app.installed",
  "app.uninstalled",
  "app.scopes_updated",
  "webhook.stale_lifecycle_ignored",
  "shop.redacted",
  "shop.profile_changed",
  "customers.redact_received",
  "customers.data_request_received",
  "webhook.rejected",
  "keys.rewrapped",
  "keys.verified",
  "audit.exported",
  "sync.started",
  "sync.retried",
  "sync.completed",
  "sync.failed",
  "report.built",
  "report.exported",
  "report.deleted",
  "report.narrated",
  "narrative.limit_reached",
  "settings.updated",
  "expenses.updated",
  "audit.pruned",
  "audit.keyed",
  "data.exported",
  "data.erase_requested",
  "costs.edited",
  "costs.imported",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type Actor =
  | { type: "staff"; id: string }
  | { type: "shopify" }
  | { type: "system" }
  | { type: "cli" };

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEvent {
  action: AuditAction;
  actor: Actor;
  target?: string;
  meta?: Record<string, string | number | boolean | null>;
  origin?: RequestOrigin;
}

/** Events about no single shop (key rotation, retention) chain under this id. */
export const SYSTEM_CHAIN = "_system";
const GENESIS = "0".repeat(64);

type AuditRow = typeof auditEvents.$inferSelect;

/** JSON with sorted keys: jsonb does not keep key order, the hash must not care. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

type UnsignedRow = Omit<AuditRow, "hash" | "keyId">;

const rowMaterial = (row: UnsignedRow) => [
  row.prevHash, row.shopId, row.seq, row.action, row.actorType, row.actorId, row.target,
  row.meta, row.ip, row.userAgent, row.createdAt.toISOString(),
];

/** The unkeyed hash of rows written before the chain was keyed (key_id null). */
export function hashAuditRow(row: UnsignedRow): string {
  return createHash("sha256").update(canonicalJson(rowMaterial(row))).digest("hex");
}

/**
 * The keyed hash: the key id is inside the MAC'd material, so relabelling a row with
 * another key id fails too. Undefined when the keyring lacks `kid`.
 */
export function macAuditRow(keyring: AuditKeyring, kid: string, row: UnsignedRow): string | undefined {
  return keyring.mac(kid, canonicalJson(["audit-hmac-v1", kid, ...rowMaterial(row)]));
}

/** Appends one event to the shop's chain inside the caller's transaction. */
export async function audit(tx: Tx, shop: string, event: AuditEvent): Promise<void> {
  if (!AUDIT_ACTIONS.includes(event.action)) throw new Error(`unknown audit action ${String(event.action)}`);
  // Serialise appends per chain; the lock ends with the caller's transaction.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`audit:${shop}`}))`);
  const [last] = await tx
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.shopId, shop))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const [checkpoint] = last
    ? []
    : await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.shopId, shop));
  const prev = last ?? checkpoint;
  const row = {
    shopId: shop,
    seq: (prev?.seq ?? 0) + 1,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.type === "staff" ? event.actor.id : null,
    target: event.target ?? null,
    meta: event.meta ?? {},
    ip: event.origin?.ip ?? null,
    userAgent: event.origin?.userAgent?.slice(0, 512) ?? null,
    createdAt: new Date(),
    prevHash: prev?.hash ?? GENESIS,
  };
  const keyring = await getAuditKeyring();
  const keyId = keyring.primaryKid;
  await tx.insert(auditEvents).values({ ...row, keyId, hash: macAuditRow(keyring, keyId, row)! });
}

export interface ChainBreak {
  shopId: string;
  seq: number;
  reason: string;
}

/** Why one row does not verify, or null. `keyedBefore`: the chain already had a keyed row. */
function rowProblem(keyring: AuditKeyring, row: AuditRow, keyedBefore: boolean): string | null {
  const { hash, keyId, ...rest } = row;
  if (keyId === null) {
    if (keyedBefore) return "unkeyed row after the chain was keyed (rewritten without the audit key)";
    return hashAuditRow(rest) === hash ? null : "row content does not match its hash";
  }
  const mac = macAuditRow(keyring, keyId, rest);
  if (mac === undefined) return `signed with audit key ${keyId}, which this verifier does not hold`;
  return mac === hash ? null : "row content does not match its MAC (edited, or signed without the audit key)";
}

/**
 * Walks every chain visible to `tx` (all of them under asSystem), checking sequence,
 * links and each row's MAC with the process's audit keyring (or `keyring`).
 */
export async function verifyAuditChains(tx: Tx, keyring?: AuditKeyring): Promise<{ chains: number; events: number; breaks: ChainBreak[] }> {
  const keys = keyring ?? (await getAuditKeyring());
  const checkpoints = new Map((await tx.select().from(auditCheckpoints)).map((c) => [c.shopId, c]));
  const breaks: ChainBreak[] = [];
  let events = 0;
  const shops = await tx.selectDistinct({ shopId: auditEvents.shopId }).from(auditEvents);
  for (const { shopId } of shops) {
    const start = checkpoints.get(shopId);
    let expectedSeq = (start?.seq ?? 0) + 1;
    let prevHash = start?.hash ?? GENESIS;
    let cursor = start?.seq ?? 0;
    let keyed = false;
    let last: AuditRow | undefined;
    for (;;) {
      const page = await tx
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.shopId, shopId), gt(auditEvents.seq, cursor)))
        .orderBy(asc(auditEvents.seq))
        .limit(1000);
      if (page.length === 0) break;
      for (const row of page) {
        events++;
        const problem = row.seq !== expectedSeq
          ? `expected seq ${expectedSeq}: rows missing`
          : row.prevHash !== prevHash ? "previous hash does not match" : rowProblem(keys, row, keyed);
        if (problem) breaks.push({ shopId, seq: row.seq, reason: problem });
        keyed ||= row.keyId !== null;
        expectedSeq = row.seq + 1;
        prevHash = row.hash;
        cursor = row.seq;
        last = row;
      }
    }
    // Unkeyed rows count only when a keyed row vouches for them (its MAC covers their hashes).
    if (last && last.keyId === null && !breaks.some((b) => b.shopId === shopId && b.seq === last.seq)) {
      breaks.push({ shopId, seq: last.seq, reason: "chain ends in unkeyed rows: rewritten, or written before the audit key and not yet sealed (npm run audit:head)" });
    }
  }
  return { chains: shops.length, events, breaks };
}

/** Trusted-proxy aware client address: never read from a raw header on its own. */
export function requestOrigin(request: Request, trustedProxyHops: number): RequestOrigin {
  let ip: string | null = null;
  if (trustedProxyHops > 0) {
    const hops = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    // Each trusted proxy appends the address it saw; the client is hops-from-the-right.
    ip = hops.length >= trustedProxyHops ? hops[hops.length - trustedProxyHops]! : null;
    if (ip && !/^[0-9a-fA-F:.]{2,45}$/.test(ip)) ip = null;
  }
  return { ip, userAgent: request.headers.get("user-agent") };
}

/** Retention: drops events older than the cutoff, keeping every chain verifiable. */
export async function pruneAudit(tx: Tx, cutoff: Date): Promise<number> {
  const result = (await tx.execute(sql`select audit_prune(${cutoff.toISOString()}::timestamptz) as pruned`)) as unknown;
  const rows = Array.isArray(result) ? result : (result as { rows: Array<{ pruned: number | string }> }).rows;
  return Number(rows[0]?.pruned ?? 0);
}
