/**
 * Shopify's library is the front door for admin requests and the login page; these
 * wrappers keep every input it cannot handle from becoming a 500, and keep the raw
 * `shop` query parameter out of response headers. They do not patch the library:
 * they check what it would choke on before calling it, and translate what it
 * throws (as app/webhooks/verify.server.ts does for shopify-app-js#3360).
 *
 * Admin (`guardAdmin`):
 *  - A `shop` parameter must be a myshopify.com domain wherever it appears: the
 *    library builds the bounce and exit-iframe pages' Content-Security-Policy from
 *    it verbatim (`x.myshopify.com; script-src *` was a header injection, CR/LF a
 *    TypeError from Headers.set). Otherwise 400, echoing nothing.
 *  - Those two pages need a shop (their frame-ancestors), exit-iframe a trusted
 *    destination: 400 otherwise (the library throws a plain Error → 500).
 *  - A session token whose `dest` is not a shop domain is an invalid token (the
 *    library would try a token exchange against that host).
 *  - A token Shopify signed but will not exchange (shop not installed, foreign
 *    `dest`) makes the library throw a bare 500 (token-exchange.ts answers that for
 *    anything but `invalid_subject_token`). We answer as the library does for an
 *    invalid token: 401 with the retry header for fetches, the bounce page for
 *    documents; and count the failure per shop and per source, refusing with 429
 *    (Retry-After) once a window's failures are used, before calling Shopify again.
 *  - Every Response the library throws leaves with the security headers.
 *
 * Login (`guardLogin`): GET/HEAD/POST only (405), POST only as a form (415), the
 * shop normalised as the library does and then required to be a myshopify.com
 * domain (`admin.shopify.com` used to redirect to https://null/…), limited per
 * source address.
 */
import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";

import { isShopDomain } from "~/db/tenant.server";
import { log } from "~/log.server";

import { policies, rateLimit, assertUnderLimit } from "./rate-limit.server";
import { clientAddress, readForm, refuse, requireMethod, secureResponse } from "./request-guards.server";

export const AUTH_PATHS = { login: "/auth/login", bounce: "/auth/session-token", exitIframe: "/auth/exit-iframe" } as const;
const RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request";

/** The shop a session token names, read WITHOUT verifying it: only to key limits and refuse early. */
function claimedShop(token: string): string | "invalid" {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { dest?: unknown };
    const host = typeof payload.dest === "string" ? new URL(payload.dest).hostname : "";
    return isShopDomain(host) ? host : "invalid";
  } catch {
    return "invalid";
  }
}

function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim() || null;
  return new URL(request.url).searchParams.get("id_token");
}

/** The library's answer to a token it cannot use (respond-to-invalid-session-token.ts). */
function invalidSessionToken(request: Request, appUrl: string): Response {
  if (request.headers.get("authorization")) {
    return refuse(401, "Unauthorized: the session token was not accepted.", { [RETRY_HEADER]: "1" });
  }
  const url = new URL(request.url);
  const params = url.searchParams;
  params.delete("id_token");
  params.set("shopify-reload", `${appUrl}${url.pathname}?${params}`);
  return secureResponse(redirect(`${AUTH_PATHS.bounce}?${params}`));
}

/** The library's bare 500 from a failed token exchange (no body, nothing else it throws looks so). */
const isFailedExchange = (thrown: Response) => thrown.status === 500 && thrown.body === null && thrown.statusText === "Internal Server Error";

export interface DoorConfig {
  appUrl: string;
}

export function guardAdmin<Context>(libraryAdmin: (request: Request) => Promise<Context>, { appUrl }: DoorConfig) {
  return async function admin(request: Request, context?: AppLoadContext): Promise<Context> {
    const url = new URL(request.url);
    const shopParam = url.searchParams.get("shop");
    if (shopParam !== null && !isShopDomain(shopParam)) {
      throw refuse(400, "Bad Request: the shop parameter must be a store's myshopify.com domain.");
    }
    const authPage = url.pathname === AUTH_PATHS.bounce || url.pathname === AUTH_PATHS.exitIframe;
    if (authPage && shopParam === null) throw refuse(400, "Bad Request: the shop parameter is missing.");

    const token = sessionTokenOf(request);
    const shop = token ? claimedShop(token) : null;
    if (shop === "invalid" && !authPage) throw invalidSessionToken(request, appUrl);
    const source = clientAddress(request, context);
    const failureKeys = shop && shop !== "invalid" ? [`shop:${shop}:token-exchange-failed`, ...(source === "unknown" ? [] : [`ip:${source}:token-exchange-failed`])] : [];
    for (const key of failureKeys) await assertUnderLimit(key, policies.failedTokenExchange);

    try {
      return await libraryAdmin(request);
    } catch (thrown) {
      if (thrown instanceof Response) {
        if (!isFailedExchange(thrown)) throw secureResponse(thrown);
        log.warn({ shop, path: url.pathname }, "Shopify refused the token exchange for a signed session token");
        for (const key of failureKeys) await rateLimit(key, policies.failedTokenExchange);
        throw invalidSessionToken(request, appUrl);
      }
      // The only plain error the library throws here is its refusal of an untrusted destination.
      if (url.pathname === AUTH_PATHS.exitIframe) throw refuse(400, "Bad Request: that exit-iframe destination is not allowed.");
      throw thrown;
    }
  };
}

/** What the login page shows: nothing yet, or why the domain was not accepted. */
export type LoginResult = { shop?: LoginErrorType };

/** The library's own normalisation (login.ts), then our stricter check. */
function normaliseShop(input: string): string | null {
  const bare = input.trim().replace(/^https?:\/\//, "").replace(/\/$/, "").toLowerCase();
  const shop = bare.includes(".") ? bare : `${bare}.myshopify.com`;
  return isShopDomain(shop) ? shop : null;
}

export function guardLogin(libraryLogin: (request: Request) => Promise<unknown>, { appUrl }: DoorConfig) {
  return async function login(request: Request, context?: AppLoadContext): Promise<LoginResult> {
    requireMethod(request, ["GET", "HEAD", "POST"]);
    const source = clientAddress(request, context);
    if (source !== "unknown") await rateLimit(`ip:${source}:login`, policies.login);
    let input = new URL(request.url).searchParams.get("shop");
    if (input === null && request.method === "POST") {
      const value = (await readForm(request)).get("shop");
      input = typeof value === "string" ? value : null;
    }
    if (input === null && request.method !== "POST") return {};
    if (!input?.trim()) return { shop: LoginErrorType.MissingShop };
    const shop = normaliseShop(input);
    if (!shop) return { shop: LoginErrorType.InvalidShop };
    try {
      // The library sees only a validated domain, on the method it handles.
      await libraryLogin(new Request(`${appUrl}${AUTH_PATHS.login}?${new URLSearchParams({ shop })}`));
    } catch (thrown) {
      if (thrown instanceof Response) throw secureResponse(thrown);
      throw thrown;
    }
    return { shop: LoginErrorType.InvalidShop };
  };
}
