// Starts `npm run demo`'s server (built app + Shopify simulator) on free loopback
// ports with a throwaway data dir, for the browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  if (!existsSync("build/index.js")) throw new Error("build/index.js is missing: run `npm run build` first (npm test does)");
  const dataDir = mkdtempSync(path.join(tmpdir(), "margin-notes-e2e-"));
  const child: ChildProcess = spawn(path.resolve("node_modules/.bin/tsx"), ["tests/mocks/demo-server.ts"], {
    env: { ...process.env, DEMO_DATA_DIR: dataDir, DEMO_APP_PORT: "0", DEMO_ADMIN_PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const adminUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/store\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`demo exited with ${code}:\n${output}`)));
  });
  project.provide("e2e", { adminUrl });
  return async () => {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(dataDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: { adminUrl: string };
  }
}
