/**
 * The Anthropic adapter: one forced tool call whose input is validated with zod,
 * and nothing else of the narrative's logic (narrate.server.ts decides what to
 * send, when to fall back, what to store and what to tell the merchant).
 *
 *  - Timeouts: each request ANTHROPIC_TIMEOUT_MS (env, or `timeoutMs`); all
 *    attempts together at most `deadlineMs`.
 *  - Retries: the SDK retries 408/409/429/5xx/529 and connection errors itself
 *    (`maxRetries`, backoff honouring Retry-After); an answer that fails
 *    validation is asked for again, up to `attempts` in all.
 *  - Errors: an unreachable or refusing service becomes an AnthropicFailure with
 *    a code (and Retry-After when Anthropic gave one); anything else propagates.
 *  - Nothing of the request or the answer is logged, by us or by the SDK: failures
 *    log their kind and status, invalid answers the number of issues.
 *
 * Anthropic's tool use (forced with tool_choice) and errors:
 * https://docs.anthropic.com/en/docs/build-with-claude/tool-use,
 * https://docs.anthropic.com/en/api/errors
 */
import Anthropic, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "@anthropic-ai/sdk";
import type { z } from "zod";

import { env } from "~/env.server";
import { log } from "~/log.server";

/** The SDK's own retries per request. */
export const ANTHROPIC_MAX_RETRIES = 2;

export interface AnthropicOptions {
  apiKey?: string;
  model?: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export type AnthropicFailureCode = "rate_limited" | "overloaded" | "timeout" | "unavailable" | "not_configured" | "refused";

/**
 * Anthropic could not (or would not) answer; `retryAfterSeconds` as Anthropic said,
 * when it did; `unreached`: no answer at all (the connection failed).
 */
export class AnthropicFailure extends Error {
  constructor(readonly code: AnthropicFailureCode, readonly retryAfterSeconds?: number, readonly unreached = false) {
    super(`anthropic: ${code}`);
    this.name = "AnthropicFailure";
  }
}

/** An SDK error as an AnthropicFailure, or null when it is not Anthropic's answer (a bug: rethrown). */
export function toAnthropicFailure(error: unknown, deadlineHit: boolean): AnthropicFailure | null {
  if (error instanceof APIConnectionTimeoutError || (error instanceof APIUserAbortError && deadlineHit)) return new AnthropicFailure("timeout");
  if (error instanceof APIError && typeof error.status === "number") {
    const retryAfter = Number(error.headers?.get?.("retry-after")) || undefined;
    if (error.status === 429) return new AnthropicFailure("rate_limited", retryAfter);
    if (error.status === 529) return new AnthropicFailure("overloaded", retryAfter);
    if (error.status === 401 || error.status === 403) return new AnthropicFailure("not_configured");
    if (error.status >= 500) return new AnthropicFailure("unavailable", retryAfter);
    return new AnthropicFailure("refused");
  }
  if (error instanceof APIConnectionError) return new AnthropicFailure("unavailable", undefined, true);
  return null;
}

function createClient(options: AnthropicOptions, apiKey: string): Anthropic {
  return new Anthropic({
    apiKey,
    baseURL: options.baseURL ?? "https://api.anthropic.com",
    // Looked up per request, so a fetch patched later (tests, instrumentation) is used.
    fetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args),
    timeout: options.timeoutMs ?? env.ANTHROPIC_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? ANTHROPIC_MAX_RETRIES,
    // No SDK logs or traces: they could carry the request body.
    logLevel: "off",
    openTelemetry: false,
  });
}

export interface ToolCall<T> {
  apiKey: string;
  options: AnthropicOptions;
  system: string;
  tool: Anthropic.Tool;
  /** The one user message. */
  content: string;
  /** What the tool's input must be. */
  schema: z.ZodType<T>;
  maxTokens: number;
  /** All attempts together never take longer. */
  deadlineMs: number;
  /** Answers asked for in all when one fails validation. */
  attempts: number;
}

export interface ToolAnswer<T> {
  /** null: every answer failed validation. */
  value: T | null;
  /** The model that answered (or was asked, when none answered validly). */
  model: string;
  inputTokens: number;
  outputTokens: number;
}

/** Asks Claude to call `tool` (forced) and returns its validated input. Throws AnthropicFailure. */
export async function callTool<T>(call: ToolCall<T>): Promise<ToolAnswer<T>> {
  const client = createClient(call.options, call.apiKey);
  const model = call.options.model ?? env.ANTHROPIC_MODEL;
  const deadline = AbortSignal.timeout(call.deadlineMs);
  let inputTokens = 0;
  let outputTokens = 0;
  for (let attempt = 1; attempt <= call.attempts; attempt++) {
    let message: Anthropic.Message;
    try {
      message = await client.messages.create(
        {
          model,
          max_tokens: call.maxTokens,
          system: call.system,
          tools: [call.tool],
          tool_choice: { type: "tool", name: call.tool.name, disable_parallel_tool_use: true },
          messages: [{ role: "user", content: call.content }],
        },
        { signal: deadline },
      );
    } catch (error) {
      const failure = toAnthropicFailure(error, deadline.aborted);
      if (!failure) throw error;
      log.warn({ kind: failure.code, status: error instanceof APIError ? error.status : null, attempt }, "anthropic request failed");
      throw failure;
    }
    inputTokens += message.usage?.input_tokens ?? 0;
    outputTokens += message.usage?.output_tokens ?? 0;
    const use = message.content.find((block): block is Anthropic.ToolUseBlock => block.type === "tool_use" && block.name === call.tool.name);
    const parsed = call.schema.safeParse(use?.input);
    if (parsed.success) return { value: parsed.data, model: message.model || model, inputTokens, outputTokens };
    log.warn({ attempt, stopReason: message.stop_reason, issues: parsed.error.issues.length }, "anthropic answer failed validation");
  }
  return { value: null, model, inputTokens, outputTokens };
}
