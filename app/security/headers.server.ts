/**
 * Security headers for every document, data and resource response.
 *
 * The embedded app lives in the Shopify admin's iframe, so framing is governed by
 * CSP frame-ancestors, which Shopify's addDocumentResponseHeaders sets per shop
 * (the shop comes from the verified request, never echoed from an untrusted
 * parameter). We append our directives to that policy rather than replace it, and
 * never send X-Frame-Options: it would stop the admin from framing the app.
 */
const EXTRA_CSP = ["base-uri 'self'", "object-src 'none'", "form-action 'self' https://*.myshopify.com https://admin.shopify.com"];

const STATIC_HEADERS: Record<string, string> = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
  "Cross-Origin-Resource-Policy": "same-site",
};

function mergeCsp(existing: string | null, extraFrameAncestors: readonly string[]): string {
  const directives = (existing ?? "")
    .split(";")
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      if (!d.startsWith("frame-ancestors ")) return d;
      // Idempotent: a response may pass through here more than once.
      const sources = d.split(/\s+/);
      // A page nothing may frame (a public page: 'none') stays so: a source added
      // beside 'none' would make browsers ignore the 'none'.
      if (sources.includes("'none'")) return d;
      const missing = extraFrameAncestors.filter((origin) => !sources.includes(origin));
      return missing.length ? `${d} ${missing.join(" ")}` : d;
    });
  const names = new Set(directives.map((d) => d.split(/\s+/)[0]!.toLowerCase()));
  // Without Shopify's per-shop policy (non-document responses), nothing may frame us.
  if (!names.has("frame-ancestors")) directives.unshift("frame-ancestors 'none'");
  for (const extra of EXTRA_CSP) {
    if (!names.has(extra.split(" ")[0]!)) directives.push(extra);
  }
  return `${directives.join("; ")};`;
}

export interface SecurityHeaderOptions {
  /** Local simulator admin only (env SIMULATED_ADMIN_ORIGIN, refused in production). */
  extraFrameAncestors?: readonly string[];
}

export function securityHeaders(headers: Headers, options: SecurityHeaderOptions = {}): Headers {
  for (const [name, value] of Object.entries(STATIC_HEADERS)) headers.set(name, value);
  headers.set("Content-Security-Policy", mergeCsp(headers.get("Content-Security-Policy"), options.extraFrameAncestors ?? []));
  headers.delete("X-Frame-Options");
  headers.delete("X-Powered-By");
  return headers;
}

/**
 * For a server that sees every response (server.ts): sets whichever of the header
 * set a response still lacks, without touching those the app chose (a document's
 * per-shop CSP). Static files and Remix's own answers (/__manifest, last-resort
 * errors) get the full set this way.
 */
export function fillSecurityHeaders(has: (name: string) => boolean, set: (name: string, value: string) => void): void {
  for (const [name, value] of Object.entries(STATIC_HEADERS)) if (!has(name)) set(name, value);
  if (!has("Content-Security-Policy")) set("Content-Security-Policy", mergeCsp(null, []));
}

/**
 * `headers` of a public page (/trust, /privacy): the loader's caching, or, for a
 * refusal, no-store with its Retry-After — with the app's header set either way.
 */
export const publicPageHeaders = ({ loaderHeaders, errorHeaders }: { loaderHeaders: Headers; errorHeaders?: Headers }): Headers => {
  const headers = new Headers({ "Cache-Control": errorHeaders ? "no-store" : (loaderHeaders.get("Cache-Control") ?? "no-store") });
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return securityHeaders(headers);
};
