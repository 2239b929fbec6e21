/**
 * The control registry: every security claim Margin Notes makes, the code that keeps
 * it and the tests that prove it. The /trust page, the in-app Security page and
 * `npm run trust:check` all read this list, so a claim cannot appear without tests,
 * and CI fails when a named test is renamed, removed or failing.
 *
 * Rules for editing: claim only what the code does today; name a test only if it
 * fails without the control; copy test names exactly as `vitest list` prints them.
 */
import type { Control, TestRef } from "./control-types";

const t = (file: string, ...names: string[]): TestRef[] => names.map((name) => ({ file, name }));

const REQUESTS = "tests/integration/requests.test.ts";
const HARDENING = "tests/integration/hardening.test.ts";
const KEYRING = "app/security/keyring.server.test.ts";
const WEBHOOKS = "tests/integration/webhooks.test.ts";
const WEBHOOK_HARDENING = "tests/integration/webhook-hardening.test.ts";
const AUDIT = "tests/integration/audit-log.test.ts";
const TRUST = "tests/integration/trust.test.ts";

export const CONTROLS: readonly Control[] = [
  // Access & OAuth
  {
    id: "minimal-scopes",
    section: "access",
    claim: "Margin Notes asks your store for read-only access to orders and products, and nothing else.",
    how: "The scopes are read_orders and read_products (shopify.app.toml and the SCOPES default in app/env.server.ts); the app has no write scope, so it cannot change your store.",
    tests: t("app/env.server.test.ts", "env > parses a complete environment with defaults"),
  },
  {
    id: "token-exchange",
    section: "access",
    claim: "You never type a password into Margin Notes: Shopify installs the app and vouches for every request.",
    how: "Installation is Shopify-managed; each page and fetch carries a session token Shopify signed, which @shopify/shopify-app-remix verifies and exchanges (app/shopify.server.ts, app/security/shopify-doors.server.ts). Forged or expired tokens are refused.",
    tests: [
      ...t(REQUESTS,
        "embedded install and first page > exchanges the session token, records the shop and renders its dashboard",
        "requests that must be refused > answers a forged session token on a fetch with 401, never 500",
        "requests that must be refused > answers an expired session token on a fetch with 401"),
    ],
  },
  {
    id: "shop-from-token",
    section: "access",
    claim: "Which store you see is decided by Shopify's signed token, never by the address bar.",
    how: "Every loader takes the shop from the verified session (app/shopify.server.ts); a ?shop= parameter in the URL is never trusted or reflected.",
    tests: t(REQUESTS,
      "embedded install and first page > keeps another shop's dashboard out of reach: the shop comes from the token, not the URL",
      "requests that must be refused > does not reflect a foreign ?shop= anywhere in the response"),
  },
  {
    id: "expiring-tokens",
    section: "access",
    claim: "The access token for your store expires and is refreshed, instead of living forever.",
    how: "The app asks Shopify for expiring offline tokens and refreshes them when needed (app/shopify.server.ts, app/security/session-storage.server.ts).",
    tests: t(REQUESTS, "embedded install and first page > stores the offline session with expiring tokens, sealed, and reuses it"),
  },

  // Encryption
  {
    id: "tokens-sealed",
    section: "encryption",
    claim: "Your store's access tokens are encrypted before they reach the database.",
    how: "AES-256-GCM with a fresh random 96-bit IV per value; any change to a sealed value is detected and refused (app/security/keyring.server.ts, used by app/security/session-storage.server.ts).",
    tests: [
      ...t(KEYRING,
        "sealing round-trips > produces the documented v1:<kid>:<iv>:<ct||tag> shape and never contains the plaintext",
        "sealing round-trips > uses a fresh IV for each of 100k seals",
        "tampering is detected > rejects every bit flip of a sealed token, exhaustively"),
      ...t(REQUESTS, "embedded install and first page > stores the offline session with expiring tokens, sealed, and reuses it"),
    ],
  },
  {
    id: "sealed-in-place",
    section: "encryption",
    claim: "An encrypted token only opens where it was stored: copying it to another store's row does not work.",
    how: "The key id, purpose, table, column, shop and row are bound into the encryption as associated data (app/security/keyring.server.ts).",
    tests: t(KEYRING,
      "a sealed value is bound to where it was stored > opens in its own context",
      "tampering is detected > rejects a relabelled key id even when both ids hold the same key bytes (the kid is in the AAD)"),
  },
  {
    id: "key-rotation",
    section: "encryption",
    claim: "Encryption keys can be replaced without downtime, and every token is re-encrypted under the new key.",
    how: "A versioned key ring; `npm run keys:rotate -- rewrap` re-seals every session in resumable batches without overwriting a concurrent refresh, and `verify` reports any row not on the new key (app/security/key-rotation.server.ts).",
    tests: t("tests/integration/key-rotation.test.ts",
      "session token key rotation > adds a key, makes it primary, rewraps, verifies and retires the old key",
      "session token key rotation > never rolls back a refresh that lands while the rewrap runs",
      "session token key rotation > resumes after a crash between batches without redoing finished rows"),
  },

  // Tenant isolation
  {
    id: "row-level-security",
    section: "tenant-isolation",
    claim: "Another store can never read or change your data, even through a query that forgets to filter by store.",
    how: "PostgreSQL row level security is enabled and forced on every table that holds a shop's rows; requests run as the app_tenant role with the shop set per transaction (app/db/tenant.server.ts, drizzle/ migrations).",
    tests: t("tests/integration/tenant-isolation.test.ts",
      "tenant isolation (row level security, as the app role) > shows a shop only its own rows, even to a query with no WHERE clause",
      "tenant isolation (row level security, as the app role) > refuses to write another shop's rows",
      "tenant isolation (row level security, as the app role) > returns zero rows when no shop is set",
      "tenant isolation (row level security, as the app role) > forces RLS on every tenant table, and every table with shop_id is a tenant table"),
  },
  {
    id: "unprivileged-roles",
    section: "tenant-isolation",
    claim: "The app's database role cannot switch the isolation off.",
    how: "Tenant queries run as a role that is neither superuser nor BYPASSRLS (app/db/tenant.server.ts); stored sessions are under the same forced policy.",
    tests: [
      ...t("tests/integration/tenant-isolation.test.ts",
        "tenant isolation (row level security, as the app role) > runs tenant queries as a role that is neither superuser nor BYPASSRLS"),
      ...t("tests/integration/sessions-rls.test.ts",
        "sessions row level security > is enabled and forced",
        "sessions row level security > lets app_tenant reach its own shop's session only: no read, update, delete or insert of another's"),
    ],
  },

  // Webhooks & lifecycle
  {
    id: "webhook-signatures",
    section: "webhooks",
    claim: "Only Shopify can tell Margin Notes that something changed in your store.",
    how: "Each webhook's HMAC is checked on the raw body, and the unsigned shop and topic headers must match the signed body (app/routes/webhooks.tsx, app/webhooks).",
    tests: [
      ...t(WEBHOOKS, "deliveries that must be rejected, with no effect > answers GET with 405"),
      ...t(WEBHOOK_HARDENING,
        "a validly signed body cannot be re-aimed > refuses shop A's own app/uninstalled body with shop B's header",
        "a validly signed body cannot be re-aimed > refuses bodies of one topic sent as another, and ids that do not match their gid",
        "a validly signed body cannot be re-aimed > still applies each genuine delivery (the binding refuses only what does not fit)"),
    ],
  },
  {
    id: "webhook-replay",
    section: "webhooks",
    claim: "An old or repeated notification cannot be replayed to change your figures twice.",
    how: "Deliveries outside Shopify's 4-hour retry window are refused, and each effect is recorded once per webhook id and event id in the same transaction as its work (app/webhooks).",
    tests: t(WEBHOOK_HARDENING,
      "replays are limited in time > refuses a delivery triggered 30 days ago, even with a new webhook id: 401, audited, no effect",
      "replays are limited in time > refuses one just past Shopify's 4-hour retry window, accepts a retry 3 hours late",
      "replays are limited in time > dedupes on X-Shopify-Event-Id as well as the webhook id",
      "exactly once, also later > an identical redelivery after the first job finished enqueues no second order re-read"),
  },
  {
    id: "webhook-body-cap",
    section: "webhooks",
    claim: "Oversized or malformed notifications are refused before they are processed.",
    how: "Bodies over 5 MiB are refused with 413 before anything reads them whole; malformed signed deliveries get a 4xx, never a crash (app/routes/webhooks.tsx).",
    tests: t(WEBHOOK_HARDENING,
      "body size cap > answers 413 to a body over 5 MiB without reading it whole, before the library reads it",
      "body size cap > answers 413 to a declared Content-Length over the cap",
      "malformed signed deliveries answer 4xx, never 500 > refuses bad X-Shopify-Shop-Domain headers with 400 and no effect"),
  },
  {
    id: "uninstall-revokes",
    section: "webhooks",
    claim: "When you uninstall Margin Notes, its access tokens for your store are deleted at once.",
    how: "The app/uninstalled webhook deletes the shop's tokens within the request and marks the shop uninstalled, even when the stored token can no longer refresh (app/webhooks).",
    tests: t(WEBHOOKS,
      "app/uninstalled > deletes the shop's tokens in the request and marks it uninstalled, once across 5 deliveries",
      "app/uninstalled > still answers 200 and removes tokens when the stored token has expired and cannot refresh (library bug #3360)",
      "app/uninstalled > leaves other shops untouched"),
  },

  // Audit trail
  {
    id: "audit-append-only",
    section: "audit",
    claim: "Important actions in your store's account are recorded, and the app cannot edit or delete those records.",
    how: "Events carry the actor, time, address and user agent, are written in the same transaction as the action, and both app database roles lack UPDATE and DELETE on the table (app/security/audit.server.ts).",
    tests: t(AUDIT,
      "audit log > writes in the caller's transaction: a rolled-back action leaves no event",
      "audit log > refuses UPDATE and DELETE to both app roles",
      "audit log > shows a shop only its own events"),
  },
  {
    id: "audit-hash-chain",
    section: "audit",
    claim: "An edited or deleted audit record is detected.",
    how: "Each shop's events form a SHA-256 hash chain that `npm run audit:verify` walks (app/security/audit.server.ts). The chain is not yet keyed: someone with full database access who recomputes every later hash is not detected.",
    tests: t(AUDIT,
      "audit log > chains each shop's events and verifies them",
      "audit log > keeps one contiguous chain under concurrent writers",
      "audit log > detects a row edited by the database owner",
      "audit log > detects a row deleted by the database owner"),
  },
  {
    id: "activity-page",
    section: "audit",
    claim: "You can read and export your store's own audit trail in the app.",
    how: "The Activity page and its CSV export show only the signed-in shop's events, and each export is itself recorded (app/routes/app.activity.tsx, app/routes/app.activity.export.tsx).",
    tests: t("tests/integration/activity.test.ts",
      "Activity page data > shows only the session's shop's events, newest first, with human labels",
      "Activity CSV export > returns RFC 4180 CSV with formulas neutralised, and audits the export with the staff actor",
      "Activity CSV export > exports only the filtered action, and only this shop's events"),
  },

  // Abuse & rate limiting
  {
    id: "costly-action-limits",
    section: "abuse",
    claim: "Expensive actions (exports, syncs, AI summaries, saved reports) are rate-limited per store.",
    how: "Counters in PostgreSQL with fixed windows hold across app instances; a refused call gets 429 with Retry-After (app/security/rate-limit.server.ts).",
    tests: [
      ...t("tests/integration/rate-limit.test.ts",
        "rateLimit > refuses the call after the limit with a 429, Retry-After and a clear body",
        "rateLimit > admits exactly `limit` of many concurrent calls"),
      ...t(HARDENING,
        "rate limits answer 429 with Retry-After > limits saving reports per shop, and says when to retry",
        "rate limits answer 429 with Retry-After > keeps Retry-After on a refused sync retry"),
      ...t("tests/integration/narrative.test.ts", "narrative route > allows 5 narratives a minute per shop: the 6th is a 429 with Retry-After"),
    ],
  },
  {
    id: "open-door-limits",
    section: "abuse",
    claim: "Pages anyone can reach are rate-limited per address, and forged webhooks cannot flood the app; Shopify's genuine deliveries are never throttled.",
    how: "Per-source limits on /auth/login, on this trust page and security.txt, and on webhooks with a bad signature; failed token exchanges are limited per shop and per source (app/security/rate-limit.server.ts).",
    tests: [
      ...t(HARDENING,
        "rate limits answer 429 with Retry-After > limits /auth/login per source address",
        "session tokens Shopify signed but will not exchange > stops asking Shopify after repeated failures for a shop: 429 with Retry-After"),
      ...t(WEBHOOK_HARDENING,
        "bad signatures are rate-limited per source address > answers 429 with Retry-After past 10 bad signatures a minute from one address, never to good ones or other addresses"),
      ...t(TRUST, "open doors > limits the public trust pages per source address: 429 with Retry-After"),
    ],
  },

  // HTTP & browser hardening
  {
    id: "security-headers",
    section: "http",
    claim: "Every response tells browsers to use HTTPS only and to block common attacks.",
    how: "HSTS, nosniff, Referrer-Policy, Permissions-Policy and a Content-Security-Policy on every response, static files and errors included (app/security/headers.server.ts, server.ts).",
    tests: [
      ...t("app/security/headers.server.test.ts", "securityHeaders > sets HSTS, nosniff, Referrer-Policy and Permissions-Policy"),
      ...t(HARDENING, "headers on every response > sets the header set on redirects, 4xx and 204 answers"),
      ...t("tests/integration/server.test.ts", "server.ts > sets the header set on static files, /__manifest's 204 and 404s"),
    ],
  },
  {
    id: "framing",
    section: "http",
    claim: "Only your own Shopify admin can embed the app; other sites cannot frame it.",
    how: "CSP frame-ancestors names only the shop the session token proved, and every other response forbids framing (app/security/headers.server.ts, app/shopify.server.ts).",
    tests: [
      ...t("app/security/headers.server.test.ts", "securityHeaders > denies framing when Shopify set no policy (non-embedded responses)"),
      ...t(HARDENING,
        "the frame ancestor comes from the verified session token > frames a page for the token's shop, never for the URL's",
        "the frame ancestor comes from the verified session token > does not let a valid shop in the URL frame an error page without a session"),
    ],
  },
  {
    id: "no-500-from-input",
    section: "http",
    claim: "Bad input gets a clear refusal, never a crash page.",
    how: "Doors around Shopify's authentication and form and method guards answer 4xx (app/security/shopify-doors.server.ts, app/security/request-guards.server.ts); a fuzz test sends random requests to every route.",
    tests: [
      ...t("tests/integration/fuzz.test.ts", "fuzz: no request reaches a 5xx > route × method × token × body × shop (400 runs, seed 162026)"),
      ...t(HARDENING, "the app's own actions refuse malformed requests with 4xx > answers PUT /app.data?index with no body 405, and a JSON POST 415"),
    ],
  },

  // AI & data minimisation
  {
    id: "ai-aggregates-only",
    section: "ai-data",
    claim: "The AI summary is written from totals only: no order, customer or product ids ever reach the AI provider.",
    how: "A strict schema of totals, percentages, dates and product titles is built from a saved report; days and products with fewer than 5 orders or units are merged (app/reports/narrative.ts, app/reports/narrate.server.ts).",
    tests: [
      ...t("app/reports/narrative.test.ts",
        "narrative input > copies aggregates only: no product ids, merged small days and products",
        "narrative input > merges consecutive days until each bucket has at least 5 orders; a short tail joins the last bucket",
        "narrative input > is strict: an extra key anywhere throws"),
      ...t("tests/integration/narrative.test.ts",
        "what is sent to Anthropic > never carries a canary, carries exactly the schema's keys, and product titles only as titles (property)"),
    ],
  },
  {
    id: "ai-shown-to-merchant",
    section: "ai-data",
    claim: "You can see exactly what was sent to the AI for each summary.",
    how: "The input, model, prompt version and token usage are stored with the summary, and the report page shows the exact JSON that was sent (app/reports/narrate.server.ts).",
    tests: t("tests/integration/narrative.test.ts",
      "narrative route > writes the narrative with Claude, stores it whole with its input, audits it without the text, and shows it"),
  },
  {
    id: "no-customer-data",
    section: "ai-data",
    claim: "Margin Notes does not read your customers' names, emails, addresses or phone numbers.",
    how: "Every GraphQL document the app sends is checked against Shopify's schema for protected customer fields (app/sync); none selects one.",
    tests: t("tests/mocks/shopify/graphql-documents.test.ts",
      "GraphQL documents in app/ > finds the app's documents (so the checks below cannot pass vacuously)",
      "the checks catch what they must > flags a customer's email on orders",
      "the checks catch what they must > flags statusPageUrl, shipping addresses and staff members"),
  },
  {
    id: "no-secrets-in-logs",
    section: "ai-data",
    claim: "Tokens and keys never appear in the app's logs.",
    how: "pino redaction plus a scrubber for session tokens, Shopify tokens, API keys and credential URL parameters, on every log line including third-party and console output; the access log omits query strings (app/log.server.ts, server.ts).",
    tests: [
      ...t("app/log.server.test.ts",
        "log redaction > never writes a canary at any level, in messages, fields, nested objects or errors",
        "credentials in URLs > scrubs id_token, session, hmac and code values, also percent-encoded, and keeps the rest of the URL",
        "credentials in URLs > scrubs what third-party code writes through console, whatever the method and argument shape"),
      ...t("tests/integration/server.test.ts", "server.ts > logs the path of each request, never its query string"),
    ],
  },

  // Data retention & deletion
  {
    id: "shop-redact",
    section: "retention",
    claim: "When Shopify asks us to erase your store's data, every row about your store is deleted.",
    how: "The shop/redact webhook deletes the shop's rows from every table, its jobs, sessions and rate-limit counters; the test finds every shop reference in the database catalog (app/webhooks).",
    tests: t(WEBHOOKS, "compliance webhooks > shop/redact deletes every row of the shop from every table, and only that shop's"),
  },
  {
    id: "customer-requests",
    section: "retention",
    claim: "Customer data requests are answered truthfully: we hold no customer data.",
    how: "customers/data_request and customers/redact are acknowledged and audited without storing customer data (app/webhooks).",
    tests: t(WEBHOOKS, "compliance webhooks > customers/redact and customers/data_request are acknowledged and audited without keeping customer data"),
  },
  {
    id: "audit-retention",
    section: "retention",
    claim: "Audit records are kept for 12 months, then deleted.",
    how: "A daily maintenance job prunes older events and leaves a checkpoint so the remaining chain still verifies (app/security/audit.server.ts, app/jobs).",
    tests: [
      ...t("tests/integration/maintenance.test.ts", "daily maintenance > prunes audit events past 12 months, keeps the chain verifiable and schedules the next day"),
      ...t(AUDIT, "audit log > prunes past retention and the chain still verifies, then continues"),
    ],
  },

  // Dependencies & supply chain
  {
    id: "lockfile-integrity",
    section: "supply-chain",
    claim: "Every dependency is pinned to an exact version with a checksum, from the public npm registry only.",
    how: "A test reads package-lock.json: every package must carry a sha512 integrity hash and none may come from git, a file, a link or another registry (app/trust/supply-chain.ts). It does not look up known vulnerabilities: the advisory service is not reachable from CI here.",
    tests: t("app/trust/supply-chain.test.ts",
      "package-lock.json > pins every package with a sha512 integrity hash, from the npm registry only",
      "lockfile checks > flag a package without integrity, from git, from a tarball URL or linked"),
  },
  {
    id: "install-scripts",
    section: "supply-chain",
    claim: "Only reviewed packages may run code when dependencies are installed.",
    how: "The packages whose install scripts run are compared with the allow-list in package.json (allowScripts); a new one fails CI (app/trust/supply-chain.ts). npm itself does not enforce the list.",
    tests: t("app/trust/supply-chain.test.ts",
      "package-lock.json > runs install scripts only for allow-listed packages",
      "lockfile checks > flag an install script from a package that is not allow-listed"),
  },

  // Responsible disclosure
  {
    id: "security-txt",
    section: "disclosure",
    claim: "Security researchers can find out how to reach us and how we handle reports.",
    how: "/.well-known/security.txt (RFC 9116) is generated on each request from the configured contact, with an expiry less than a year ahead and a policy pointing to this page (app/trust/security-txt.ts).",
    tests: [
      ...t(TRUST, "/.well-known/security.txt > is a valid RFC 9116 file: contact, expiry within a year, policy, canonical URL, languages"),
      ...t("app/trust/security-txt.test.ts",
        "security.txt > writes the required and recommended fields, Expires less than a year ahead",
        "security.txt > refuses a contact that is not a mailto: or https: URI"),
    ],
  },
  {
    id: "claims-have-evidence",
    section: "disclosure",
    claim: "Every claim on this page names the tests that prove it, and shows whether they passed for this build.",
    how: "This page is generated from the control registry (app/trust/controls.ts); CI turns the test report into evidence and fails when a named test is missing, skipped or failing (app/trust/evidence.ts).",
    tests: [
      ...t("app/trust/evidence.test.ts",
        "buildEvidence > verifies a control only when every named test ran and passed",
        "checkEvidence > fails for a renamed, failing, skipped or missing test, and for a control without tests"),
      ...t(TRUST, "/trust > says evidence is not available, and verifies nothing, when this build has none"),
    ],
  },
];
