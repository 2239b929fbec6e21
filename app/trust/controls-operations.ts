/** Controls: audit, abuse, HTTP, AI and data, retention, supply chain, disclosure. See controls.ts. */
import type { Control } from "./control-types";
import { AUDIT, AUDIT_KEYED, HARDENING, tests as t, TRUST, WEBHOOK_HARDENING, WEBHOOKS } from "./control-files";

export const OPERATIONS_CONTROLS: readonly Control[] = [
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
    how: "Each shop's events form a hash chain that `npm run audit:verify` walks: sequence numbers, links and each row's hash (app/security/audit.server.ts).",
    tests: t(AUDIT,
      "audit log > chains each shop's events and verifies them",
      "audit log > keeps one contiguous chain under concurrent writers",
      "audit log > detects a row edited by the database owner",
      "audit log > detects a row deleted by the database owner"),
  },
  {
    id: "audit-keyed-chain",
    section: "audit",
    claim: "Someone with access to the database alone cannot rewrite the audit trail undetected, not even by recomputing every later record.",
    how: "Each record carries an HMAC-SHA-256 under a key kept outside the database (AUDIT_KEYS, rotatable: the key id is stored per record; app/security/audit-key.server.ts). A daily job writes each chain's newest record, signed, to the logs, and your data export carries your chain's; `npm run audit:verify -- --head <file>` also catches a chain cut short since (app/security/audit-head.server.ts). Records from before the key existed are accepted only where a keyed record, written once at the cut-over, vouches for them. Limits: records newer than the last published head can be dropped undetected until the next one, and someone holding both the database and the app's environment (where the key lives) could rewrite the chain.",
    tests: [
      ...t(AUDIT_KEYED,
        "keyed audit chain > signs every new row with the primary audit key (HMAC, key id stored), not a plain hash",
        "keyed audit chain > detects a suffix rewritten by the database owner with fresh, consistent unkeyed hashes",
        "keyed audit chain > detects a suffix rewritten with consistent HMACs under a key the attacker made up, labelled as ours",
        "keyed audit chain > detects a whole chain rewritten as unkeyed rows (nothing keyed left to contradict it)",
        "keyed audit chain > verifies after a key rotation with the retired key kept, and names a key it does not hold",
        "keyed audit chain > accepts rows from before the chain was keyed once the one-time cut-over seals them, and never seals twice",
        "published audit chain head > detects a chain cut short after the head was published, which the chain alone cannot",
        "published audit chain head > is written to the log by the daily maintenance job, signed, naming every chain's newest row",
        "published audit chain head > refuses a head whose MAC does not match (a forged head cannot vouch for a rewrite)"),
      ...t("app/env.server.test.ts", "env > names AUDIT_PRIMARY_KID when it is missing or malformed"),
    ],
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
      ...t("tests/integration/activity.test.ts", "Activity CSV export > allows 10 exports an hour per shop; the 11th is a 429 with Retry-After and is not recorded"),
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
  {
    id: "request-ids",
    section: "http",
    claim: "Every response carries a request id, so a problem you report can be traced to exactly the log lines of that request.",
    how: "The production server gives each request an id (a well-formed inbound X-Request-Id, else a random UUID), returns it in X-Request-Id and adds it to every log line written while serving the request (server.ts, app/lib/request-id.server.ts, app/log.server.ts).",
    tests: [
      ...t("tests/integration/server.test.ts",
        "request ids > answers every request with an X-Request-Id: a fresh UUID, a sane inbound one kept, anything else replaced",
        "request ids > puts the request's id on every log line written while serving it, also for requests served at the same time"),
      ...t("app/log.server.test.ts", "request ids on log lines > adds the request's id to pino lines and console output inside a request, and nothing outside one"),
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
    id: "ai-off-without-key",
    section: "ai-data",
    claim: "Unless the operator configures an Anthropic API key, nothing is sent to an AI provider: Margin Notes writes the summaries itself and labels them.",
    how: "Without ANTHROPIC_API_KEY the narrative is the deterministic local one (app/reports/local-narrative.ts); the trust page's subprocessor list shows whether this deployment uses Anthropic (app/trust/data-inventory.ts).",
    tests: [
      ...t("app/env.ai.test.ts", "env: Anthropic and SMTP > works offline by default: no key, a current Sonnet model, a 30 s timeout, no SMTP"),
      ...t("tests/e2e/narrative.test.ts", "the report narrative in the demo (no Anthropic key: written by Margin Notes) > saves a report, writes its narrative, and shows exactly the data behind it"),
      ...t(TRUST, "/trust > says evidence is not available, and verifies nothing, when this build has none"),
    ],
  },
  {
    id: "ai-off-setting",
    section: "ai-data",
    claim: "The store owner can turn AI off for the store: from then on nothing is sent to an AI provider, and the app says so.",
    how: "The Settings switch (owner only, audited) is read with the report before any narrative is written; when it is off the narrative is Margin Notes' own and no Anthropic client is created, for the report page and the weekly report alike (app/settings.server.ts, app/reports/narrate.server.ts). The report page, Settings and this page's AI section show the store's choice.",
    tests: [
      ...t("tests/integration/narrative.test.ts", "AI off (the shop's setting) > makes no Anthropic call at all: the route (any mode) and the weekly job write locally, labelled, and the pages say AI is off"),
      ...t("tests/integration/settings.test.ts", "settings > lets the owner turn AI off and on (audited); a form without the switch leaves it as it is; staff cannot"),
    ],
  },
  {
    id: "your-store-facts",
    section: "ai-data",
    claim: "Inside the app you can see what Margin Notes holds for your store, how its token is sealed, and whether its audit trail verifies.",
    how: "The Security page counts your store's rows per kind, shows the granted scopes, the sealing key id and time, recent lifecycle events, and verifies your audit chain when it loads, all read under your store's row level security (app/trust/shop-facts.server.ts).",
    tests: t(TRUST, "the in-app Security page's facts about the shop > shows the shop's scopes, token key, verified audit chain, what is held and its lifecycle, and nothing of another shop"),
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
    how: "The shop/redact webhook is recorded and queues an erase job in one transaction; the job deletes the shop's rows from every table, its jobs, sessions and rate-limit counters, in short batches (app/webhooks/erase-shop.server.ts); the test finds every shop reference in the database catalog.",
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
    id: "privacy-policy",
    section: "retention",
    claim: "A public privacy policy says what is collected, why, who else receives it, how long it is kept and how to have it deleted, from the same facts as this page.",
    how: "/privacy is generated from the data inventory that this page's data section also shows (app/trust/data-inventory.ts, app/trust/privacy-policy.ts, app/routes/privacy.tsx); no sign-in, cached 5 minutes, limited per address like /trust.",
    tests: t("tests/integration/privacy.test.ts",
      "/privacy > is public and cacheable, framed nowhere, and says what is collected, why, for how long and what never is, from the inventory",
      "/privacy > names where data goes in this deployment (no Anthropic key, no SMTP here) and how to have it deleted",
      "/privacy > is linked from /trust, which also states incident response, backups and the egress allowlist"),
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
    claim: "Every dependency is pinned to an exact version with a checksum, and none comes from git, a URL or a local path.",
    how: "A test reads package-lock.json: every package must carry a sha512 integrity hash and an exact version, and none may be a link or resolve outside registry.npmjs.org (app/trust/supply-chain.ts). It does not look up known vulnerabilities: npm's advisory service is not reachable from CI here.",
    tests: t("app/trust/supply-chain.test.ts",
      "package-lock.json > pins every package with a sha512 integrity hash, from the npm registry only",
      "lockfile checks > flag a package without integrity, from git, from a tarball URL or linked"),
  },
  {
    id: "install-scripts",
    section: "supply-chain",
    claim: "Every dependency that runs code when it is installed is on a reviewed list; a new one fails CI.",
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
      ...t("tests/e2e/trust.test.ts", "the trust pages in Chromium > renders the public /trust page with every section and claim, unframeable and accessible"),
    ],
  },
];
