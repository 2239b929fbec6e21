/** Controls: access, encryption, tenant isolation, webhooks and lifecycle. See controls.ts. */
import type { Control } from "./control-types";
import { KEYRING, REQUESTS, tests as t, WEBHOOK_HARDENING, WEBHOOKS } from "./control-files";

export const ACCESS_CONTROLS: readonly Control[] = [
  // Access & OAuth
  {
    id: "minimal-scopes",
    section: "access",
    claim: "Margin Notes asks your store for read-only access to orders and products, and nothing else.",
    how: "Every scope requested in shopify.app.toml must be one of read_orders, read_all_orders (orders older than 60 days) and read_products; a test fails on any other (app/trust/scopes.ts). With no write scope the app cannot change your store.",
    tests: t("app/trust/scopes.test.ts",
      "shopify.app.toml > requests only read-only scopes for orders and products",
      "the scope rule > flags write scopes, customer scopes and anything else"),
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
    how: "Pages take the shop from the session token Shopify signed (app/shopify.server.ts); a ?shop= parameter naming another store is refused and never reflected.",
    tests: t(REQUESTS,
      "embedded install and first page > keeps another shop's dashboard out of reach: the shop comes from the token, not the URL",
      "requests that must be refused > does not reflect a foreign ?shop= anywhere in the response"),
  },
  {
    id: "expiring-tokens",
    section: "access",
    claim: "The access token Margin Notes holds for your store expires, instead of living forever.",
    how: "The app asks Shopify for expiring offline tokens (expiringOfflineAccessTokens in app/shopify.server.ts); the token and its refresh token are stored sealed (app/security/session-storage.server.ts).",
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
    how: "Each webhook's HMAC is checked on the raw body, and the unsigned shop and topic headers must match the signed body: its shop domain fields, its Shopify shop id (the one recorded when you signed in) and its shape (app/routes/webhooks.tsx, app/webhooks).",
    tests: [
      ...t(WEBHOOKS,
        "deliveries that must be rejected, with no effect > refuses a forged signature",
        "deliveries that must be rejected, with no effect > refuses a body changed after signing",
        "deliveries that must be rejected, with no effect > refuses no signature header"),
      ...t(WEBHOOK_HARDENING,
        "a validly signed body cannot be re-aimed > refuses shop A's own app/uninstalled body with shop B's header",
        "a validly signed body cannot be re-aimed > refuses shop A's app/scopes_update body (it names its shop by id only) sent with shop B's header: B's scopes untouched",
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
    how: "Bodies over 5 MiB are refused with 413 before anything reads them whole; malformed signed deliveries get a 4xx, never a crash (app/webhooks/read-body.server.ts, app/webhooks/verify.server.ts).",
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
];
