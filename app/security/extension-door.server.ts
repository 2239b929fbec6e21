/**
 * The door for Margin Notes' admin UI extensions (extensions/product-margin,
 * extensions/order-margin): cross-origin reads with the extension's ID token.
 *
 * Shopify's admin runs an extension in a sandbox served from
 * https://extensions.shopifycdn.com; its fetch() to the app's domain carries an
 * `Authorization: Bearer <ID token>` header added by Shopify
 * (https://shopify.dev/docs/api/admin-extensions/latest/network-features#app-authentication,
 * and the origin: https://shopify.dev/docs/api/admin-extensions#security, announced in
 * Shopify/ui-extensions#1467). So the request is cross-origin with a non-simple header:
 * the browser sends an OPTIONS preflight first, without the token.
 *
 * Guarantees:
 *  - CORS is granted to that one origin, never `*`. The library's `cors` helper (and
 *    the catch in its authenticate.admin) answers `Access-Control-Allow-Origin: *` to
 *    any foreign origin (shopify-app-remix ensure-cors-headers.ts): every response
 *    leaving here has the library's CORS headers removed and ours set, only for
 *    EXTENSION_ORIGIN, with `Vary: Origin`.
 *  - OPTIONS is answered here (204 for the extension origin, 403 for any other), before
 *    authentication; any method but GET/OPTIONS is a 405.
 *  - No bearer token: 401 at once (the library would treat it as a document load and
 *    redirect to the bounce page, which a fetch cannot follow).
 *  - The token is verified by Shopify's library through the app's admin door
 *    (signature with the app secret, expiry, audience = our client id, dest = a shop
 *    domain; a valid token of a shop we cannot exchange for is a 401 too).
 *  - The id is a GID of the expected type or a bare numeric id (400 otherwise, before
 *    the limit counts the call); then the shop's limit; then one read, as the shop the
 *    token names (withShop inside `load`): null is a 404, so another shop's id and an
 *    unknown one answer alike and nothing of the other shop is read.
 *  - Answers are `Cache-Control: private, no-store` JSON with the app's security headers.
 */
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";

import { securityHeaders } from "./headers.server";
import { policies, rateLimit } from "./rate-limit.server";
import { refuse } from "./request-guards.server";

export const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

/** Headers a block may read from our answers (a 429's wait, the library's retry hint on a 401). */
const EXPOSED = "Retry-After, X-Shopify-Retry-Invalid-Session-Request";

export type ResourceKind = "Product" | "Order";

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** A GID of `kind` (gid://shopify/Product/123) or a bare id, as the positive bigint our tables key on. */
export function resourceIdSchema(kind: ResourceKind) {
  const gid = new RegExp(`^gid://shopify/${kind}/(\\d{1,19})$`);
  return z
    .string()
    .max(64)
    .transform((raw, ctx) => {
      const digits = /^\d{1,19}$/.test(raw) ? raw : gid.exec(raw)?.[1];
      if (!digits || BigInt(digits) === 0n || BigInt(digits) > MAX_BIGINT) {
        ctx.addIssue({ code: "custom", message: `must be a ${kind} id: gid://shopify/${kind}/<number> or <number>` });
        return z.NEVER;
      }
      return BigInt(digits).toString();
    });
}

/** `response` with exactly our CORS headers (a copy when its headers are immutable). */
export function withExtensionCors(request: Request, response: Response): Response {
  let target = response;
  try {
    response.headers.set("Vary", "Origin");
  } catch {
    target = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
    target.headers.set("Vary", "Origin");
  }
  for (const name of [...target.headers.keys()]) if (name.startsWith("access-control-")) target.headers.delete(name);
  if (request.headers.get("Origin") === EXTENSION_ORIGIN) {
    target.headers.set("Access-Control-Allow-Origin", EXTENSION_ORIGIN);
    target.headers.set("Access-Control-Expose-Headers", EXPOSED);
  }
  return target;
}

function preflight(request: Request): Response {
  if (request.headers.get("Origin") !== EXTENSION_ORIGIN) {
    return refuse(403, "Forbidden: this origin may not call Margin Notes from the browser.", { Vary: "Origin" });
  }
  const response = withExtensionCors(request, new Response(null, { status: 204, headers: securityHeaders(new Headers({ "Cache-Control": "no-store" })) }));
  response.headers.set("Access-Control-Allow-Methods", "GET");
  response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  response.headers.set("Access-Control-Max-Age", "7200");
  return response;
}

type Authenticate = (request: Request, context?: AppLoadContext) => Promise<{ session: { shop: string } }>;

export interface BlockRead<T> {
  kind: ResourceKind;
  /** The route's `$id` param, as received. */
  rawId: string | undefined;
  /** Reads the block for the shop (a tenant transaction); null: this shop holds no such resource. */
  load: (shop: string, id: string) => Promise<T | null>;
}

async function answer<T>(request: Request, context: AppLoadContext | undefined, authenticate: Authenticate, read: BlockRead<T>): Promise<Response> {
  if (request.method !== "GET") return refuse(405, "Use GET.", { Allow: "GET, OPTIONS" });
  if (!/^Bearer \S+$/.test(request.headers.get("Authorization") ?? "")) {
    return refuse(401, "Unauthorized: this endpoint takes the extension's ID token (Authorization: Bearer …).");
  }
  const { session } = await authenticate(request, context);
  const parsed = resourceIdSchema(read.kind).safeParse(read.rawId ?? "");
  if (!parsed.success) return refuse(400, `Bad Request: the id ${parsed.error.issues[0]?.message ?? "is not valid"}.`);
  await rateLimit(`shop:${session.shop}:admin-block`, policies.adminBlock);
  const body = await read.load(session.shop, parsed.data);
  if (body === null) return refuse(404, `Not Found: Margin Notes holds no such ${read.kind.toLowerCase()} for this store.`);
  return Response.json(body, { status: 200, headers: securityHeaders(new Headers({ "Cache-Control": "private, no-store" })) });
}

/** One admin-block request, start to finish; every answer (thrown or returned) leaves with our CORS headers. */
export async function serveAdminBlock<T>(request: Request, context: AppLoadContext | undefined, authenticate: Authenticate, read: BlockRead<T>): Promise<Response> {
  if (request.method === "OPTIONS") return preflight(request);
  try {
    return withExtensionCors(request, await answer(request, context, authenticate, read));
  } catch (thrown) {
    if (thrown instanceof Response) return withExtensionCors(request, thrown);
    throw thrown;
  }
}
