/** The environment every test process runs with. Values are fakes, never token-shaped. */
export const TEST_API_KEY = "test-api-key";
export const TEST_API_SECRET = "test-api-secret-0123456789";
export const TEST_APP_URL = "https://margin-notes.test";

export const testEnv: Record<string, string> = {
  NODE_ENV: "test",
  SHOPIFY_API_KEY: TEST_API_KEY,
  SHOPIFY_API_SECRET: TEST_API_SECRET,
  SHOPIFY_APP_URL: TEST_APP_URL,
  SCOPES: "read_orders,read_all_orders,read_products",
  TOKEN_KEYS: JSON.stringify({
    "test-1": Buffer.alloc(32, 1).toString("base64"),
    "test-2": Buffer.alloc(32, 2).toString("base64"),
  }),
  TOKEN_PRIMARY_KID: "test-1",
  AUDIT_KEYS: JSON.stringify({
    "audit-1": Buffer.alloc(32, 11).toString("base64"),
    "audit-2": Buffer.alloc(32, 12).toString("base64"),
  }),
  AUDIT_PRIMARY_KID: "audit-1",
  LOG_LEVEL: "warn",
  // The poll fallback must not hold up tests that drain the queue: webhooks arrive.
  BULK_POLL_SECONDS: "900",
  JOBS_WORKER: "off",
  SECURITY_CONTACT: "mailto:security@margin-notes.test",
};
