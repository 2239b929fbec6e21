/**
 * Structured logging with two layers of secret protection:
 *  1. pino `redact` for the keys we know carry secrets;
 *  2. a scrubber over every serialised line, for secrets that arrive inside
 *     free text (the Shopify library logs whole requests as strings).
 * Nothing reaches the destination without passing through `scrubSecrets`.
 *
 * Every line written while serving a request carries its `requestId`
 * (app/lib/request-id.server.ts), pino's and third-party console output alike.
 */
import { format } from "node:util";

import { pino, type DestinationStream, type Logger } from "pino";

import { env } from "~/env.server";
import { currentRequestId } from "~/lib/request-id.server";

const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // JWTs (session tokens, id_token): three base64url segments, header starts with eyJ.
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, "[jwt]"],
  // Shopify access/refresh/secret tokens: shpat_, shpua_, shpca_, shppa_, shpss_, shprt_ …
  [/\bshp[a-z]{2}_[A-Za-z0-9]{16,}/g, "[shopify-token]"],
  // Anthropic API keys.
  [/\bsk-ant-[A-Za-z0-9_-]{8,}/g, "[anthropic-key]"],
  // Our own sealed values: harmless without the key, but they have no business in logs.
  [/\bv1:[a-z0-9-]{1,32}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22,}/g, "[sealed]"],
  // Bearer credentials of any shape.
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[credential]"],
  // Credentials that travel in URLs (?id_token=, ?session=, ?hmac=, ?code=), also
  // percent-encoded inside another parameter (shopify-reload=%2Fapp%3Fid_token%3D…):
  // a URL written by anyone (react-router's dev warnings, Shopify's library) keeps
  // its path but not these values.
  [/(?<=^|[^A-Za-z0-9_]|%3F|%26)(id_token|session|hmac|code)(=|%3D)(?:(?!%26)[^&\s"'<>#])+/gi, "$1$2[redacted]"],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

const REDACT_PATHS = [
  "accessToken", "refreshToken", "token", "idToken", "id_token", "apiKey", "secret", "password",
  "authorization", "cookie",
  "*.accessToken", "*.refreshToken", "*.token", "*.idToken", "*.id_token", "*.apiKey", "*.secret",
  "*.password", "*.authorization", "*.cookie",
  "headers.authorization", "headers.cookie", "headers[\"x-shopify-access-token\"]",
  "req.headers.authorization", "req.headers.cookie",
];

export function createLogger(destination: { write(line: string): unknown }, level: string): Logger {
  const scrubbing: DestinationStream = { write: (line: string) => destination.write(scrubSecrets(line)) };
  return pino(
    {
      level,
      base: { app: "margin-notes" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    scrubbing,
  );
}

export const log: Logger = createLogger(process.stdout, env.LOG_LEVEL);

/** Tags console output with the request being served: a JSON line gains a field, text a suffix. */
function withRequestId(text: string): string {
  const requestId = currentRequestId();
  if (!requestId || text.includes(requestId)) return text;
  if (/^\{".*\}$/s.test(text)) return `{"requestId":${JSON.stringify(requestId)},${text.slice(1)}`;
  return `${text} [requestId=${requestId}]`;
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
const scrubbedConsole = Symbol.for("margin-notes.scrubbed-console");

/**
 * Third-party code writes through `console` (react-router's warnings echo whole
 * URLs, session tokens included): every console method formats its arguments as
 * Node would, then scrubs the text before it is written. Idempotent.
 */
export function installConsoleScrubber(target: Console = console): void {
  const marked = target as Console & { [scrubbedConsole]?: true };
  if (marked[scrubbedConsole]) return;
  for (const method of CONSOLE_METHODS) {
    const original = target[method].bind(target);
    target[method] = (...args: unknown[]) => original(withRequestId(scrubSecrets(format(...args))));
  }
  marked[scrubbedConsole] = true;
}
