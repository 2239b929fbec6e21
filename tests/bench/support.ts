/**
 * Shared pieces of the benchmark scripts (tests/bench/*.bench.ts): formatting,
 * percentiles, an RSS sampler that keeps sampling while the main thread is busy,
 * a fresh PostgreSQL database as the tests make one, and per-statement timing of
 * what the app sends through withShop. Nothing here asserts.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";

import { PgDialect } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";

import type { Database, Db, Tx } from "~/db/client.server";

import { testEnv } from "../setup/test-env";

/** App modules read process.env at import: call before importing any of them. */
export function benchEnv(): void {
  for (const [key, value] of Object.entries(testEnv)) process.env[key] ??= value;
  process.env.LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? "silent";
}

export const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 1)} MB`;
export const secs = (ms: number) => `${fmt(ms / 1000, 2)} s`;
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

export const machine = () => `node ${process.version} · ${os.cpus()[0]?.model ?? "unknown cpu"} · ${os.cpus().length} cpus · ${mb(os.totalmem())} RAM`;

/** Named command-line options: `--orders 1000` or `--orders=1000`, flags without a value are "true". */
export function cliArgs(argv = process.argv.slice(2)): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    if (eq !== -1) out.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith("--")) out.set(arg.slice(2), argv[++i]!);
    else out.set(arg.slice(2), "true");
  }
  return out;
}

/**
 * Samples process.memoryUsage().rss every `everyMs` from a worker thread, so that
 * a main thread blocked in PGlite (WASM runs on it) or in a long parse is still
 * sampled. `peak()` is the highest sample since the last `reset()`.
 */
export class RssSampler {
  private readonly shared = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor(everyMs = 100) {
    this.worker = new Worker(
      `const { workerData } = require("node:worker_threads");
       const peak = new Float64Array(workerData.buffer);
       setInterval(() => { const rss = process.memoryUsage.rss(); if (rss > peak[0]) peak[0] = rss; }, workerData.everyMs);`,
      { eval: true, workerData: { buffer: this.shared.buffer, everyMs } },
    );
    this.worker.unref();
    this.reset();
  }

  reset(): void {
    this.shared[0] = process.memoryUsage.rss();
  }

  peak(): number {
    return Math.max(this.shared[0]!, process.memoryUsage.rss());
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** maxRSS over the process's life (resourceUsage reports KiB). */
export const maxRss = () => process.resourceUsage().maxRSS * 1024;

/**
 * CPU seconds spent so far by the local PostgreSQL server's processes (every `postgres`
 * process's user + system time, plus what its exited children left to their parents),
 * read from /proc; null where there is no /proc or no local server. With the node
 * process's own `process.cpuUsage()`, it splits an ingest's two cores between the app
 * and the database.
 */
export function postgresCpuSeconds(): number | null {
  let ticks = 0;
  let found = false;
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const close = stat.lastIndexOf(")");
    const name = stat.slice(stat.indexOf("(") + 1, close);
    if (name !== "postgres") continue;
    found = true;
    // Fields after "(comm) ": state is field 3; utime 14, stime 15, cutime 16, cstime 17.
    const fields = stat.slice(close + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  // USER_HZ is 100 on Linux for every architecture Node runs on.
  return found ? ticks / 100 : null;
}

/**
 * A fresh database on the real server, exactly as the integration tests make one
 * (tests/setup/global-postgres.ts: owned by an unprivileged login, migrated by it).
 */
export async function freshPostgres(): Promise<{ appUrl: string; superuserUrl: string; drop: () => Promise<void> }> {
  const { default: setup } = await import("../setup/global-postgres");
  let provided: { appUrl: string; superuserUrl: string } | undefined;
  const project = { provide: (_key: string, value: { appUrl: string; superuserUrl: string }) => void (provided = value) };
  const teardown = await setup(project as unknown as Parameters<typeof setup>[0]);
  if (!provided) throw new Error("global-postgres setup provided no database");
  return { ...provided, drop: teardown };
}

// ---------------------------------------------------------------------------
// Statement timing

export interface TxRecord {
  start: number;
  end: number;
  statements: { label: string; ms: number }[];
}

const dialect = new PgDialect();

/** The first words of a statement, whitespace collapsed: enough to tell them apart. */
export function statementLabel(query: SQL, length = 110): string {
  const text = dialect.sqlToQuery(query).sql.replace(/\s+/g, " ").trim();
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/**
 * Wraps the database handle so every transaction (withShop, asSystem) is recorded
 * with the duration of each raw statement (`tx.execute`) it ran. Query builders
 * (tx.select/insert/update) run untimed; the app's heavy work is raw SQL.
 */
export function instrument(database: Database): { database: Database; transactions: TxRecord[] } {
  const transactions: TxRecord[] = [];
  const db = database.db;
  const original = db.transaction.bind(db) as Db["transaction"];
  const wrapped = (async (fn: (tx: Tx) => Promise<unknown>, config?: Parameters<Db["transaction"]>[1]) => {
    const record: TxRecord = { start: performance.now(), end: 0, statements: [] };
    let overheadMs = 0;
    transactions.push(record);
    try {
      return await original(async (tx) => {
        let execute = tx.execute.bind(tx);
        const timed = async (query: SQL) => {
          const t0 = performance.now();
          try {
            return await execute(query);
          } finally {
            const t1 = performance.now();
            // Rendering the label costs what the app's own rendering of the statement does:
            // it is timed and taken off the transaction's end (it is no part of the app's time).
            // Rendered now, not kept for later: a batch statement's parameters are megabytes.
            record.statements.push({ label: statementLabel(query), ms: t1 - t0 });
            overheadMs += performance.now() - t1;
          }
        };
        // The app may swap a transaction's execute (app/db/prepared.server.ts): the swap
        // becomes what is timed, so its statements are still recorded.
        Object.defineProperty(tx, "execute", {
          configurable: true,
          get: () => timed,
          set: (replacement: typeof execute) => void (execute = replacement),
        });
        return fn(tx);
      }, config);
    } finally {
      record.end = performance.now() - overheadMs;
    }
  }) as Db["transaction"];
  (db as { transaction: Db["transaction"] }).transaction = wrapped;
  return { database, transactions };
}

/** Statement time summed by label, largest first. */
export function byLabel(records: TxRecord[]): { label: string; count: number; ms: number }[] {
  const totals = new Map<string, { label: string; count: number; ms: number }>();
  for (const r of records) {
    for (const s of r.statements) {
      const t = totals.get(s.label) ?? { label: s.label, count: 0, ms: 0 };
      t.count++;
      t.ms += s.ms;
      totals.set(s.label, t);
    }
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
