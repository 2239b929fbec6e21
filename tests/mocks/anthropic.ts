/**
 * Anthropic's Messages API as msw sees it: `POST https://api.anthropic.com/v1/messages`.
 * Captures every request (headers and parsed body) and answers with a realistic
 * tool_use message, an API error (429 rate_limit_error, 529 overloaded_error, 500
 * api_error …), a slow answer (for timeouts), or a malformed tool call.
 *
 * The app builds its client with `fetch: (...a) => globalThis.fetch(...a)`, so msw
 * (started in setupFiles) intercepts it whenever the client was built.
 * Error answers carry `retry-after-ms: 5`, a header the SDK honours, so its retries
 * do not slow the tests down (Anthropic itself sends `retry-after` in seconds).
 */
import { delay, http, HttpResponse } from "msw";

import { mswServer } from "./msw-server";

export const ANTHROPIC_MESSAGES_URL = "https://api.anthropic.com/v1/messages";
export const TEST_ANTHROPIC_KEY = "sk-ant-api03-test-0000000000000000000000000000";

export interface CapturedRequest {
  headers: Record<string, string>;
  body: {
    model: string;
    system?: string;
    max_tokens: number;
    tools?: Array<{ name: string; input_schema: unknown }>;
    tool_choice?: { type: string; name?: string };
    messages: Array<{ role: string; content: string }>;
    [key: string]: unknown;
  };
  /** The raw body text as sent. */
  text: string;
}

export type AnthropicReply =
  | { kind: "narrative"; input?: unknown }
  | { kind: "error"; status: number; /** Answer after this long (a slow failure). */ ms?: number }
  | { kind: "slow"; ms: number }
  | { kind: "malformed" }
  | { kind: "text-only" };

/** A narrative as Claude would write it through the tool. */
export const sampleToolInput = {
  headline: "Net sales rose 12.4% to $4,210.50 on steady order growth.",
  insights: [
    { metric: "netSales", text: "Net sales reached $4,210.50, up 12.4% on the previous period." },
    { metric: "grossMarginPercent", text: "Gross margin held at 46.2% on sales with a recorded cost." },
    { metric: "averageOrderValue", text: "The average order was $52.63, slightly above the previous period." },
    { metric: "topProducts", text: "Linen Shirt brought in the most net sales." },
  ],
  risks: ["Returns were 8% of gross sales, up from 5%."],
  actions: ["Add unit costs for the products without one.", "Check why returns rose on the best seller."],
};

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const id = (prefix: string) => `${prefix}_01${Math.random().toString(36).slice(2, 12).padEnd(10, "0")}`;

function message(model: string, content: unknown[], stopReason = "tool_use") {
  return {
    id: id("msg"),
    type: "message",
    role: "assistant",
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 1834, output_tokens: 412, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, service_tier: "standard" },
  };
}

/**
 * Installs the handler for this test (msw handlers reset after each test). `reply`
 * decides each answer from its 1-based attempt number.
 */
export function mockAnthropic(reply: AnthropicReply | ((attempt: number, request: CapturedRequest) => AnthropicReply) = { kind: "narrative" }) {
  const requests: CapturedRequest[] = [];
  mswServer.use(
    http.post(ANTHROPIC_MESSAGES_URL, async ({ request }) => {
      const text = await request.text();
      const captured: CapturedRequest = { headers: Object.fromEntries(request.headers), body: JSON.parse(text) as CapturedRequest["body"], text };
      requests.push(captured);
      const answer = typeof reply === "function" ? reply(requests.length, captured) : reply;
      const model = captured.body.model;
      const toolName = captured.body.tool_choice?.name ?? "write_report_narrative";
      switch (answer.kind) {
        case "narrative":
          return HttpResponse.json(message(model, [{ type: "tool_use", id: id("toolu"), name: toolName, input: answer.input ?? sampleToolInput }]), {
            headers: { "request-id": id("req") },
          });
        case "malformed":
          // A tool call whose input does not match the schema (no insights, an unknown key).
          return HttpResponse.json(message(model, [{ type: "tool_use", id: id("toolu"), name: toolName, input: { headline: "Sales", summary: "…" } }]));
        case "text-only":
          return HttpResponse.json(message(model, [{ type: "text", text: "Sales went up." }], "end_turn"));
        case "slow":
          await delay(answer.ms);
          return HttpResponse.json(message(model, [{ type: "tool_use", id: id("toolu"), name: toolName, input: sampleToolInput }]));
        case "error":
          if (answer.ms) await delay(answer.ms);
          return HttpResponse.json(
            { type: "error", error: { type: ERROR_TYPES[answer.status] ?? "api_error", message: `Simulated ${answer.status}` }, request_id: id("req") },
            { status: answer.status, headers: { "retry-after-ms": "5", "request-id": id("req") } },
          );
      }
    }),
  );
  return { requests };
}

/** The NarrativeInput JSON inside a captured request's user message. */
export function sentInput(request: CapturedRequest): unknown {
  const content = request.body.messages[0]?.content ?? "";
  const match = /<report_json>\n([\s\S]*)\n<\/report_json>/.exec(content);
  if (!match) throw new Error("no <report_json> in the request");
  return JSON.parse(match[1]!) as unknown;
}
