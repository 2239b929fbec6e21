/**
 * GraphQL config (editor tooling + `npm run graphql:codegen`), set up the way
 * Shopify's app template does (.graphqlrc.ts + @shopify/api-codegen-preset), with
 * two differences:
 *  - the schema is read offline from the Admin schema that @shopify/dev-mcp ships
 *    (the same file the test simulator validates against), never fetched, so
 *    codegen gives the same output on any machine and in CI;
 *  - the API version is pinned to the one app/shopify.server.ts uses.
 * GRAPHQL_CODEGEN_OUT redirects the output (graphql:check generates into a
 * temporary directory and diffs it against app/types).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

import { ApiType, pluckConfig, preset } from "@shopify/api-codegen-preset";
import { buildClientSchema, printSchema, type IntrospectionQuery } from "graphql";

/** app/shopify.server.ts: `apiVersion = ApiVersion.October26` (kept equal by tests/mocks/shopify/graphql-documents.test.ts). */
export const ADMIN_API_VERSION = "2026-10";

const root = path.dirname(new URL(import.meta.url).pathname);
const documents = ["./app/**/*.{ts,tsx}", "!./app/**/*.test.{ts,tsx}", "!./app/types/**"];
// A build tool's config, outside the app: there is no env.server.ts here.
// eslint-disable-next-line no-restricted-syntax
const outputDir = process.env.GRAPHQL_CODEGEN_OUT ?? path.join(root, "app", "types");

/** The SDL of Shopify's Admin schema at ADMIN_API_VERSION, from the gzipped introspection in @shopify/dev-mcp. */
function adminSchemaSdl(): string {
  // Looked up through node_modules directories the way Node resolves packages:
  // the package's `exports` map hides its data files from require.resolve.
  const relative = path.join("node_modules", "@shopify", "dev-mcp", "dist", "data", `admin_${ADMIN_API_VERSION}.json.gz`);
  let file = path.join(root, relative);
  for (let dir = root; !existsSync(file); dir = path.dirname(dir)) {
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found: is the @shopify/dev-mcp devDependency installed?`);
    file = path.join(path.dirname(dir), relative);
  }
  const parsed = JSON.parse(gunzipSync(readFileSync(file)).toString("utf8")) as { data?: IntrospectionQuery } & IntrospectionQuery;
  return printSchema(buildClientSchema(parsed.data ?? parsed));
}

const schema = adminSchemaSdl();

export default {
  schema,
  documents,
  projects: {
    default: {
      schema,
      documents,
      extensions: {
        codegen: {
          pluckConfig,
          hooks: {
            // The preset's header names rules of a plugin this repo does not load
            // (eslint-comments), which ESLint reports as unknown; its own
            // `/* eslint-disable */` line stays.
            beforeOneFileWrite: (_path: string, content: string) => content.replace(/^\/\* eslint-disable eslint-comments\/.*\n/gm, ""),
          },
          generates: {
            // The whole schema's types: the operation types are Pick<AdminTypes.Order, …> of them.
            // enumsAsTypes: enums become string unions, so `actionType === "ORDER"` type-checks.
            [`${outputDir}/admin.types.d.ts`]: {
              // Generated: lint has nothing to say about it (admin.generated.d.ts says the same itself).
              plugins: [{ add: { content: "/* eslint-disable */" } }, "typescript"],
              config: { defaultScalarType: "string", scalars: { JSON: "unknown" }, enumsAsTypes: true },
            },
            [`${outputDir}/admin.generated.d.ts`]: {
              preset,
              presetConfig: { apiType: ApiType.Admin },
            },
          },
        },
      },
    },
  },
};
