import { connect } from "node:net";
import path from "node:path";

import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");
const alias = { "~": path.join(root, "app") };

/** Real PostgreSQL joins the run when it answers (CI and this machine have it). */
function postgresAnswers(): Promise<boolean> {
  if (process.env.TEST_POSTGRES === "off") return Promise.resolve(false);
  const url = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  return answers(url.hostname, Number(url.port || 5432));
}

/** PgBouncer in transaction mode (.ci/run starts it from .ci/pgbouncer.ini) joins when it answers too. */
function pgbouncerAnswers(): Promise<boolean> {
  if (process.env.TEST_PGBOUNCER === "off") return Promise.resolve(false);
  return answers("127.0.0.1", Number(process.env.TEST_PGBOUNCER_PORT ?? 6432));
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => { socket.destroy(); resolve(false); });
  });
}

/**
 * What `npm test` runs through PgBouncer (transaction mode): every file that opens
 * transactions with tenant settings, locks or roles under concurrency, or the pool
 * itself — tenancy, sessions and tokens, the job queue and workers, the sync, webhooks,
 * migrations, maintenance — plus pgbouncer.test.ts, which only runs there. CI runs
 * every other integration file through PgBouncer too, as a step of its own after
 * `npm test` (.ci/run, TEST_PGBOUNCER_FILES=rest). Measured on this 2-core machine
 * (2026-12-02): the whole integration suite through PgBouncer took ~7 min on its own
 * (these files ~2 min of test time, the others ~3): more than `npm test`'s ~10 min can
 * take on top of its other projects.
 */
const THROUGH_PGBOUNCER = [
  "pgbouncer", "tenant-isolation", "sessions-rls", "token-refresh", "migrations",
  "job-queue", "fair-queue", "worker-process", "maintenance",
  "sync", "sync-runs", "sync-interleaving", "webhooks", "webhook-hardening", "rate-limit",
].map((name) => `tests/integration/${name}.test.ts`);

/**
 * TEST_PGBOUNCER_FILES: `subset` (default, what `npm test` runs), `rest` (every other
 * integration file: `.ci/run` runs them through PgBouncer as a step of its own after
 * `npm test`) or `all`.
 */
function pgbouncerFiles(): { include: string[]; exclude: string[] } {
  const all = ["tests/integration/**/*.test.ts"];
  switch (process.env.TEST_PGBOUNCER_FILES ?? "subset") {
    case "subset": return { include: THROUGH_PGBOUNCER, exclude: [] };
    case "rest": return { include: all, exclude: THROUGH_PGBOUNCER };
    case "all": return { include: all, exclude: [] };
    default: throw new Error("TEST_PGBOUNCER_FILES must be subset, rest or all");
  }
}

export default defineConfig(async () => {
  const withPostgres = await postgresAnswers();
  if (!withPostgres) console.warn("[tests] PostgreSQL on 127.0.0.1:5432 did not answer: integration runs on PGlite only");
  const withPgbouncer = withPostgres && (await pgbouncerAnswers());
  if (withPostgres && !withPgbouncer) console.warn("[tests] PgBouncer on 127.0.0.1:6432 did not answer: the pooled project is skipped (.ci/run starts it)");
  const integration = (name: string, globalSetup: string, { include, exclude }: { include: string[]; exclude: string[] } = { include: ["tests/integration/**/*.test.ts"], exclude: [] }) => ({
    resolve: { alias },
    test: {
      name,
      root,
      include,
      ...(exclude.length > 0 ? { exclude } : {}),
      setupFiles: ["tests/setup/env.ts", "tests/setup/error-logs.ts", "tests/setup/msw.ts", "tests/setup/database.ts"],
      globalSetup: [globalSetup],
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  });
  return {
    test: {
      reporters: ["default"],
      projects: [
        {
          resolve: { alias },
          test: {
            name: "unit",
            root,
            include: ["app/**/*.test.{ts,tsx}", "tests/mocks/**/*.test.ts", "tests/lint-fixtures/*.test.ts"],
            setupFiles: ["tests/setup/env.ts", "tests/setup/error-logs.ts"],
            testTimeout: 30_000,
          },
        },
        {
          // The admin blocks (extensions/*) under Shopify's extension tester: a DOM
          // (jsdom) and Preact's JSX (each block file says so with @jsxImportSource).
          test: {
            name: "extensions",
            root,
            include: ["extensions/*/tests/**/*.test.{ts,tsx}"],
            environment: "jsdom",
            // The tester imports the block's module itself (extension.render()): inlined,
            // its import goes through Vite's transform, which compiles the .tsx.
            server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
            testTimeout: 30_000,
          },
        },
        integration("integration-pglite", "tests/setup/global-pglite.ts"),
        ...(withPostgres ? [integration("integration-postgres", "tests/setup/global-postgres.ts")] : []),
        ...(withPgbouncer ? [integration("integration-pgbouncer", "tests/setup/global-pgbouncer.ts", pgbouncerFiles())] : []),
        {
          resolve: { alias },
          test: {
            name: "e2e",
            root,
            include: ["tests/e2e/**/*.test.ts"],
            globalSetup: ["tests/setup/global-e2e.ts"],
            testTimeout: 180_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
