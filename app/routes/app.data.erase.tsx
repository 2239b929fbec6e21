import type { ActionFunctionArgs } from "@remix-run/node";

import { requireStoreOwner } from "~/data-rights/door.server";
import { eraseConfirmation, eraseLimitKey, requestShopErase } from "~/data-rights/erase.server";
import { securityHeaders } from "~/security/headers.server";
import { policies, rateLimit } from "~/security/rate-limit.server";
import { readForm, requireMethod } from "~/security/request-guards.server";

export type EraseActionData = { ok: true } | { ok: false; message: string };

const reply = (body: EraseActionData, status = 200) =>
  Response.json(body, { status, headers: securityHeaders(new Headers({ "Cache-Control": "no-store" })) });

// POST /app/data/erase (confirm=<shop domain>): "Delete my data now" on the Security page.
export const action = async ({ request, context }: ActionFunctionArgs) => {
  requireMethod(request, ["POST"]);
  const form = await readForm(request);
  const owner = await requireStoreOwner(request, context);
  const parsed = eraseConfirmation(owner.shop).safeParse(Object.fromEntries(form));
  if (!parsed.success) return reply({ ok: false, message: parsed.error.issues[0]?.message ?? "Confirm by typing the store's domain." }, 400);
  await rateLimit(eraseLimitKey(owner.shop), policies.dataErase);
  await requestShopErase(owner.shop, owner);
  return reply({ ok: true }, 202);
};
