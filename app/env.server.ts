/**
 * The only reader of process.env. Everything else imports `env`.
 *
 * Parsing happens once, at import, so a bad deployment stops at start-up with a
 * message naming every bad key instead of failing on the first request that
 * needs it. Secret values are never echoed in that message.
 */
import { z } from "zod";

const shopifyApiVersion = "2026-10" as const;

/** JSON `{"<key id>": "<base64 of 32 bytes>", …}`: the token keyring and the audit keyring. */
const KeysSchema = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON object of key id → base64 key" });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().regex(/^[a-z0-9-]{1,32}$/, "key ids are 1-32 chars of a-z, 0-9 and -"),
      z.string().refine((b64) => Buffer.from(b64, "base64").length === 32, {
        message: "each key must be 32 bytes, base64-encoded",
      }),
    ),
  )
  .refine((keys) => Object.keys(keys).length > 0, { message: "needs at least one key" });

/** An optional setting where an empty value (`KEY=` in a .env file) means unset. */
const optionalText = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

/** The demo's shape: the simulator flag on, and an app URL no real Shopify app can have. */
function isLoopbackDemo(e: { DEMO_SIMULATOR: "on" | "off"; SHOPIFY_APP_URL: string }): boolean {
  const url = new URL(e.SHOPIFY_APP_URL);
  return e.DEMO_SIMULATOR === "on" && url.protocol === "http:" && ["127.0.0.1", "localhost"].includes(url.hostname);
}

export const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    SHOPIFY_API_KEY: z.string().min(1),
    SHOPIFY_API_SECRET: z.string().min(1),
    SHOPIFY_APP_URL: z.url({ protocol: /^https?$/ }),
    // read_all_orders: orders older than 60 days (history.server.ts); must match shopify.app.toml.
    SCOPES: z
      .string()
      .default("read_orders,read_all_orders,read_products")
      .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean)),
    DATABASE_URL: z
      .string()
      .regex(/^(postgres(ql)?|pglite):\/\//, "must start with postgres:// or pglite://")
      .optional(),
    // "transaction" behind a transaction pooler (PgBouncer pool_mode=transaction): postgres.js
    // then sends no named prepared statements, which a pooler cannot keep on one server
    // connection (app/db/client.server.ts). Everything else the app does is per transaction.
    DATABASE_POOL_MODE: z.enum(["session", "transaction"]).default("session"),
    PGLITE_DATA_DIR: z.string().min(1).default("./data/pglite"),
    TOKEN_KEYS: KeysSchema,
    TOKEN_PRIMARY_KID: z.string().min(1),
    // HMAC keys of the audit chain (app/security/audit-key.server.ts): outside the
    // database, so a database-only attacker cannot re-sign rewritten rows. Separate
    // from TOKEN_KEYS: each keyring rotates on its own schedule.
    AUDIT_KEYS: KeysSchema,
    AUDIT_PRIMARY_KID: z.string().min(1),
    LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
    // The App Bridge script the admin expects. Overridden only by the local simulator.
    APP_BRIDGE_URL: z.url().default("https://cdn.shopify.com/shopifycloud/app-bridge.js"),
    // Origin of the local Shopify simulator's admin page (demo and e2e tests only):
    // added to frame-ancestors so it may frame the app. Refused in production, except
    // for `npm run demo` (see DEMO_SIMULATOR).
    SIMULATED_ADMIN_ORIGIN: z.url({ protocol: /^http$/, hostname: /^(127\.0\.0\.1|localhost)$/ }).optional(),
    // Set only by `npm run demo`, which runs the production build in production mode
    // against the simulator. Honoured only when the app itself lives on loopback over
    // plain http, which Shopify never accepts for a real app: a deployment cannot trip it.
    DEMO_SIMULATOR: z.enum(["on", "off"]).default("off"),
    // How long a bulk operation may run before the poll fallback asks Shopify for it
    // (the bulk_operations/finish webhook normally arrives first).
    BULK_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
    // How many reverse proxies in front of us append to X-Forwarded-For.
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    // The in-process job worker (app/jobs). "off" in tests, or where workers run elsewhere.
    JOBS_WORKER: z.enum(["on", "off"]).default("on"),
    // Claude writes report narratives when a key is set; without one (and in the demo)
    // Margin Notes writes them itself, offline. Only aggregates are ever sent.
    ANTHROPIC_API_KEY: optionalText(z.string().min(20, "looks too short to be an Anthropic API key")),
    // A current Sonnet-class model id (the SDK's `Model` type lists the valid ones).
    ANTHROPIC_MODEL: z.string().trim().regex(/^claude-[a-z0-9.-]+$/, "must be a Claude model id like claude-sonnet-5-5").default("claude-sonnet-5-5"),
    // Per request to Anthropic (the SDK retries 429/529/5xx twice on top, with backoff).
    ANTHROPIC_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(30_000),
    // Weekly report emails go out only when SMTP is configured; otherwise the report
    // just appears in the app's list. smtp://user:pass@host:587 or smtps://…:465.
    SMTP_URL: optionalText(z.url({ protocol: /^smtps?$/ })),
    SMTP_FROM: optionalText(z.email("must be an email address like reports@example.com")),
    // Where security researchers reach us, published in /.well-known/security.txt
    // (RFC 9116 Contact): mailto:security@example.com or an https:// page. Unset: no
    // security.txt is served, rather than one naming an address nobody reads.
    SECURITY_CONTACT: optionalText(z.string().trim().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "must be a mailto: address or an https:// URL")),
    // The trust page's test evidence (npm run trust:evidence). Default: trust-evidence.json
    // beside the server bundle, so a deployment carries the evidence of its own build.
    TRUST_EVIDENCE_PATH: optionalText(z.string().min(1)),
  })
  .refine((e) => Object.hasOwn(e.TOKEN_KEYS, e.TOKEN_PRIMARY_KID), {
    path: ["TOKEN_PRIMARY_KID"],
    message: "must name a key present in TOKEN_KEYS",
  })
  .refine((e) => Object.hasOwn(e.AUDIT_KEYS, e.AUDIT_PRIMARY_KID), {
    path: ["AUDIT_PRIMARY_KID"],
    message: "must name a key present in AUDIT_KEYS",
  })
  .refine((e) => !(e.SMTP_URL && !e.SMTP_FROM), {
    path: ["SMTP_FROM"],
    message: "is required when SMTP_URL is set (the weekly report's sender address)",
  })
  .refine((e) => !(e.NODE_ENV === "production" && e.SIMULATED_ADMIN_ORIGIN && !isLoopbackDemo(e)), {
    path: ["SIMULATED_ADMIN_ORIGIN"],
    message: "is for the local simulator and is refused in production (only `npm run demo` may set it, with DEMO_SIMULATOR=on on a loopback http app URL)",
  })
  .refine((e) => !(e.DEMO_SIMULATOR === "on" && !isLoopbackDemo(e)), {
    path: ["DEMO_SIMULATOR"],
    message: "is for `npm run demo` only: SHOPIFY_APP_URL must be http://127.0.0.1 or http://localhost",
  });

export type Env = z.infer<typeof EnvSchema> & { SHOPIFY_API_VERSION: typeof shopifyApiVersion };

export class EnvError extends Error {
  constructor(readonly keys: string[], detail: string) {
    super(`Invalid environment: ${keys.join(", ")}\n${detail}`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const keys = [...new Set(result.error.issues.map((i) => String(i.path[0] ?? "(root)")))];
    const detail = result.error.issues
      .map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("\n");
    throw new EnvError(keys, detail);
  }
  return Object.freeze({ ...result.data, SHOPIFY_API_VERSION: shopifyApiVersion });
}

export const env: Env = parseEnv(process.env);
