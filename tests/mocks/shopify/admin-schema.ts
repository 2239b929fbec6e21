/**
 * Shopify's real Admin GraphQL schema (API version 2026-10), as shipped in the
 * `@shopify/dev-mcp` package. The simulator validates and executes against it so
 * that a query which would fail on Shopify (unknown field, wrong argument, missing
 * selection) fails here too, instead of passing against a hand-written stub.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

import { buildClientSchema, GraphQLSchema, validateSchema, type IntrospectionQuery } from "graphql";

export const ADMIN_API_VERSION = "2026-10";

interface CachedSchema {
  /** The GraphQLSchema class the schema was built with; see loadAdminSchema. */
  readonly schemaClass: typeof GraphQLSchema;
  readonly schema: GraphQLSchema;
  readonly loadMs: number;
}

// Kept on globalThis rather than in a module variable: vitest re-evaluates test
// modules per file, and decompressing + building ~900 KB of gzipped introspection
// costs a few hundred ms each time.
const CACHE_KEY = Symbol.for("margin-notes.tests.shopify-admin-schema");
type CacheHolder = { [CACHE_KEY]?: CachedSchema };

/**
 * Looked up through node_modules directories the way Node resolves packages,
 * since the package's `exports` map hides its data files from require.resolve.
 */
function schemaFilePath(): string {
  const relative = path.join("node_modules", "@shopify", "dev-mcp", "dist", "data", `admin_${ADMIN_API_VERSION}.json.gz`);
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found: is the @shopify/dev-mcp devDependency installed?`);
  }
}

function isIntrospection(value: unknown): value is IntrospectionQuery {
  return typeof value === "object" && value !== null && "__schema" in value;
}

function buildAdminSchema(): CachedSchema {
  const started = performance.now();
  const file = schemaFilePath();
  // The file is `{ data: { __schema }, offline_scopes }`: a raw introspection response.
  const parsed: unknown = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8"));
  const introspection =
    typeof parsed === "object" && parsed !== null && "data" in parsed ? (parsed as { data: unknown }).data : parsed;
  if (!isIntrospection(introspection)) throw new Error(`${file} is not a GraphQL introspection result`);

  const schema = buildClientSchema(introspection);
  // Validated once, eagerly (~35 ms): a broken or truncated schema file should fail
  // here with a clear message, not as a confusing error inside the first query.
  const problems = validateSchema(schema);
  if (problems.length > 0) {
    throw new Error(`Admin schema ${ADMIN_API_VERSION} is invalid: ${problems.map((p) => p.message).join("; ")}`);
  }
  return { schemaClass: GraphQLSchema, schema, loadMs: performance.now() - started };
}

function cached(): CachedSchema {
  const holder = globalThis as CacheHolder;
  const hit = holder[CACHE_KEY];
  // Reuse only if built by this very copy of graphql-js: a schema from another copy
  // (a different module instance after a registry reset) fails graphql-js's
  // instanceof checks with "Cannot use GraphQLSchema from another module or realm".
  if (hit && hit.schemaClass === GraphQLSchema) return hit;
  const fresh = buildAdminSchema();
  holder[CACHE_KEY] = fresh;
  return fresh;
}

/** The Admin API 2026-10 schema, built once per process (about 0.3-0.4 s the first time). */
export function loadAdminSchema(): GraphQLSchema {
  return cached().schema;
}

/** How long the one build of the schema took, for reporting; loads it if needed. */
export function adminSchemaLoadMs(): number {
  return cached().loadMs;
}
