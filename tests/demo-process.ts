/**
 * `npm run demo`'s server (the built app + the Shopify simulator) as a child
 * process on free loopback ports with a throwaway data dir: the browser tests'
 * global setup and the benchmarks start it the same way, through here.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const REPO = path.resolve(import.meta.dirname, "..");
/** The demo prints the admin's URL once both servers listen. */
const READY = /(http:\/\/(?:127\.0\.0\.1|localhost):\d+\/store\/\S+)/;

export interface DemoProcess {
  /** The simulated admin with the app embedded: open it in a browser. */
  adminUrl: string;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Stops the process (SIGTERM, then waits for it) and removes its data dir. Idempotent. */
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** The checkout to run (its build/ is served); default this repository. */
  cwd?: string;
  /** Environment of the process (DEMO_* and LOG_LEVEL are set over it). */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export async function startDemoProcess({ cwd = REPO, env = process.env, startTimeoutMs = 300_000 }: DemoOptions = {}): Promise<DemoProcess> {
  if (!existsSync(path.join(cwd, "build/index.js"))) throw new Error(`${cwd}/build/index.js is missing: run \`npm run build\` first (npm test does)`);
  const dataDir = mkdtempSync(path.join(tmpdir(), "margin-notes-demo-"));
  const child = spawn(path.join(REPO, "node_modules/.bin/tsx"), ["tests/mocks/demo-server.ts"], {
    cwd,
    env: { ...env, DEMO_DATA_DIR: dataDir, DEMO_APP_PORT: "0", DEMO_ADMIN_PORT: "0", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);

  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    })());

  try {
    const adminUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start in ${startTimeoutMs / 1000} s:\n${output}`)), startTimeoutMs);
      const onData = () => {
        const match = READY.exec(output);
        if (!match) return;
        clearTimeout(timer);
        resolve(match[1]!);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`demo exited with ${code}:\n${output}`));
      });
    });
    return { adminUrl, child, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
