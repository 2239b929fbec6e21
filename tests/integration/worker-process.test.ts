/**
 * `npm run worker`: the job worker as a process of its own (production runs web
 * with JOBS_WORKER=off and workers separately). PostgreSQL only: PGlite is one
 * process's database.
 */
import { spawn } from "node:child_process";
import path from "node:path";

import { and, eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";

import { jobs } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { enqueue } from "~/jobs/queue.server";

import { newShop } from "../factories";
import { testEnv } from "../setup/test-env";

import "~/sync/jobs.server";

const provided = inject("database");

describe.runIf(provided.driver === "postgres")("the worker process", () => {
  it("runs the app's jobs, and on SIGTERM drains and exits 0", async () => {
    if (provided.driver !== "postgres") return;
    const shop = newShop("worker");
    const id = await enqueue("sync.runs.sweep", { shop }, { shopId: shop });
    // Other test files share this database: this worker claims this shop's jobs only.
    const child = spawn(path.resolve("node_modules/.bin/tsx"), ["app/cli/worker.ts", "--shops", shop, "--concurrency", "2"], {
      // Through PgBouncer (integration-pgbouncer) as a deployment behind it runs: DATABASE_POOL_MODE=transaction.
      env: { ...process.env, ...testEnv, DATABASE_URL: provided.appUrl, DATABASE_POOL_MODE: provided.poolMode, JOBS_WORKER: "on", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const [row] = await asSystem("test", (tx) => tx.select().from(jobs).where(and(eq(jobs.id, id), eq(jobs.shopId, shop))));
        if (row?.status === "succeeded") break;
        if (Date.now() > deadline) throw new Error(`the worker process did not run the job (${row?.status}): ${output.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // It stays up while idle (its timers alone would not keep a process alive).
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(child.exitCode).toBeNull();
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(output).toContain("job worker stopped");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
