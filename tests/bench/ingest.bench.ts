/**
 * The orders backfill at scale: a Shopify bulk result of N orders (the JSONL of
 * ORDERS_BULK_QUERY) through the app's real ingest, `ingestBulkResult`, on
 * Postgres and on PGlite. A plain script, not a test: it prints figures (and the
 * targets beside them) and asserts nothing.
 *
 *   npm run bench:ingest [-- --orders 1000000] [--pglite-orders 1000000]
 *                        [--engines postgres,pglite] [--heap-mb 128]
 *                        [--cpu-prof] [--dir /tmp] [--keep]
 *
 * The engine process runs with the V8 heap cap the app's worker process ships
 * with (`--max-old-space-size` in package.json's `worker` script, where
 * production runs the ingest); --heap-mb overrides it. The ingest's live set is
 * small: without a cap most of its RSS is heap the GC has not had to give back.
 *
 * The parent process writes the file(s) and measures the JS-only costs; each
 * engine then runs in a child process of its own, so that its peak RSS and maxRSS
 * describe that ingest alone (PGlite's database lives inside the process).
 *
 * The ingest is `ingestBulkResult` itself: streamJsonl over a local node:http
 * server → StagedBatch per 5,000 lines (a fresh shop's first file: direct, sales and
 * transactions straight into the ledger; app/sync/direct.server.ts), each written in a
 * withShop transaction, two at once on PostgreSQL →
 * finalizeRun (the ledger and the rollups rebuild) and the run's completion, one transaction. Its one Admin API
 * call (the bulk operation's status) is answered in-process (ingest-path.ts).
 *
 * The app's code runs unchanged: no statement is replaced or added by the bench.
 * After the ingest, in the same run, the physical reference: PostgreSQL COPY of
 * the same file, one row per line, into an unindexed table (what moving these
 * bytes into the server costs at the least), and the ratio ours/COPY.
 *
 * Memory is sampled from a worker thread (RssSampler), because PGlite runs its
 * queries on the main thread and would otherwise hide its peaks.
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import type { Sql } from "postgres";

import { writeOrdersJsonl } from "../mocks/shopify/bulk";
import { catalogFor, generateOrders } from "../mocks/shopify/seed";

import { datasetOptions, serveFile } from "./ingest-path";
import { benchEnv, byLabel, cliArgs, fmt, freshPostgres, instrument, machine, maxRss, mb, postgresCpuSeconds, RssSampler, secs, type TxRecord } from "./support";

benchEnv();
const args = cliArgs();
const SHOP = "bench-ingest.myshopify.com";
const TARGET_ORDERS_PER_S = 10_000;
const TARGET_RSS = 300 * 1024 * 1024;
/** The worker process's heap cap (package.json scripts.worker), unless --heap-mb says otherwise. */
const HEAP_MB = args.has("heap-mb")
  ? Number(args.get("heap-mb"))
  : Number(/--max-old-space-size=(\d+)/.exec((JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.worker ?? "")?.[1] ?? 0);

const engine = args.get("engine");
if (engine === "postgres" || engine === "pglite") {
  await runEngine(engine, args.get("file")!, Number(args.get("lines")), Number(args.get("orders")));
} else {
  await main();
}

// ---------------------------------------------------------------------------

async function main() {
  const orders = Number(args.get("orders") ?? 1_000_000);
  // PGlite is single-threaded WASM inside the process: a million orders take about
  // seven minutes on a 2-vCPU machine (with the finalize fix). --pglite-orders caps it.
  const pgliteOrders = Math.min(orders, Number(args.get("pglite-orders") ?? orders));
  const engines = (args.get("engines") ?? "postgres,pglite").split(",").map((e) => e.trim()).filter(Boolean);
  const dir = mkdtempSync(path.join(args.get("dir") ?? tmpdir(), "margin-notes-bench-ingest-"));
  console.log(machine());
  console.log(HEAP_MB ? `engine processes run with --max-old-space-size=${HEAP_MB} (${args.has("heap-mb") ? "--heap-mb" : "the worker process's cap, package.json scripts.worker"})` : "engine processes run with V8's default heap limit");
  console.log(`data set: ${fmt(orders)} orders over 730 days, 200 products (+ gift card), America/New_York, USD`);

  try {
    const files = new Map<number, { file: string; lines: number }>();
    const sizes = [...new Set([orders, ...(engines.includes("pglite") ? [pgliteOrders] : [])])];
    for (const n of sizes) files.set(n, await generate(n, path.join(dir, `orders-${n}.jsonl`)));

    await jsOnlyCosts(files.get(orders)!.file);

    for (const e of engines) {
      const n = e === "pglite" ? pgliteOrders : orders;
      if (e === "pglite" && n < orders) console.log(`\n(PGlite capped at ${fmt(n)} orders: --pglite-orders to change)`);
      const { file, lines } = files.get(n)!;
      await child(e, file, lines, n);
    }
  } finally {
    if (args.get("keep") !== "true") rmSync(dir, { recursive: true, force: true });
    else console.log(`\nfiles kept in ${dir}`);
  }
}

async function generate(orders: number, file: string): Promise<{ file: string; lines: number }> {
  const options = datasetOptions(orders);
  const started = performance.now();
  const out = createWriteStream(file);
  const result = await writeOrdersJsonl(generateOrders(options), catalogFor(options), options.currencyCode, out);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  const ms = performance.now() - started;
  console.log(`\nJSONL of ORDERS_BULK_QUERY (writeOrdersJsonl) for ${fmt(orders)} orders: ${file}`);
  console.log(`  ${mb(statSync(file).size)} (${fmt(result.bytes)} bytes), ${fmt(result.lines)} lines (${fmt(result.lines / orders, 2)} per order), `
    + `written in ${secs(ms)} (${fmt(orders / (ms / 1000))} orders/s)`);
  return { file, lines: result.lines };
}

/** What the ingest costs before any database: download + line splitting, and parsing + classifying. */
async function jsOnlyCosts(file: string) {
  const { streamJsonl } = await import("~/sync/jsonl.server");
  const { StagedBatch } = await import("~/sync/stage.server");
  console.log("\nJS only (no database), same process as the generator:");

  const served = await serveFile(file);
  let started = performance.now();
  const lines = await streamJsonl(served.url, { skip: 0, batchSize: 5000, onBatch: async () => {} });
  let ms = performance.now() - started;
  await served.close();
  console.log(`  streamJsonl over local HTTP, no-op onBatch: ${fmt(lines)} lines in ${secs(ms)} = ${fmt(lines / (ms / 1000))} lines/s (${fmt(statSync(file).size / 1024 / 1024 / (ms / 1000), 0)} MB/s)`);

  const sample: string[] = [];
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of reader) {
    sample.push(line);
    if (sample.length >= 500_000) break;
  }
  reader.close();
  started = performance.now();
  for (let i = 0; i < sample.length; i += 5000) {
    const batch = new StagedBatch();
    for (const line of sample.slice(i, i + 5000)) batch.addBulkLine(line);
  }
  ms = performance.now() - started;
  console.log(`  StagedBatch.addBulkLine (JSON.parse + classifySale + column arrays), first ${fmt(sample.length)} lines: ${secs(ms)} = ${fmt(sample.length / (ms / 1000))} lines/s`);
}

/** Runs one engine in a child process (same node flags as this one, plus --cpu-prof when asked). */
async function child(e: string, file: string, lines: number, orders: number) {
  const self = fileURLToPath(import.meta.url);
  const nodeFlags = [...process.execArgv];
  if (HEAP_MB) nodeFlags.push(`--max-old-space-size=${HEAP_MB}`);
  if (args.get("cpu-prof") === "true") {
    const profDir = path.resolve("tests/artifacts/cpu-prof");
    nodeFlags.push("--cpu-prof", `--cpu-prof-dir=${profDir}`);
    console.log(`\n(CPU profile of the ${e} run goes to ${profDir})`);
  }
  const proc = spawn(process.execPath, [...nodeFlags, self, "--engine", e, "--file", file, "--lines", String(lines), "--orders", String(orders)], {
    stdio: ["ignore", "inherit", "inherit"],
    env: process.env,
  });
  const code = await new Promise<number | null>((resolve) => proc.once("exit", resolve));
  if (code !== 0) console.log(`  ${e} run exited with code ${code}`);
}

// ---------------------------------------------------------------------------

async function runEngine(e: "postgres" | "pglite", file: string, lines: number, orders: number) {
  const rssAtStart = process.memoryUsage.rss();
  const sampler = new RssSampler(100);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const samplerCost = process.memoryUsage.rss() - rssAtStart;
  const { openDatabase, setDatabase, queryRows } = await import("~/db/client.server");
  const { withShop } = await import("~/db/tenant.server");
  const { sql } = await import("drizzle-orm");
  const { installShop, ingestFile } = await import("./ingest-path");

  console.log(`\n=== ${e === "postgres" ? "PostgreSQL (fresh database, unprivileged app login)" : "PGlite (fresh data dir on disk)"}: ${fmt(orders)} orders, ${fmt(lines)} lines ===`);
  let cleanup: () => Promise<void>;
  let started = performance.now();
  let opened;
  if (e === "postgres") {
    const pg = await freshPostgres();
    opened = await openDatabase({ url: pg.appUrl, migrate: false, maxConnections: 4 });
    cleanup = pg.drop;
    const [version] = await queryRows<{ v: string }>(opened.db, sql`select current_setting('server_version') as v`);
    console.log(`  server ${version?.v}; database created and migrated in ${secs(performance.now() - started)}`);
  } else {
    const dataDir = mkdtempSync(path.join(tmpdir(), "margin-notes-bench-pglite-"));
    opened = await openDatabase({ url: `pglite://${dataDir}` });
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
    console.log(`  data dir ${dataDir}; opened and migrated in ${secs(performance.now() - started)}`);
  }
  const { database, transactions } = instrument(opened);
  setDatabase(database);

  try {
    started = performance.now();
    const catalog = await installShop(SHOP, catalogFor(datasetOptions(orders)));
    console.log(`  shop installed; catalog: ${catalog.products} products, ${catalog.variants} variants, ${catalog.costRows} cost_history rows (${secs(performance.now() - started)})`);
    console.log(`  RSS before the ingest: ${mb(process.memoryUsage.rss())}`);

    transactions.length = 0;
    // The main thread's view of the same period: which part of RSS is the V8 heap.
    const heapPeak = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
    const heapTimer = setInterval(() => {
      const m = process.memoryUsage();
      for (const key of Object.keys(heapPeak) as (keyof typeof heapPeak)[]) heapPeak[key] = Math.max(heapPeak[key], m[key]);
    }, 100);
    sampler.reset();
    const cpuBefore = { app: process.cpuUsage(), postgres: postgresCpuSeconds() };
    const t0 = performance.now();
    const result = await ingestFile(SHOP, file, lines).finally(() => clearInterval(heapTimer));
    const t1 = performance.now();
    const appCpu = process.cpuUsage(cpuBefore.app);
    const postgresAfter = postgresCpuSeconds();
    const peak = sampler.peak();
    const peakMax = maxRss();
    const records = [...transactions];

    const finalizeTx = records.find((r) => r.statements.some((s) => s.label.startsWith("insert into orders as o")));
    const batchTxs = records.filter((r) => r.statements.some((s) => s.label.includes('insert into "staged_')));
    if (!finalizeTx) throw new Error("no finalize transaction was recorded");
    const stagingMs = finalizeTx.start - t0;
    const finalizeMs = finalizeTx.end - finalizeTx.start;
    // The backfill the merchant waits for ends when the run completes; the staged
    // rows' cleanup (a job of its own, after) is printed apart.
    const totalMs = t1 - t0 - result.discardMs;
    const ordersPerS = orders / (totalMs / 1000);

    const counts = await withShop(SHOP, (tx) => queryRows<Record<string, number>>(tx, sql`
      select (select count(*) from orders)::int as orders, (select count(*) from sales)::int as sales,
        (select count(*) from daily_rollups)::int as rollups, (select count(*) from daily_orders)::int as "dailyOrders",
        (select count(distinct day) from daily_rollups)::int as days,
        (select count(*) from staged_orders)::int + (select count(*) from staged_agreements)::int + (select count(*) from staged_sales)::int as staged,
        (select count(*) from sales where cost_source = 'at_sale')::int as "atSale",
        (select count(*) from sales where cost_source = 'backfill_current')::int as backfill`));
    const c = counts[0]!;

    console.log(`  ingestBulkResult returned ${fmt(result.lines)} lines`);
    console.log(`  staging  (streamJsonl → StagedBatch → write, ${fmt(batchTxs.length)} withShop batches): ${secs(stagingMs)}`
      + ` = ${fmt(lines / (stagingMs / 1000))} lines/s, ${fmt(orders / (stagingMs / 1000))} orders/s`);
    printBatchBreakdown(batchTxs, stagingMs);
    console.log(`  finalize (finalizeRun "bulk" + run completion, one transaction): ${secs(finalizeMs)}`);
    for (const s of finalizeTx.statements) if (s.ms >= 5) console.log(`      ${secs(s.ms).padStart(9)}  ${s.label}`);
    console.log(`  total    ${secs(totalMs)} = ${fmt(ordersPerS)} orders/s, ${fmt(lines / (totalMs / 1000))} lines/s`
      + (e === "postgres" ? `   [target ≥ ${fmt(TARGET_ORDERS_PER_S)} orders/s on Postgres: ${ordersPerS >= TARGET_ORDERS_PER_S ? "met" : "MISSED"}]` : ""));
    // Where the cores went: the app's process (parsing, classifying, encoding; PGlite's
    // database too) and, on PostgreSQL, the server's processes (every database on it: run
    // the bench on an otherwise idle machine). Includes the staged rows' cleanup.
    const wallS = (t1 - t0) / 1000;
    const cores = availableParallelism();
    const appS = (appCpu.user + appCpu.system) / 1e6;
    const pgS = e === "postgres" && cpuBefore.postgres !== null && postgresAfter !== null ? postgresAfter - cpuBefore.postgres : null;
    console.log(`  CPU over the ${secs(t1 - t0)} (cleanup included): app process ${fmt(appS, 1)} s (${fmt((100 * appS) / wallS)}% of a core; user ${fmt(appCpu.user / 1e6, 1)} s)`
      + (pgS === null ? "" : `, PostgreSQL server ${fmt(pgS, 1)} s (${fmt((100 * pgS) / wallS)}% of a core); both ${fmt((100 * (appS + pgS)) / (cores * wallS))}% of the machine's ${cores} cores`));
    console.log(`  peak RSS (sampled every 100 ms, worker thread) during the ingest: ${mb(peak)}   [target < 300 MB: ${peak < TARGET_RSS ? "met" : "MISSED"}]`);
    console.log(`  process.resourceUsage().maxRSS (whole child process): ${mb(peakMax)}   [target < 300 MB: ${peakMax < TARGET_RSS ? "met" : "MISSED"}]`);
    console.log(`      of which, at most: V8 heap ${mb(heapPeak.heapTotal)} (used ${mb(heapPeak.heapUsed)}), external ${mb(heapPeak.external)} (array buffers ${mb(heapPeak.arrayBuffers)})`
      + ` [main-thread samples; blind while PGlite holds the thread]; the sampler's worker thread itself added ${mb(samplerCost)}`);
    console.log(`  then, after the run completed: staged rows discarded (sync.bulk.discard, 50,000-row transactions): ${fmt(result.discarded)} rows in ${secs(result.discardMs)}`);
    console.log(`  counts: orders ${fmt(c.orders!)}, sales ${fmt(c.sales!)}, daily_rollups ${fmt(c.rollups!)} rows over ${fmt(c.days!)} days, `
      + `daily_orders ${fmt(c.dailyOrders!)} rows, staged rows left ${fmt(c.staged!)}; sales costed at_sale ${fmt(c.atSale!)}, backfill_current ${fmt(c.backfill!)}`);
    if (e === "postgres") await copyReference(opened, file, lines, totalMs);
  } finally {
    await database.close();
    await cleanup();
    await sampler.stop();
  }
}

function printBatchBreakdown(batches: TxRecord[], stagingMs: number) {
  // Batch transactions overlap on PostgreSQL (two write at once, app/sync/bulk.server.ts):
  // their summed time is printed with the wall-clock time at least one was open.
  const txMs = batches.reduce((s, r) => s + (r.end - r.start), 0);
  let openMs = 0;
  let reach = -Infinity;
  for (const r of [...batches].sort((a, b) => a.start - b.start)) {
    if (r.end <= reach) continue;
    openMs += r.end - Math.max(r.start, reach);
    reach = r.end;
  }
  const stmts = byLabel(batches);
  const stmtMs = stmts.reduce((s, t) => s + t.ms, 0);
  console.log(`      ${secs(txMs).padStart(9)}  inside batch transactions (summed; at least one open for ${secs(openMs)} of wall clock), of which:`);
  for (const t of stmts.slice(0, 6)) {
    console.log(`      ${secs(t.ms).padStart(9)}    ${fmt(t.count)}× ${t.label.slice(0, 90)}`);
  }
  console.log(`      ${secs(txMs - stmtMs).padStart(9)}    in the transactions outside timed statements: begin, commit, the ledger lock's and the shop's reads, waiting for the batch before to commit`);
  console.log(`      ${secs(stagingMs - openMs).padStart(9)}  with no batch transaction open: download, line splitting, parsing the first batch`);
}

/**
 * The physical reference: the same file, one row per line, COPYed into an
 * unindexed, unconstrained table over the same connection (CSV with quote and
 * delimiter bytes that JSON text never contains, so the bytes go in untouched).
 */
async function copyReference(database: { db: unknown }, file: string, lines: number, oursMs: number) {
  const { pipeline } = await import("node:stream/promises");
  const client = (database.db as { $client: Sql }).$client;
  await client.unsafe("create table bench_copy_reference (line text)");
  try {
    const started = performance.now();
    const writable = await client.unsafe("copy bench_copy_reference (line) from stdin (format csv, quote e'\\x01', delimiter e'\\x02')").writable();
    await pipeline(createReadStream(file), writable);
    const ms = performance.now() - started;
    const [row] = await client.unsafe<{ n: number }[]>("select count(*)::int as n from bench_copy_reference");
    console.log(`  reference: PostgreSQL COPY of the same ${fmt(lines)} lines into an unindexed table: ${fmt(row!.n)} rows in ${secs(ms)}`
      + ` = ${fmt(lines / (ms / 1000))} rows/s; ours/COPY = ${fmt(oursMs / ms, 2)}×`);
  } finally {
    await client.unsafe("drop table bench_copy_reference");
  }
}
