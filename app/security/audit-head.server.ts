/**
 * The audit chain outside its table: a signed head, and the one-time cut-over to a
 * keyed chain.
 *
 * Why: a keyed chain stops a database-only attacker from forging rows, but not from
 * dropping a chain's newest rows (what is left is still a valid chain). The head — each
 * chain's last seq and hash, MAC'd with the audit key — is published where the
 * database cannot reach: the logs, daily (maintenance.daily), and the merchant's own
 * data export. `npm run audit:verify -- --head <file>` checks the table against one.
 *
 * Cut-over: rows written before AUDIT_KEYS existed are plain SHA-256. The first run
 * (daily job or `npm run audit:head`) appends a keyed `audit.keyed` row to every chain
 * that ends unkeyed — its MAC covers the old rows' hashes — then records the cut-over
 * in the system chain. It runs once: afterwards a chain ending unkeyed is a rewrite,
 * and sealing it again would launder it.
 */
import { and, eq, gt, isNotNull, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { queryRows } from "~/db/client.server";
import { auditCheckpoints, auditEvents } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { log } from "~/log.server";

import { getAuditKeyring, type AuditKeyring } from "./audit-key.server";
import { audit, canonicalJson, SYSTEM_CHAIN, type ChainBreak } from "./audit.server";

export interface ChainHead {
  shopId: string;
  seq: number;
  hash: string;
}

export interface AuditHead {
  version: 1;
  /** When the head was taken (ISO 8601). */
  at: string;
  keyId: string;
  chains: ChainHead[];
  /** HMAC-SHA-256 of the other fields under `keyId`. */
  mac: string;
}

const system = { type: "system" } as const;

const headMaterial = (head: Omit<AuditHead, "mac">) => canonicalJson(["audit-head-v1", head.version, head.at, head.keyId, head.chains]);

/** Appends a keyed row to every chain that ends unkeyed, once per database. Returns chains sealed. */
export async function sealUnkeyedChains(tx: Tx): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('audit:cut-over'))`);
  const [done] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.shopId, SYSTEM_CHAIN), eq(auditEvents.action, "audit.keyed"), isNotNull(auditEvents.keyId)))
    .limit(1);
  if (done) return 0;
  const unkeyed = await queryRows<{ shop_id: string; seq: string | number }>(tx, sql`
    select shop_id, seq from (
      select distinct on (shop_id) shop_id, seq, key_id from audit_events order by shop_id, seq desc
    ) last where key_id is null and shop_id <> ${SYSTEM_CHAIN}`);
  for (const row of unkeyed) {
    await audit(tx, row.shop_id, { action: "audit.keyed", actor: system, meta: { legacyThrough: Number(row.seq) } });
  }
  await audit(tx, SYSTEM_CHAIN, { action: "audit.keyed", actor: system, meta: { chains: unkeyed.length } });
  return unkeyed.length;
}

/** Each chain's newest row visible to `tx` (one shop's under withShop, all under asSystem). */
export async function readChainHeads(tx: Tx): Promise<ChainHead[]> {
  const rows = await queryRows<{ shop_id: string; seq: string | number; hash: string }>(tx, sql`
    select distinct on (shop_id) shop_id, seq, hash from audit_events order by shop_id, seq desc`);
  return rows.map((r) => ({ shopId: r.shop_id, seq: Number(r.seq), hash: r.hash }));
}

export function signAuditHead(keyring: AuditKeyring, chains: ChainHead[], at = new Date()): AuditHead {
  const unsigned = { version: 1 as const, at: at.toISOString(), keyId: keyring.primaryKid, chains };
  return { ...unsigned, mac: keyring.mac(unsigned.keyId, headMaterial(unsigned))! };
}

/** The daily publication: cut-over if still due, then every chain's head, signed, to the log. */
export async function publishAuditHead(): Promise<AuditHead> {
  const keyring = await getAuditKeyring();
  const head = await asSystem("audit: publish chain head", async (tx) => {
    await sealUnkeyedChains(tx);
    return signAuditHead(keyring, await readChainHeads(tx));
  });
  log.info({ auditHead: head }, "audit chain head");
  return head;
}

/**
 * Checks the table against a published head: its MAC, then that each chain still
 * holds the row the head names (or pruned past it). A chain cut short, deleted or
 * rewritten since the head was taken is a break.
 */
export async function verifyAgainstHead(tx: Tx, head: AuditHead, keyring?: AuditKeyring): Promise<ChainBreak[]> {
  const keys = keyring ?? (await getAuditKeyring());
  const { mac, ...unsigned } = head;
  const expected = keys.mac(head.keyId, headMaterial(unsigned));
  if (expected === undefined) return [{ shopId: "(head)", seq: 0, reason: `head signed with audit key ${head.keyId}, which this verifier does not hold` }];
  if (expected !== mac) return [{ shopId: "(head)", seq: 0, reason: "the head's MAC does not match: not a head this deployment published" }];
  const breaks: ChainBreak[] = [];
  for (const chain of head.chains) {
    const [row] = await tx
      .select({ hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(eq(auditEvents.shopId, chain.shopId), eq(auditEvents.seq, chain.seq)));
    if (row) {
      if (row.hash !== chain.hash) breaks.push({ shopId: chain.shopId, seq: chain.seq, reason: "differs from the published head (rewritten)" });
      continue;
    }
    const [checkpoint] = await tx.select().from(auditCheckpoints).where(eq(auditCheckpoints.shopId, chain.shopId));
    // Retention may have pruned the head's row. That is accepted only while keyed rows
    // continue the chain past the checkpoint (verifyAuditChains checks they link to it):
    // a checkpoint alone is a database row anyone with the owner's login could write.
    const [after] = checkpoint && checkpoint.seq >= chain.seq
      ? await tx.select({ seq: auditEvents.seq }).from(auditEvents)
        .where(and(eq(auditEvents.shopId, chain.shopId), gt(auditEvents.seq, checkpoint.seq), isNotNull(auditEvents.keyId))).limit(1)
      : [];
    if (after) continue;
    breaks.push({ shopId: chain.shopId, seq: chain.seq, reason: "the published head's row is missing (chain cut short or deleted)" });
  }
  return breaks;
}
