/**
 * The report narrative door: `narrateReport(shop, reportId, actor, origin)`.
 *
 * Guarantees:
 *  - Only the NarrativeInput (app/reports/narrative.ts: aggregates, strict schema,
 *    small cells merged) ever leaves for Anthropic, as the exact text that is stored
 *    in `input_json` and shown to the merchant under "Data sent to AI" (for a local
 *    narrative, the same figures under "Figures this summary was written from").
 *  - Claude answers through one forced tool call; the answer is validated with zod.
 *    An invalid answer is retried once; a second invalid answer gives the local
 *    narrative instead (stored as source "local", fallback_reason "invalid_output").
 *  - Anthropic being unreachable (429, 529, 5xx, timeout, connection, refused key)
 *    is a NarrativeError with a plain message and nothing stored (the previous
 *    narrative stays). Callers that cannot ask the merchant (the weekly job) pass
 *    `onUnavailable: "local"` and get the local narrative instead.
 *  - Without ANTHROPIC_API_KEY, with `mode: "local"`, or when the shop turned AI off
 *    in Settings (`ai_enabled`, read in the same transaction as the report), the
 *    narrative is written by local-narrative.ts from the same input: fully offline,
 *    no Anthropic client is even created.
 *  - Nothing is half-saved: the row and its `report.narrated` audit event are written
 *    in one transaction after the narrative exists. The audit meta carries the model,
 *    source (the writer: "anthropic" or "local"), input hash and prompt version, never the text.
 *  - At most `narrative_daily_limit` narratives per shop per shop-local day, counted
 *    from the stored rows (local ones too: each is a generation). The check runs
 *    before the model is called and again under a per-shop lock before the insert,
 *    so concurrent requests cannot pass it together. A refusal is audited as
 *    `narrative.limit_reached`.
 *  - Prompts and answers are never logged; failures log their kind and status only.
 *
 * The Anthropic adapter (client, SDK retries and timeouts, error codes, the forced
 * tool call and its validation) is anthropic-client.server.ts; this file is the
 * narrative's logic: what is sent, when to fall back, what is stored and said.
 */
import { createHash, randomUUID } from "node:crypto";

import { and, count, desc, eq, gte, sql } from "drizzle-orm";

import type { Tx } from "~/db/client.server";
import { reportNarratives, reports } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { env } from "~/env.server";
import { knownZone } from "~/lib/shop-time";
import { audit, canonicalJson, type Actor, type RequestOrigin } from "~/security/audit.server";
import { readSettings } from "~/settings.server";
import { readShop } from "~/shops.server";

import { AnthropicFailure, callTool, type AnthropicFailureCode, type AnthropicOptions } from "./anthropic-client.server";
import type { ReportData } from "./build.server";
import { LOCAL_NARRATIVE_VERSION, writeLocalNarrative } from "./local-narrative";
import { NarrativeInputSchema, NarrativeSchema, toNarrativeInput, type Narrative, type NarrativeInput, type NarrativeSource, type NarrativeView } from "./narrative";

export type { NarrativeSource, NarrativeView };
import { NARRATIVE_TOOL, PROMPT_VERSION, SYSTEM_PROMPT, userMessage } from "./narrative-prompt";
import { addDays, todayIn } from "./period";
import { zonedTimeToUtc } from "./zoned-time";

/** All attempts together (SDK retries and the one retry for invalid output) never take longer. */
export const NARRATE_DEADLINE_MS = 75_000;
const MAX_TOKENS = 2048;

export type NarrativeErrorCode =
  | "not_found"
  | "daily_limit"
  | "rate_limited"
  | "overloaded"
  | "timeout"
  | "unavailable"
  | "not_configured"
  | "refused";

const HTTP_STATUS: Record<NarrativeErrorCode, number> = {
  not_found: 404,
  daily_limit: 429,
  rate_limited: 503,
  overloaded: 503,
  timeout: 503,
  unavailable: 503,
  not_configured: 503,
  refused: 502,
};

/** A failure with a message fit for the merchant; `status` is what the route answers. */
export class NarrativeError extends Error {
  readonly status: number;
  constructor(readonly code: NarrativeErrorCode, message: string, readonly retryAfterSeconds?: number) {
    super(message);
    this.name = "NarrativeError";
    this.status = HTTP_STATUS[code];
  }
  /** Anthropic failures: the merchant may ask for a narrative without AI instead. */
  get canWriteLocally(): boolean {
    return !["not_found", "daily_limit"].includes(this.code);
  }
}

const UNAVAILABLE_WORDS: Partial<Record<NarrativeErrorCode, string>> = {
  rate_limited: "rate limited", overloaded: "overloaded", timeout: "no answer in time", unavailable: "service error",
  not_configured: "credentials refused", refused: "request refused",
};

const UNCHANGED = "Nothing was saved and any earlier narrative is unchanged.";

/** What the merchant is told when Anthropic could not answer, and when to try again (default when Anthropic gave no Retry-After). */
const FAILURE_MESSAGES: Record<AnthropicFailureCode, { message: string; retryAfter?: number }> = {
  timeout: { message: `Claude did not answer in time. ${UNCHANGED} Try again in a few minutes.`, retryAfter: 60 },
  rate_limited: { message: `Claude is receiving too many requests right now. ${UNCHANGED} Try again in a minute.`, retryAfter: 60 },
  overloaded: { message: `Claude is overloaded right now. ${UNCHANGED} Try again in a few minutes.`, retryAfter: 120 },
  not_configured: { message: `The AI service refused Margin Notes' credentials. ${UNCHANGED} The app's operator has been told.` },
  unavailable: { message: `Claude's service had an error. ${UNCHANGED} Try again in a few minutes.`, retryAfter: 60 },
  refused: { message: `Claude could not take this request. ${UNCHANGED}` },
};

function narrativeErrorOf(failure: AnthropicFailure): NarrativeError {
  const { message, retryAfter } = FAILURE_MESSAGES[failure.code];
  const text = failure.unreached ? `Claude could not be reached. ${UNCHANGED} Try again in a few minutes.` : message;
  return new NarrativeError(failure.code, text, failure.retryAfterSeconds ?? retryAfter);
}

export interface NarrateOptions {
  /** "auto": Claude when a key is configured and the shop has AI on, else local. "local": never call Claude. */
  mode?: "auto" | "local";
  /** When Claude is unreachable: throw (a route, the merchant decides) or write locally (the weekly job). */
  onUnavailable?: "error" | "local";
  anthropic?: AnthropicOptions;
  now?: Date;
}

export interface NarrateResult {
  view: NarrativeView;
  /** Said to the merchant next to the narrative (why it was written locally). */
  notice: string | null;
}

/**
 * One narrative write per shop at a time, and never beside a report's delete
 * (saved.server.ts takes it too): the daily count and the report's existence hold
 * until the narrative's transaction ends.
 */
export async function lockNarratives(tx: Tx, shop: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`narrate:${shop}`}))`);
}

const actorLabel = (actor: Actor) => (actor.type === "staff" ? `staff:${actor.id}` : actor.type);

export const inputHashOf = (input: NarrativeInput) => createHash("sha256").update(canonicalJson(input)).digest("hex");
/** The exact text sent to the model (inside the user message) and shown to the merchant. */
export const inputJsonOf = (input: NarrativeInput) => JSON.stringify(input, null, 2);

type NarrativeRow = typeof reportNarratives.$inferSelect;

function toView(row: NarrativeRow): NarrativeView {
  return {
    id: row.narrativeId,
    reportId: row.reportId,
    narrative: row.narrative as Narrative,
    source: row.source,
    model: row.model,
    promptVersion: row.promptVersion,
    inputJson: row.inputJson,
    inputHash: row.inputHash,
    fallbackReason: row.fallbackReason,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The newest narrative of a report, or null. */
export async function loadLatestNarrative(shop: string, reportId: string): Promise<NarrativeView | null> {
  const [row] = await withShop(shop, (tx) =>
    tx.select().from(reportNarratives)
      .where(and(eq(reportNarratives.shopId, shop), eq(reportNarratives.reportId, reportId)))
      .orderBy(desc(reportNarratives.createdAt), desc(reportNarratives.narrativeId))
      .limit(1),
  );
  return row ? toView(row) : null;
}

export type NarrativeWriter = "claude" | "off" | "not_configured";

/** What the report page's narrative card needs: the newest narrative, and who would write the next one. */
export async function loadNarrativeCard(shop: string, reportId: string): Promise<{ narrative: NarrativeView | null; ai: NarrativeWriter }> {
  const { aiEnabled } = await withShop(shop, (tx) => readSettings(tx, shop));
  const ai: NarrativeWriter = !aiEnabled ? "off" : env.ANTHROPIC_API_KEY ? "claude" : "not_configured";
  return { narrative: await loadLatestNarrative(shop, reportId), ai };
}

/** Narratives created since the start of the shop's local day. */
async function usedToday(tx: Tx, shop: string, timeZone: string, now: Date): Promise<number> {
  const dayStart = zonedTimeToUtc(todayIn(timeZone, now), 0, timeZone);
  const [row] = await tx.select({ n: count() }).from(reportNarratives)
    .where(and(eq(reportNarratives.shopId, shop), gte(reportNarratives.createdAt, dayStart)));
  return Number(row?.n ?? 0);
}

function limitMessage(limit: number) {
  return `This store has used its ${limit} report narratives for today. The limit resets at midnight in the store's time zone; the store owner can change it in Settings.`;
}

/** Whole seconds until the shop's next local midnight, when the daily count starts over (Retry-After). */
export function secondsUntilNextLocalDay(timeZone: string, now: Date): number {
  const next = zonedTimeToUtc(addDays(todayIn(timeZone, now), 1), 0, timeZone);
  return Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
}

async function refuseOverLimit(
  shop: string, reportId: string, actor: Actor, origin: RequestOrigin | null, limit: number, used: number, resetsIn: number,
): Promise<never> {
  await withShop(shop, (tx) =>
    audit(tx, shop, { action: "narrative.limit_reached", actor, target: reportId, meta: { limit, used }, origin: origin ?? undefined }),
  );
  throw new NarrativeError("daily_limit", limitMessage(limit), resetsIn);
}

interface Drafted {
  narrative: Narrative;
  source: NarrativeSource;
  model: string | null;
  promptVersion: string;
  inputTokens: number | null;
  outputTokens: number | null;
  fallbackReason: string | null;
}

/** Asks Claude (one forced tool call, one retry for an invalid answer); narrative null when both answers were invalid. */
async function askClaude(inputJson: string, options: AnthropicOptions, apiKey: string) {
  try {
    const answer = await callTool({
      apiKey, options, system: SYSTEM_PROMPT, tool: NARRATIVE_TOOL, content: userMessage(inputJson), schema: NarrativeSchema,
      maxTokens: MAX_TOKENS, deadlineMs: NARRATE_DEADLINE_MS, attempts: 2,
    });
    return { narrative: answer.value, model: answer.model, inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
  } catch (error) {
    throw error instanceof AnthropicFailure ? narrativeErrorOf(error) : error;
  }
}

const AI_OFF_NOTICE = "AI is off for this store (Settings), so Margin Notes wrote this narrative itself: nothing was sent to an AI provider.";

async function draft(input: NarrativeInput, inputJson: string, options: NarrateOptions & { aiEnabled: boolean }): Promise<{ drafted: Drafted; notice: string | null }> {
  const apiKey = options.anthropic?.apiKey ?? env.ANTHROPIC_API_KEY;
  const local = (fallbackReason: string | null, tokens: { inputTokens: number | null; outputTokens: number | null } = { inputTokens: null, outputTokens: null }): Drafted => ({
    narrative: writeLocalNarrative(input),
    source: "local",
    model: null,
    promptVersion: LOCAL_NARRATIVE_VERSION,
    ...tokens,
    fallbackReason,
  });
  // The shop's choice comes first: with AI off no request is built, whatever the mode or key.
  if (!options.aiEnabled) return { drafted: local("ai_off"), notice: AI_OFF_NOTICE };
  if (options.mode === "local" || !apiKey) return { drafted: local(null), notice: null };
  try {
    const answer = await askClaude(inputJson, options.anthropic ?? {}, apiKey);
    if (!answer.narrative) {
      return {
        drafted: local("invalid_output", { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens }),
        notice: "Claude's answer did not pass our checks twice, so Margin Notes wrote this narrative itself, from the same figures.",
      };
    }
    return {
      drafted: {
        narrative: answer.narrative, source: "anthropic", model: answer.model, promptVersion: PROMPT_VERSION,
        inputTokens: answer.inputTokens, outputTokens: answer.outputTokens, fallbackReason: null,
      },
      notice: null,
    };
  } catch (error) {
    if (error instanceof NarrativeError && options.onUnavailable === "local") {
      return { drafted: local(error.code), notice: `Claude could not write this narrative (${UNAVAILABLE_WORDS[error.code] ?? "unavailable"}), so Margin Notes wrote it itself, from the same figures.` };
    }
    throw error;
  }
}

/**
 * Writes (or rewrites) the narrative of a saved report and stores it. Throws
 * NarrativeError for everything the merchant should be told.
 */
export async function narrateReport(
  shop: string,
  reportId: string,
  actor: Actor,
  origin: RequestOrigin | null,
  options: NarrateOptions = {},
): Promise<NarrateResult> {
  const now = () => options.now ?? new Date();
  const context = await withShop(shop, async (tx) => {
    const [report] = await tx.select().from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, reportId)));
    if (!report) return null;
    const shopRow = await readShop(tx, shop);
    const settings = await readSettings(tx, shop);
    const timeZone = knownZone(shopRow?.ianaTimezone);
    return { data: report.data as ReportData, timeZone, limit: settings.narrativeDailyLimit, aiEnabled: settings.aiEnabled, used: await usedToday(tx, shop, timeZone, now()) };
  });
  if (!context) throw new NarrativeError("not_found", "No saved report has this id in your store.");
  if (context.used >= context.limit) {
    await refuseOverLimit(shop, reportId, actor, origin, context.limit, context.used, secondsUntilNextLocalDay(context.timeZone, now()));
  }

  const input = NarrativeInputSchema.parse(toNarrativeInput(context.data));
  const inputJson = inputJsonOf(input);
  const inputHash = inputHashOf(input);

  const started = performance.now();
  const { drafted, notice } = await draft(input, inputJson, { ...options, aiEnabled: context.aiEnabled });
  const latencyMs = Math.round(performance.now() - started);

  const saved = await withShop(shop, async (tx) => {
    await lockNarratives(tx, shop);
    // Deleted while the narrative was drafted (deleteSavedReport takes the same lock):
    // a narrative of a report that is gone is not kept.
    const [still] = await tx.select({ id: reports.reportId }).from(reports).where(and(eq(reports.shopId, shop), eq(reports.reportId, reportId)));
    if (!still) return { gone: true as const };
    const used = await usedToday(tx, shop, context.timeZone, now());
    if (used >= context.limit) return { over: true as const, used };
    const [row] = await tx.insert(reportNarratives).values({
      shopId: shop,
      narrativeId: randomUUID(),
      reportId,
      source: drafted.source,
      model: drafted.model,
      promptVersion: drafted.promptVersion,
      narrative: drafted.narrative,
      inputJson,
      inputHash,
      inputTokens: drafted.inputTokens,
      outputTokens: drafted.outputTokens,
      latencyMs,
      fallbackReason: drafted.fallbackReason,
      createdBy: actorLabel(actor),
      ...(options.now ? { createdAt: options.now } : {}),
    }).returning();
    await audit(tx, shop, {
      action: "report.narrated",
      actor,
      target: reportId,
      // `source` is the writer ("anthropic": Claude; "local": Margin Notes, no AI): Activity labels it from there.
      meta: { model: drafted.model, source: drafted.source, inputHash, promptVersion: drafted.promptVersion, fallbackReason: drafted.fallbackReason },
      origin: origin ?? undefined,
    });
    return { over: false as const, row: row! };
  });
  if ("gone" in saved) throw new NarrativeError("not_found", "This report was deleted while its summary was being written.");
  if (saved.over) return refuseOverLimit(shop, reportId, actor, origin, context.limit, saved.used, secondsUntilNextLocalDay(context.timeZone, now()));
  return { view: toView(saved.row), notice };
}
