/**
 * The import boundaries (eslint.config.js, docs/decisions/0010-module-boundaries.md)
 * keep failing on deliberate violations: a config change that silently stops the
 * rule (a glob that no longer matches, options overridden by a later config) fails here.
 * Each fixture is linted as if it lived at the path given, with the real config.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root, cache: false });

async function restrictedImports(fixture: string, asPath: string): Promise<string[]> {
  const text = readFileSync(path.join(import.meta.dirname, fixture), "utf8");
  const [result] = await eslint.lintText(text, { filePath: path.join(root, asPath) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries", () => {
  it("refuses a lower layer importing a layer above it", async () => {
    const messages = await restrictedImports("layer-upward.ts", "app/security/lint-fixture.server.ts");
    expect(messages).toEqual([expect.stringContaining("Layer 'security' imports no layer above it")]);
  });

  it("refuses a table imported outside its owning module", async () => {
    const messages = await restrictedImports("table-not-owned.ts", "app/reports/lint-fixture.server.ts");
    expect(messages).toEqual([expect.stringContaining("Only a table's owning module imports it")]);
    expect(messages[0]).toContain("'jobs'");
  });

  it("lets the owning module import its table", async () => {
    expect(await restrictedImports("table-not-owned.ts", "app/jobs/lint-fixture.server.ts")).toEqual([]);
  });

  it("refuses a route importing the database client", async () => {
    const messages = await restrictedImports("route-client.ts", "app/routes/lint-fixture.tsx");
    expect(messages).toEqual([expect.stringContaining("Routes reach the database through a module's door")]);
  });
});
