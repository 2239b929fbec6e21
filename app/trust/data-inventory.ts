/**
 * What the trust page says about data: what is stored and for how long, what never
 * is, and who else processes it. Kept beside the controls so that the page states it
 * once; each retention line names the mechanism that enforces it, and the
 * subprocessors follow this deployment's configuration (see trust-page.server.ts).
 */
export interface StoredKind {
  kind: string;
  why: string;
  kept: string;
}

export const STORED: readonly StoredKind[] = [
  { kind: "Store profile: domain, name, currency, time zone, granted scopes", why: "reports in your currency and days", kept: "while the app is installed; erased on shop/redact" },
  { kind: "Orders and sales lines: ids, dates, money amounts, quantities, unit cost snapshots", why: "the profit and sales reports", kept: "while the app is installed; erased on shop/redact" },
  { kind: "Products and variants: titles, SKUs, unit cost history", why: "product names in reports, cost of goods", kept: "while the app is installed; erased on shop/redact" },
  { kind: "Daily totals, saved reports and their narratives (with the exact AI input)", why: "fast reports, report history", kept: "while the app is installed; erased on shop/redact" },
  { kind: "Settings (AI on/off, weekly report schedule and recipient, AI daily limit)", why: "your choices", kept: "while the app is installed; erased on shop/redact" },
  { kind: "Access token and refresh token, encrypted", why: "reading your store through Shopify's API", kept: "deleted when you uninstall" },
  { kind: "Audit events: action, time, staff user id, IP address, user agent", why: "the audit trail", kept: "12 months (daily pruning); erased on shop/redact" },
  { kind: "Erase records: when, and which staff user id asked (store pseudonymised)", why: "proof of an erase", kept: "12 months (daily pruning)" },
  { kind: "Webhook delivery ids", why: "exactly-once processing", kept: "7 days (daily pruning, past Shopify's retry window); erased on shop/redact" },
  { kind: "Sync runs", why: "sync progress", kept: "while the app is installed; erased on shop/redact" },
];

export const NEVER_STORED: readonly string[] = [
  "Customers' names, emails, addresses or phone numbers (the app never requests them from Shopify)",
  "Payment card data",
  "Staff names or emails (only Shopify's numeric staff user id, in the audit trail)",
];

export interface Subprocessor {
  name: string;
  role: string;
  /** What it receives in this deployment; null when this deployment does not use it. */
  receives: string | null;
}

export function subprocessors(config: { anthropic: boolean; smtp: boolean }): Subprocessor[] {
  return [
    { name: "Shopify", role: "the platform your store runs on", receives: "API requests for orders and products (read-only); Shopify is the source of the data above" },
    { name: "The hosting provider of this deployment", role: "runs the app and its PostgreSQL database", receives: "all data stored above, encrypted in transit" },
    {
      name: "Anthropic (Claude)",
      role: "writes report narratives",
      receives: config.anthropic
        ? "a saved report's aggregates only (totals, percentages, dates, product titles; small groups merged), when a narrative is written; the report page shows exactly what was sent"
        : null,
    },
    { name: "Email (SMTP) provider", role: "delivers weekly report emails", receives: config.smtp ? "the weekly report and the recipient address you set" : null },
  ];
}

/**
 * How this deployment is run, as the trust page and README's Deployment section state
 * it. Operator duties, not code: each says what the app does and what the operator
 * must set up, never more.
 */
export interface OperationsNote {
  id: string;
  title: string;
  text: string;
}

export const OPERATIONS_NOTES: readonly OperationsNote[] = [
  {
    id: "incident-response",
    title: "Incident response",
    text: "Reports reach us through the contact in security.txt (SECURITY.md: acknowledged within 3 business days). For a suspected breach the operator contains it first (rotates the Shopify app secret, the token keys with npm run keys:rotate, the audit keys and the database credentials), checks the audit trail with npm run audit:verify against the last published chain heads, and tells the affected merchants and Shopify what happened, which data was involved and what was done. These are the operator's procedures (README, Runbooks), not something the app enforces.",
  },
  {
    id: "backups",
    title: "Backups and point-in-time recovery",
    text: "The app makes no backups itself. The deployment guide (README, Deployment) requires managed PostgreSQL with automated backups and point-in-time recovery kept for at most 7 days, so data erased by an uninstall, shop/redact or Delete my data now leaves every backup within 7 days. A backup holds access tokens only sealed: the keys are never in the database, so a restored copy opens nothing without this deployment's TOKEN_KEYS. A restore to an earlier point would bring back data erased since; the guide says to erase those shops again before reopening (each erase is in the audit trail's system chain, under the shop's pseudonym).",
  },
  {
    id: "egress-allowlist",
    title: "Outbound network and IP allowlist",
    text: "The app and its workers connect out only to Shopify's APIs, to Anthropic's API when narratives use Claude, and to the SMTP server when emails are configured. The deployment guide has them leave through fixed egress addresses (a NAT gateway with static IPs), registered as the app's IP allowlist in the Shopify Partner Dashboard, as Shopify requires of public apps.",
  },
];
