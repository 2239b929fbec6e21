import { connect } from "node:net";
import path from "node:path";

import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");
const alias = { "~": path.join(root, "app") };

/** Real PostgreSQL joins the run when it answers (CI and this machine have it). */
function postgresAnswers(): Promise<boolean> {
  if (process.env.TEST_POSTGRES === "off") return Promise.resolve(false);
  const url = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5432), timeout: 1000 });
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => { socket.destroy(); resolve(false); });
  });
}

export default defineConfig(async () => {
  const withPostgres = await postgresAnswers();
  if (!withPostgres) console.warn("[tests] PostgreSQL on 127.0.0.1:5432 did not answer: integration runs on PGlite only");
  const integration = (name: string, globalSetup: string) => ({
    resolve: { alias },
    test: {
      name,
      root,
      include: ["tests/integration/**/*.test.ts"],
      setupFiles: ["tests/setup/env.ts", "tests/setup/msw.ts", "tests/setup/database.ts"],
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
            include: ["app/**/*.test.{ts,tsx}", "tests/mocks/**/*.test.ts"],
            setupFiles: ["tests/setup/env.ts"],
            testTimeout: 30_000,
          },
        },
        integration("integration-pglite", "tests/setup/global-pglite.ts"),
        ...(withPostgres ? [integration("integration-postgres", "tests/setup/global-postgres.ts")] : []),
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
