/**
 * At most one narrative written per report at a time: `narrateReportOnce` wraps
 * narrate.server.ts's `narrateReport` (unchanged) with an in-flight key, so a
 * double-clicked "Write narrative"/"Regenerate" costs one quota unit and one paid
 * Claude call, and both requests answer with the same narrative.
 *
 * Why a row and not an advisory lock: the Claude call takes up to 75 s, and a
 * transaction-scoped lock would hold a transaction (and, on PGlite, the only
 * connection) open for all of it; session-level locks are not allowed behind
 * PgBouncer in transaction mode (README, Deployment). So:
 *
 *  1. Claim: one upsert into `narrative_requests` (shop, report) that takes the row
 *     only when it is finished or its holder's lease has run out. PostgreSQL makes a
 *     concurrent upsert wait for the first one's commit and then re-check the
 *     condition, so exactly one request claims.
 *  2. The holder writes the narrative, then records its outcome on the row (the
 *     narrative id and notice, or the error's code and message).
 *  3. Every other request polls the row and answers with that outcome: the same
 *     narrative, or the same error. A holder that died is taken over after its
 *     lease (longer than narrate.server.ts's whole deadline).
 *
 * A double click can also arrive after the first request finished (a local
 * narrative takes milliseconds). The page sends the id of the narrative it shows
 * (`replaces`); when a newer one exists, that request was answered already and gets
 * the newer one instead of writing another.
 */
import { randomUUID } from "node:crypto";

import { and, desc, eq, sql } from "drizzle-orm";

import { queryRows } from "~/db/client.server";
import { narrativeRequests, reportNarratives, reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import type { Actor, RequestOrigin } from "~/security/audit.server";

import {
  loadLatestNarrative, NARRATE_DEADLINE_MS, narrateReport, NarrativeError,
  type NarrateOptions, type NarrateResult, type NarrativeErrorCode,
} from "./narrate.server";

/** After this a holder is presumed dead: longer than everything narrateReport may take. */
export const NARRATE_LEASE_MS = NARRATE_DEADLINE_MS + 30_000;
const POLL_MS = 150;

export interface NarrateOnceOptions extends NarrateOptions {
  /**
   * The narrative the page showed when the merchant pressed the button (null: none).
   * Undefined: no such check (callers that are not a page).
   */
  replaces?: string | null;
  /** Test seam: how long a holder may hold the row. */
  leaseMs?: number;
}

type Claim = { claimed: true; newer: string | null } | { claimed: false } | { missing: true };

/** Takes the report's row when free, and says whether a newer narrative than `replaces` exists. */
async function claim(shop: string, reportId: string, requestId: string, leaseMs: number, replaces: string | null | undefined): Promise<Claim> {
  return withShop(shop, async (tx) => {
    const [report] = await tx.select({ id: reports.reportId }).from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, reportId)));
    if (!report) return { missing: true };
    const rows = await queryRows<{ requestId: string }>(tx, sql`
      insert into narrative_requests (shop_id, report_id, request_id, started_at)
      values (${shop}, ${reportId}, ${requestId}, now())
      on conflict (shop_id, report_id) do update set
        request_id = excluded.request_id, started_at = excluded.started_at, finished_at = null,
        narrative_id = null, notice = null, error_code = null, error_message = null
      where narrative_requests.finished_at is not null
        or narrative_requests.started_at < now() - make_interval(secs => ${leaseMs / 1000})
      returning request_id as "requestId"`);
    if (rows[0]?.requestId !== requestId) return { claimed: false };
    if (replaces === undefined) return { claimed: true, newer: null };
    const [latest] = await tx.select({ id: reportNarratives.narrativeId }).from(reportNarratives)
      .where(and(eq(reportNarratives.shopId, shop), eq(reportNarratives.reportId, reportId)))
      .orderBy(desc(reportNarratives.createdAt), desc(reportNarratives.narrativeId)).limit(1);
    return { claimed: true, newer: latest && latest.id !== replaces ? latest.id : null };
  });
}

type Outcome = { narrativeId: string; notice: string | null } | { errorCode: string; errorMessage: string };

async function finish(shop: string, reportId: string, requestId: string, outcome: Outcome): Promise<void> {
  await withShop(shop, (tx) =>
    tx.update(narrativeRequests)
      .set({
        finishedAt: sql`now()`,
        ...("narrativeId" in outcome ? { narrativeId: outcome.narrativeId, notice: outcome.notice } : { errorCode: outcome.errorCode, errorMessage: outcome.errorMessage }),
      })
      // Only its own claim: a holder that outlived its lease has been replaced.
      .where(and(eq(narrativeRequests.shopId, shop), eq(narrativeRequests.reportId, reportId), eq(narrativeRequests.requestId, requestId))),
  );
}

async function answerWith(shop: string, reportId: string, row: typeof narrativeRequests.$inferSelect): Promise<NarrateResult> {
  if (row.narrativeId) {
    // The newest narrative: the holder's, or one written after it (either is current).
    const view = await loadLatestNarrative(shop, reportId);
    if (view) return { view, notice: view.id === row.narrativeId ? row.notice : null };
  }
  throw new NarrativeError((row.errorCode ?? "unavailable") as NarrativeErrorCode, row.errorMessage ?? "The narrative could not be written. Try again in a moment.");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `narrateReport`, at most one at a time per report; the others answer with its outcome. */
export async function narrateReportOnce(
  shop: string,
  reportId: string,
  actor: Actor,
  origin: RequestOrigin | null,
  options: NarrateOnceOptions = {},
): Promise<NarrateResult> {
  const { replaces, leaseMs = NARRATE_LEASE_MS, ...narrateOptions } = options;
  const requestId = randomUUID();
  const deadline = Date.now() + leaseMs + POLL_MS * 10;
  for (;;) {
    const claimed = await claim(shop, reportId, requestId, leaseMs, replaces);
    // Not this shop's report: narrateReport says so (and claims nothing).
    if ("missing" in claimed) return narrateReport(shop, reportId, actor, origin, narrateOptions);
    if (claimed.claimed) return holdAndNarrate(shop, reportId, requestId, claimed.newer, actor, origin, narrateOptions);
    // Another request is writing this report's narrative: wait for its outcome.
    for (;;) {
      if (Date.now() > deadline) {
        throw new NarrativeError("unavailable", "A narrative for this report is still being written. Reload the page in a minute to see it.", 60);
      }
      await sleep(POLL_MS);
      const [row] = await withShop(shop, (tx) =>
        tx.select().from(narrativeRequests).where(and(eq(narrativeRequests.shopId, shop), eq(narrativeRequests.reportId, reportId))),
      );
      if (row?.finishedAt) return answerWith(shop, reportId, row);
      // Its holder's lease ran out: try to take over.
      if (!row || Date.now() - row.startedAt.getTime() > leaseMs) break;
    }
  }
}

async function holdAndNarrate(
  shop: string, reportId: string, requestId: string, newer: string | null, actor: Actor, origin: RequestOrigin | null, options: NarrateOptions,
): Promise<NarrateResult> {
  if (newer) {
    // Written since the page was shown: that request has been answered; this is its echo.
    await finish(shop, reportId, requestId, { narrativeId: newer, notice: null });
    const view = await loadLatestNarrative(shop, reportId);
    if (view) return { view, notice: null };
  }
  try {
    const result = await narrateReport(shop, reportId, actor, origin, options);
    await finish(shop, reportId, requestId, { narrativeId: result.view.id, notice: result.notice });
    return result;
  } catch (error) {
    const outcome = error instanceof NarrativeError
      ? { errorCode: error.code, errorMessage: error.message }
      : { errorCode: "unavailable", errorMessage: "The narrative could not be written. Nothing was saved; try again in a moment." };
    // The merchant needs the first error, not a failure to record it; waiters then take over after the lease.
    await finish(shop, reportId, requestId, outcome).catch(() => undefined);
    throw error;
  }
}
