/**
 * The start every owner-only form POST shares (Settings, Expenses, deleting a saved
 * report): the form is read before the owner check, so a body that is not a form is
 * refused before the check's token exchange with Shopify; then the check; then who
 * acts and from where, for the audit event. The caller has checked the method and
 * authenticated the request (authenticate.admin), whose user `userId` is.
 */
import { env } from "~/env.server";

import { requestOrigin, type RequestOrigin } from "./audit.server";
import { securityHeaders } from "./headers.server";
import { checkAccountOwner, rawSessionToken } from "./owner.server";
import { readForm } from "./request-guards.server";

export type OwnerForm =
  | { ok: true; form: FormData; actor: { type: "staff"; id: string }; origin: RequestOrigin }
  | { ok: false; message: string };

export async function readOwnerForm(request: Request, shop: string, userId: string | undefined, refusal: string): Promise<OwnerForm> {
  const form = await readForm(request);
  const check = await checkAccountOwner(shop, userId, rawSessionToken(request));
  if (!check.owner) return { ok: false, message: check.unverified ?? refusal };
  return { ok: true, form, actor: { type: "staff", id: String(userId) }, origin: requestOrigin(request, env.TRUSTED_PROXY_HOPS) };
}

/** A form action's JSON answer: never cached, with the app's security headers. */
export function noStoreJson<T>(body: T, status = 200): Response {
  return Response.json(body, { status, headers: securityHeaders(new Headers({ "Cache-Control": "no-store" })) });
}
