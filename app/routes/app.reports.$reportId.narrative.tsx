/**
 * The narrative of a saved report, as a resource route for the NarrativeCard:
 *   GET  → the newest narrative (or null)
 *   POST → write a new one (`mode=auto`: Claude when configured; `mode=local`: without AI),
 *          at most one at a time per report (`replaces`: the narrative the page shows;
 *          app/reports/narrate-once.server.ts)
 * Always JSON, never a 500 for an Anthropic failure: the merchant gets a message
 * (503, nothing saved) and the offer to write it without AI. The shop comes from the
 * session; another shop's report id is simply not found (row level security).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";

import { env } from "~/env.server";
import { narrateReportOnce } from "~/reports/narrate-once.server";
import { loadLatestNarrative, NarrativeError } from "~/reports/narrate.server";
import type { NarrativeResponse } from "~/reports/narrative";
import { reportIdFromParam } from "~/reports/params.server";
import { requestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { authenticate } from "~/shopify.server";

function respond(body: NarrativeResponse, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: securityHeaders(new Headers({ "Cache-Control": "no-store", ...headers })) });
}

const failure = (code: string, message: string, status: number, canWriteLocally = false, headers: Record<string, string> = {}) =>
  respond({ ok: false, error: { code, message }, canWriteLocally }, status, headers);

function reportIdOrResponse(param: string | undefined): string | Response {
  try {
    return reportIdFromParam(param);
  } catch (error) {
    if (error instanceof Response) return failure("bad_request", "This is not the id of a saved report.", 400);
    throw error;
  }
}

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request, context);
  const reportId = reportIdOrResponse(params.reportId);
  if (reportId instanceof Response) return reportId;
  return respond({ ok: true, narrative: await loadLatestNarrative(session.shop, reportId), notice: null });
};

const NarrateForm = z
  .object({
    intent: z.literal("narrate").optional(),
    mode: z.enum(["auto", "local"]).default("auto"),
    /** The narrative id the page showed, or "none". */
    replaces: z.string().regex(/^[0-9a-f-]{36}$|^none$/).optional(),
  })
  .strict();

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  if (request.method !== "POST") return failure("method_not_allowed", "Use POST to write a narrative.", 405, false, { Allow: "GET, POST" });
  const { session, sessionToken } = await authenticate.admin(request, context);
  const reportId = reportIdOrResponse(params.reportId);
  if (reportId instanceof Response) return reportId;
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return failure("bad_request", "The request could not be read.", 400);
  }
  const input = NarrateForm.safeParse(Object.fromEntries(form));
  if (!input.success) return failure("bad_request", "The request is not valid: send mode=auto or mode=local (and replaces=<narrative id> or none).", 400);

  try {
    await rateLimit(`shop:${session.shop}:narrate`, policies.narrate);
  } catch (error) {
    if (error instanceof Response && error.status === 429) {
      const retryAfter = error.headers.get("Retry-After") ?? "60";
      return failure("rate_limited", `Narratives can be written ${policies.narrate.limit} times a minute. Try again in ${retryAfter} seconds.`, 429, false, { "Retry-After": retryAfter });
    }
    throw error;
  }

  const actor = { type: "staff", id: String(sessionToken?.sub ?? "unknown") } as const;
  try {
    const { replaces } = input.data;
    const { view, notice } = await narrateReportOnce(session.shop, reportId, actor, requestOrigin(request, env.TRUSTED_PROXY_HOPS), {
      mode: input.data.mode,
      replaces: replaces === undefined ? undefined : replaces === "none" ? null : replaces,
    });
    return respond({ ok: true, narrative: view, notice });
  } catch (error) {
    if (error instanceof NarrativeError) {
      const headers: Record<string, string> = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {};
      return failure(error.code, error.message, error.status, error.canWriteLocally, headers);
    }
    throw error;
  }
};
