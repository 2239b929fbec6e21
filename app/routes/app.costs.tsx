/**
 * Costs: every product and variant with its current unit cost, where it came from,
 * its history and the share of net sales it carries; edit a cost from a date, and
 * import or export costs as CSV. Our ledger only: nothing is written to Shopify.
 * Writes are owner-only, rate-limited and audited (app/sync/costs/cost-edits.server.ts);
 * each queues a re-cost job whose progress the page shows.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useRouteError } from "@remix-run/react";

import type { PageHandle } from "~/components/boot-skeleton";
import { appRouteError } from "~/components/app-error-page";
import { CostsView } from "~/components/costs-view";
import { env } from "~/env.server";
import { presetRange } from "~/reports/period";
import { requestOrigin } from "~/security/audit.server";
import { securityHeaders } from "~/security/headers.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { readForm, refuse, requireMethod } from "~/security/request-guards.server";
import { requireShop } from "~/shops.server";
import { authenticate } from "~/shopify.server";
import { applyCostImport, CostInputError, editCost, previewCostImport } from "~/sync/costs/cost-edits.server";
import { COST_CSV_LIMITS, type CostsActionData } from "~/sync/costs/cost-types";
import { loadCostsPage } from "~/sync/costs/costs-page.server";
import { CostEditSchema, parseCostsParams } from "~/sync/costs/params";

/** The title its first paint shows (app/components/boot-skeleton.tsx). */
export const handle: PageHandle = { title: "Costs" };

export const meta: MetaFunction = () => [{ title: "Costs · Margin Notes" }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session, sessionToken, admin } = await authenticate.admin(request, context);
  const params = parseCostsParams(new URL(request.url).searchParams);
  if (!params.ok) throw refuse(400, params.message);
  const shop = await requireShop(session.shop, session.scope, admin);
  const { from, to } = presetRange(params.value.period, shop.ianaTimezone);
  const page = await loadCostsPage(session.shop, { filter: params.value.filter, query: params.value.q, page: params.value.page, from, to }, params.value.variant);
  if (!page) throw refuse(503, "The store is not set up yet; reload the app.");
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  return { ...page, params: params.value, period: { from, to }, owner: check.owner, unverified: check.unverified ?? null };
};

const reply = (body: CostsActionData, status = 200) =>
  Response.json(body, { status, headers: securityHeaders(new Headers({ "Cache-Control": "no-store" })) });

/** Room for the multipart envelope around the largest file allowed. */
const MAX_BODY = COST_CSV_LIMITS.maxBytes + 64 * 1024;

/**
 * The form, read only up to MAX_BODY bytes (a declared Content-Length over it is
 * refused unread; a body without one is counted as it streams): null when larger.
 */
async function readBoundedForm(request: Request): Promise<FormData | null> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > MAX_BODY) return null;
  if (!request.body) return readForm(request);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) { await reader.cancel(); return null; }
    chunks.push(value);
  }
  const headers = new Headers({ "content-type": request.headers.get("content-type") ?? "" });
  return readForm(new Request(request.url, { method: "POST", headers, body: Buffer.concat(chunks) }));
}

export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const { session, sessionToken } = await authenticate.admin(request, context);
  const form = await readBoundedForm(request);
  if (!form) return reply({ intent: "preview", ok: false, message: `The file is larger than ${COST_CSV_LIMITS.maxBytes / 1024 / 1024} MB. Split it into smaller files.` }, 413);
  const intent = String(form.get("intent") ?? "");
  if (intent !== "edit" && intent !== "preview" && intent !== "apply") return reply({ intent: "edit", ok: false, message: 'intent must be "edit", "preview" or "apply".' }, 400);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  if (!check.owner) return reply({ intent, ok: false, message: check.unverified ?? "Only the store owner can change costs." }, 403);
  const who = { actor: { type: "staff", id: String(sessionToken?.sub) } as const, origin: requestOrigin(request, env.TRUSTED_PROXY_HOPS) };
  try {
    if (intent === "edit") {
      const parsed = CostEditSchema.safeParse(Object.fromEntries(form));
      if (!parsed.success) return reply({ intent, ok: false, message: parsed.error.issues.map((i) => i.message).join("; ") }, 400);
      await rateLimit(`shop:${session.shop}:cost-edit`, policies.costEdit);
      const { recostId } = await editCost(session.shop, parsed.data, who);
      return reply({ intent, ok: true, recostId });
    }
    const file = form.get("file");
    if (!(file instanceof File)) return reply({ intent, ok: false, message: "Choose a CSV file to import." }, 400);
    if (file.size > COST_CSV_LIMITS.maxBytes) return reply({ intent, ok: false, message: `The file is larger than ${COST_CSV_LIMITS.maxBytes / 1024 / 1024} MB. Split it into smaller files.` }, 413);
    await rateLimit(`shop:${session.shop}:cost-import`, policies.costImport);
    const text = await file.text();
    const plan = intent === "preview" ? await previewCostImport(session.shop, text) : await applyCostImport(session.shop, text, who);
    if (plan.fileError) return reply({ intent, ok: false, message: plan.fileError }, 422);
    return reply({ intent, ok: plan.ok, plan }, plan.ok ? 200 : 422);
  } catch (error) {
    if (error instanceof CostInputError) return reply({ intent, ok: false, message: error.message, field: error.field }, 422);
    if (error instanceof Response && error.status === 429) return reply({ intent, ok: false, message: await error.text() }, 429);
    throw error;
  }
};

export default function CostsPage() {
  return <CostsView />;
}

export function ErrorBoundary() {
  return appRouteError(useRouteError());
}
