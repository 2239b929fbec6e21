/**
 * The door to the data-rights actions (export everything, erase everything): the
 * store owner only. Who that is comes from Shopify's online token exchange
 * (app/security/owner.server.ts), never from the session token alone; anyone else,
 * or anyone Shopify cannot confirm, gets a 403 before anything is read or counted.
 */
import type { AppLoadContext } from "@remix-run/node";

import { env } from "~/env.server";
import { requestOrigin, type Actor, type RequestOrigin } from "~/security/audit.server";
import { checkAccountOwner, rawSessionToken } from "~/security/owner.server";
import { refuse } from "~/security/request-guards.server";
import { authenticate } from "~/shopify.server";

export interface OwnerRequest {
  shop: string;
  actor: Actor;
  origin: RequestOrigin;
}

export async function requireStoreOwner(request: Request, context: AppLoadContext): Promise<OwnerRequest> {
  const { session, sessionToken } = await authenticate.admin(request, context);
  const check = await checkAccountOwner(session.shop, sessionToken?.sub, rawSessionToken(request));
  if (!check.owner) throw refuse(403, check.unverified ?? "Only the store owner can export or delete the store's data.");
  return { shop: session.shop, actor: { type: "staff", id: String(sessionToken?.sub) }, origin: requestOrigin(request, env.TRUSTED_PROXY_HOPS) };
}
