/**
 * The "rewrap" and "verify" steps of key rotation (keyring.server.ts: add a key
 * decrypt-only, make it primary, rewrap, verify, retire the old one).
 *
 * Invariants:
 *  - A concurrent refresh is never overwritten: each row is written with a guard on
 *    the sealed values it was read with. A refresh seals with the primary key anyway,
 *    so losing that race leaves nothing to do (and we check that it did).
 *  - Restartable: stale rows are found by `token_kid`, so rows already rewrapped drop
 *    out of the next run. Within a run, keyset pagination on id walks past rows that
 *    failed instead of re-reading them forever.
 *  - Runs as `app_system` (sessions have forced row level security, drizzle/0018):
 *    every read and each row's guarded write is its own short system transaction.
 *  - Reports name a row by id and shop only. Reasons are SealError messages, which
 *    never carry sealed values or plaintext; driver errors (whose messages quote the
 *    query parameters) are never passed through.
 */
import { and, asc, count, eq, gt, ne, sql, type SQL } from "drizzle-orm";

import type { Queryable } from "~/db/client.server";
import { sessions } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { log } from "~/log.server";

import { getKeyProvider, keyIdOf, openWith, SealError, sealWith, type KeyProvider } from "./keyring.server";
import { tokenContext } from "./session-storage.server";

export interface RowFailure {
  id: string;
  shop: string;
  reason: string;
}

export interface RewrapProgress {
  batch: number;
  /** The last id of the batch just done: where a rerun's scan would pick up. */
  lastId: string;
  rewrapped: number;
  skipped: number;
  failed: number;
}

export interface RewrapResult {
  rewrapped: number;
  skipped: number;
  failed: number;
  failures: RowFailure[];
}

const sealedColumns = {
  id: sessions.id,
  shopId: sessions.shopId,
  accessToken: sessions.accessToken,
  refreshToken: sessions.refreshToken,
  tokenKid: sessions.tokenKid,
};
type SealedRow = { id: string; shopId: string; accessToken: string; refreshToken: string | null; tokenKid: string };

// A row that changes under us this many times in a row is left for the next run.
const MAX_ATTEMPTS = 3;

export async function keyStatus(): Promise<{ primaryKid: string; keyIds: string[]; rowsByKid: Record<string, number> }> {
  const provider = await getKeyProvider();
  const rows = await asSystem("key rotation: status", (tx) =>
    tx.select({ kid: sessions.tokenKid, n: count() }).from(sessions).groupBy(sessions.tokenKid),
  );
  return {
    primaryKid: provider.primaryKid,
    keyIds: provider.kids(),
    rowsByKid: Object.fromEntries(rows.map((r) => [r.kid, Number(r.n)])),
  };
}

function openRow(provider: KeyProvider, row: SealedRow): { access: string; refresh: string | null } | { reason: string } {
  let column: "access_token" | "refresh_token" = "access_token";
  try {
    const access = openWith(provider, row.accessToken, tokenContext(row.shopId, row.id, column));
    column = "refresh_token";
    const refresh = row.refreshToken === null ? null : openWith(provider, row.refreshToken, tokenContext(row.shopId, row.id, column));
    return { access, refresh };
  } catch (error) {
    return { reason: `${column}: ${error instanceof SealError ? error.message : "could not be opened"}` };
  }
}

const kidOf = (sealed: string | null) => {
  try {
    return sealed === null ? null : keyIdOf(sealed);
  } catch {
    return undefined;
  }
};

/** Judged by the sealed values themselves, not only the `token_kid` label. */
function onPrimary(provider: KeyProvider, row: SealedRow): boolean {
  const primary = provider.primaryKid;
  const refreshKid = kidOf(row.refreshToken);
  return row.tokenKid === primary && kidOf(row.accessToken) === primary && (refreshKid === null || refreshKid === primary);
}

/** Keyset pagination on id: stable under concurrent writes, and cheap at any depth. */
async function page(db: Queryable, batchSize: number, after: string | undefined, filter?: SQL): Promise<SealedRow[]> {
  return db
    .select(sealedColumns)
    .from(sessions)
    .where(and(filter, after === undefined ? undefined : gt(sessions.id, after)))
    .orderBy(asc(sessions.id))
    .limit(batchSize);
}

/** One row, guarded against concurrent writers. Exported for the race tests; use rewrapSessions. */
export async function rewrapRow(db: Queryable, provider: KeyProvider, stale: SealedRow): Promise<"rewrapped" | "skipped" | RowFailure> {
  const failure = (reason: string): RowFailure => ({ id: stale.id, shop: stale.shopId, reason });
  let row: SealedRow | undefined = stale;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // Gone (uninstalled) or already resealed with the primary by a refresh: nothing to do.
    if (!row) return "skipped";
    if (attempt > 0 && onPrimary(provider, row)) return "skipped";
    const opened = openRow(provider, row);
    if ("reason" in opened) return failure(opened.reason);
    const accessToken = sealWith(provider, opened.access, tokenContext(row.shopId, row.id, "access_token"));
    const refreshToken =
      opened.refresh === null ? null : sealWith(provider, opened.refresh, tokenContext(row.shopId, row.id, "refresh_token"));
    let written: unknown[];
    try {
      // updated_at is left alone: the session did not change, only its wrapping.
      written = await db
        .update(sessions)
        .set({ accessToken, refreshToken, tokenKid: provider.primaryKid })
        .where(
          and(
            eq(sessions.id, row.id),
            eq(sessions.accessToken, row.accessToken),
            sql`${sessions.refreshToken} is not distinct from ${row.refreshToken}`,
          ),
        )
        .returning({ id: sessions.id });
    } catch (error) {
      // Drizzle's message lists the parameters (sealed values): keep only the database's own words.
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? "database error";
      throw new Error(`rewrapping session ${row.id} (${row.shopId}) failed: ${cause}`);
    }
    if (written.length === 1) return "rewrapped";
    // The guard failed: someone wrote the row since we read it. Re-read to confirm it
    // is now on the primary; a writer still on the old key (a stale instance) gets retried.
    [row] = await db.select(sealedColumns).from(sessions).where(eq(sessions.id, stale.id));
  }
  return failure("row kept changing during rewrap; rerun to retry");
}

export async function rewrapSessions(
  options: { batchSize?: number; onProgress?: (progress: RewrapProgress) => void | Promise<void> } = {},
): Promise<RewrapResult> {
  const { batchSize = 200, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError("batchSize must be a positive integer");
  const provider = await getKeyProvider();
  const result: RewrapResult = { rewrapped: 0, skipped: 0, failed: 0, failures: [] };
  let after: string | undefined;
  for (let batch = 1; ; batch++) {
    const rows = await asSystem("key rotation: rewrap", (tx) => page(tx, batchSize, after, ne(sessions.tokenKid, provider.primaryKid)));
    if (rows.length === 0) break;
    for (const row of rows) {
      const outcome = await asSystem("key rotation: rewrap", (tx) => rewrapRow(tx, provider, row));
      if (outcome === "rewrapped") result.rewrapped++;
      else if (outcome === "skipped") result.skipped++;
      else {
        result.failed++;
        result.failures.push(outcome);
        log.warn(outcome, "session could not be rewrapped");
      }
    }
    after = rows[rows.length - 1]!.id;
    const { rewrapped, skipped, failed } = result;
    await onProgress?.({ batch, lastId: after, rewrapped, skipped, failed });
    if (rows.length < batchSize) break;
  }
  return result;
}

/** Opens every row with the current keyring. `notPrimary` counts rows that open but still need a rewrap. */
export async function verifySessions(
  options: { batchSize?: number } = {},
): Promise<{ ok: number; failed: RowFailure[]; notPrimary: number }> {
  const { batchSize = 500 } = options;
  const provider = await getKeyProvider();
  const report = { ok: 0, failed: [] as RowFailure[], notPrimary: 0 };
  for (let after: string | undefined; ; ) {
    const rows = await asSystem("key rotation: verify", (tx) => page(tx, batchSize, after));
    for (const row of rows) {
      const opened = openRow(provider, row);
      if ("reason" in opened) {
        report.failed.push({ id: row.id, shop: row.shopId, reason: opened.reason });
        continue;
      }
      report.ok++;
      if (!onPrimary(provider, row)) report.notPrimary++;
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!.id;
  }
  return report;
}
