/**
 * What every door does with input it cannot use: answer 4xx with a short message
 * that echoes nothing from the request, never let it become a 500.
 *
 *  - `refuse(status, message)`: a plain-text refusal carrying the security headers;
 *    `secureResponse(response)` adds them to one the library threw.
 *  - `readForm(request)`: the body as FormData, or a 415 (not a form) / 400
 *    (unreadable) refusal. `request.formData()` itself throws a TypeError for
 *    any other content type, which Remix would answer with a 500.
 *  - `requireMethod(request, allowed)`: a 405 with `Allow` for any other method.
 *  - `clientAddress(request, context)`: who is asking, for per-source limits.
 */
import type { AppLoadContext } from "@remix-run/node";

import { env } from "~/env.server";

import { requestOrigin } from "./audit.server";
import { securityHeaders } from "./headers.server";

/** The app's header set (securityHeaders), with the local simulator's admin as a frame ancestor when configured. */
export function appSecurityHeaders(headers: Headers): Headers {
  return securityHeaders(headers, { extraFrameAncestors: env.SIMULATED_ADMIN_ORIGIN ? [env.SIMULATED_ADMIN_ORIGIN] : [] });
}

/** `response` with the app's header set; a copy when its headers are immutable (Response.redirect). */
export function secureResponse(response: Response): Response {
  try {
    appSecurityHeaders(response.headers);
    return response;
  } catch {
    const copy = new Response(response.body, { status: response.status, statusText: response.statusText, headers: new Headers(response.headers) });
    appSecurityHeaders(copy.headers);
    return copy;
  }
}

export function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(message, {
    status,
    headers: appSecurityHeaders(new Headers({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers })),
  });
}

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\s*(;|$)/i;

export async function readForm(request: Request): Promise<FormData> {
  if (!FORM_TYPES.test(request.headers.get("content-type") ?? "")) {
    throw refuse(415, "Send this as a form (application/x-www-form-urlencoded or multipart/form-data).");
  }
  try {
    return await request.formData();
  } catch {
    throw refuse(400, "The form could not be read.");
  }
}

export function requireMethod(request: Request, allowed: readonly string[]): void {
  if (!allowed.includes(request.method)) {
    throw refuse(405, `Use ${allowed.join(" or ")}.`, { Allow: allowed.join(", ") });
  }
}

/**
 * The client's address: from X-Forwarded-For only through TRUSTED_PROXY_HOPS
 * proxies (never a raw header on its own), else the TCP peer our server passes in
 * the load context. Without either (in-process callers, remix dev) the source is
 * "unknown" and per-source limits are skipped: one shared bucket would let a single
 * caller lock everyone out. Per-shop limits still apply.
 */
export function clientAddress(request: Request, context: AppLoadContext | undefined): string {
  if (env.TRUSTED_PROXY_HOPS > 0) return requestOrigin(request, env.TRUSTED_PROXY_HOPS).ip ?? "unknown";
  // Set by our server (server.ts, the demo server) from the TCP peer.
  const peer = context?.remoteAddress;
  return typeof peer === "string" && peer ? peer : "unknown";
}

/**
 * A route's `headers` for pages inside the verified layout (routes/app.tsx): its
 * own answers' headers (a 429's Retry-After) pass through, but never a CSP, so the
 * layout's per-shop frame-ancestors stays (Shopify's boundary.headers would
 * replace everything with a thrown Response's headers).
 */
export function childRouteHeaders({ parentHeaders, loaderHeaders, actionHeaders, errorHeaders }: {
  parentHeaders: Headers; loaderHeaders: Headers; actionHeaders: Headers; errorHeaders?: Headers;
}): Headers {
  const merged = new Headers(parentHeaders);
  for (const own of [loaderHeaders, actionHeaders, errorHeaders]) {
    own?.forEach((value, name) => {
      if (name !== "content-security-policy" && name !== "content-type" && name !== "content-length") merged.set(name, value);
    });
  }
  return merged;
}
