/**
 * The access scopes the app requests, read from shopify.app.toml (what `shopify app
 * deploy` pushes to Shopify), and the rule the trust page promises: read-only access
 * to orders and products, nothing else.
 */
export const ALLOWED_SCOPES = ["read_orders", "read_all_orders", "read_products"] as const;

/** The `scopes = "…"` value of the [access_scopes] table, split; null when absent. */
export function requestedScopes(toml: string): string[] | null {
  const section = /^\[access_scopes\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? "";
  const value = /^\s*scopes\s*=\s*"([^"]*)"/m.exec(section)?.[1];
  return value === undefined ? null : value.split(",").map((s) => s.trim()).filter(Boolean);
}

export function scopeProblems(scopes: readonly string[]): string[] {
  return scopes.filter((s) => !(ALLOWED_SCOPES as readonly string[]).includes(s)).map((s) => `${s} is not a read-only orders or products scope`);
}
