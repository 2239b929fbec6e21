/**
 * The dashboard at scale, and what it sends to the browser. A plain script, not a
 * test: it prints figures (and the targets beside them) and asserts nothing.
 *
 *   npm run bench:reports [-- --orders 1000000] [--runs 50] [--warmup 5] [--naive-runs 10] [--loads 5]
 *                         [--db-url postgres://…  (an app URL already loaded by --keep-db)]
 *                         [--pglite-orders 100000] [--skip-pglite] [--skip-postgres]
 *                         [--keep-db] [--skip-db] [--skip-js] [--skip-browser] [--in-place]
 *
 * 1. Loads N orders (~2 years, 200 products) into a fresh PostgreSQL database
 *    through the app's real ingest (ingest-path.ts, with the finalizeRun fix the
 *    ingest bench describes: as the app has it, a million orders would not finish).
 * 2. Times loadDashboard (the report part of loadDashboardPage, which app/routes/app._index.tsx's loader calls for the
 *    KPIs, the series and the top products), in this process, for 7/30/90/365/1,825-day
 *    ranges with the comparison on, sorted by net sales and by gross profit, beside a
 *    naive scan that sums the same components (period and comparison) straight from
 *    `sales` (joined to `orders`, grouped by local day), and the ratio. Twice: as
 *    loaded (the server runs with autovacuum off, so no table has statistics) and
 *    after ANALYZE (as the owning login: production's autovacuum would have run it).
 *    Then the same timings on PGlite (the embedded database) at --pglite-orders.
 * 3. The dashboard's JavaScript: `remix build`, then gzip sizes from the manifest.
 *    The build runs in a throwaway copy of the working tree (app/, public/, the
 *    simulator, drizzle/, configs; node_modules linked), so concurrent builds and
 *    test runs in the repository are neither disturbed nor disturbing.
 *    `--in-place` builds in the repository instead.
 * 4. LCP and CLS of the demo dashboard in headless Chromium: the demo server
 *    started as tests/setup/global-e2e.ts starts it (from that same build), the
 *    simulated admin opened, and PerformanceObserver read inside the app iframe
 *    once the KPI cards are visible.
 */
import { spawnSync } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";

import { chromium } from "playwright-core";

import type { Components } from "~/reports/metrics";

import { startDemoProcess } from "../demo-process";
import { writeOrdersJsonl } from "../mocks/shopify/bulk";
import { catalogFor, generateOrders } from "../mocks/shopify/seed";

import { BENCH_CURRENCY, BENCH_TZ, datasetOptions, ingestFile, installShop } from "./ingest-path";
import { benchEnv, byLabel, cliArgs, fmt, freshPostgres, instrument, machine, mb, percentile, secs } from "./support";

// The demo server must get the environment this script was started with, not the test one.
const launchEnv = { ...process.env };
benchEnv();

const args = cliArgs();
const ROOT = process.cwd();
const SHOP = "bench-reports.myshopify.com";
const ORDERS = Number(args.get("orders") ?? 1_000_000);
const RUNS = Number(args.get("runs") ?? 50);
const WARMUP = Number(args.get("warmup") ?? 5);
const LOADS = Number(args.get("loads") ?? 5);
/** The naive scan reads up to years of sales per run: fewer runs, same percentiles. */
const NAIVE_RUNS = Number(args.get("naive-runs") ?? 10);
const NAIVE_WARMUP = Number(args.get("naive-warmup") ?? 1);
const PGLITE_ORDERS = Number(args.get("pglite-orders") ?? 100_000);
const TARGET_P95_MS = 50;
/** The ranges the date picker offers, up to its 5-year limit. */
const RANGES = [7, 30, 90, 365, 1825];
/** A normal Chrome's user agent: HeadlessChrome is answered 410 by Shopify's bot filter. */
const MERCHANT_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/**
 * Runs inside the app iframe. A string, not a function: tsx's transform would add
 * helpers (__name) that do not exist in the page.
 */
const OBSERVE_VITALS = `new Promise((resolve) => {
  let lcp = { startTime: NaN, element: "none" };
  const shifts = [];
  const describe = (el) => {
    if (!el) return "(element since removed)";
    const text = (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40);
    const cls = typeof el.className === "string" && el.className ? " class=\\"" + el.className.split(" ")[0] + "…\\"" : "";
    return "<" + el.tagName.toLowerCase() + cls + ">" + text;
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) lcp = { startTime: e.startTime, element: describe(e.element) };
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) shifts.push({ value: e.value, startTime: e.startTime, hadRecentInput: e.hadRecentInput });
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => resolve({ lcp: lcp.startTime, element: lcp.element, shifts }), 200);
})`;

console.log(machine());
if (args.get("skip-db") !== "true" && args.get("skip-postgres") !== "true") await databaseSection();
if (args.get("skip-db") !== "true" && args.get("skip-pglite") !== "true") await pgliteSection();
let buildRoot: string | undefined;
try {
  if (args.get("skip-js") !== "true" || args.get("skip-browser") !== "true") buildRoot = buildApp();
  if (args.get("skip-js") !== "true") jsSizes(buildRoot!);
  if (args.get("skip-browser") !== "true") await webVitals(buildRoot!);
} finally {
  if (buildRoot && buildRoot !== ROOT) rmSync(buildRoot, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// 1 + 2: the data and the dashboard's queries

async function databaseSection() {
  const { openDatabase, setDatabase, queryRows } = await import("~/db/client.server");
  const { sql } = await import("drizzle-orm");

  let appUrl = args.get("db-url");
  let drop: (() => Promise<void>) | undefined;
  if (!appUrl) {
    const pg = await freshPostgres();
    appUrl = pg.appUrl;
    drop = pg.drop;
    console.log(`\n== Loading ${fmt(ORDERS)} orders into a fresh PostgreSQL database (${new URL(appUrl).pathname.slice(1)}) through ingestBulkResult`);
    const loader = await openDatabase({ url: appUrl, migrate: false, maxConnections: 4 });
    setDatabase(loader);
    const dir = mkdtempSync(path.join(tmpdir(), "margin-notes-bench-reports-"));
    try {
      const options = datasetOptions(ORDERS);
      const file = path.join(dir, "orders.jsonl");
      let started = performance.now();
      const out = createWriteStream(file);
      const written = await writeOrdersJsonl(generateOrders(options), catalogFor(options), options.currencyCode, out);
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
      console.log(`  JSONL: ${fmt(written.lines)} lines, ${mb(statSync(file).size)}, generated in ${secs(performance.now() - started)}`);
      await installShop(SHOP, catalogFor(options));
      started = performance.now();
      await ingestFile(SHOP, file, written.lines);
      console.log(`  ingested (ingestBulkResult, as shipped) in ${secs(performance.now() - started)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await loader.close();
    }
  } else {
    console.log(`\n== Reusing ${appUrl.replace(/\/\/[^@]*@/, "//…@")}`);
  }

  // A handle of its own for the measurements: no statement timing in the way.
  const database = await openDatabase({ url: appUrl, migrate: false, maxConnections: 4 });
  setDatabase(database);
  try {
    const { withShop } = await import("~/db/tenant.server");
    const [shape] = await withShop(SHOP, (tx) => queryRows<{ orders: number; sales: number; rollups: number; products: number; first: string; last: string }>(tx, sql`
      select (select count(*) from orders)::int as orders, (select count(*) from sales)::int as sales,
        (select count(*) from daily_rollups)::int as rollups, (select count(distinct product_id) from daily_rollups where product_id <> 0)::int as products,
        (select min(day)::text from daily_rollups) as first, (select max(day)::text from daily_rollups) as last`));
    if (!shape || shape.orders === 0) throw new Error(`no data for ${SHOP} in that database`);
    console.log(`  data: ${fmt(shape.orders)} orders, ${fmt(shape.sales)} sales, ${fmt(shape.rollups)} daily_rollups rows, ${shape.products} products sold, days ${shape.first} … ${shape.last}`);

    await timeDashboard(shape.last, "as loaded: no statistics on any table (this server runs with autovacuum off)");
    // ANALYZE needs the tables' owner: the app login, outside withShop.
    const started = performance.now();
    await database.db.execute(sql`analyze`);
    console.log(`\n  ANALYZE (as the owning app login) took ${secs(performance.now() - started)}`);
    await timeDashboard(shape.last, "after ANALYZE");
    await dashboardBreakdown(appUrl, shape.last);
    setDatabase(database);
  } finally {
    await database.close();
    if (drop && args.get("keep-db") !== "true") await drop();
    else if (drop) console.log(`  database kept: --db-url ${appUrl}`);
  }
}

/**
 * The embedded database (`npm run demo`, a store without PostgreSQL): PGLITE_ORDERS
 * orders loaded the same way into a fresh PGlite data dir (superuser: ANALYZE runs
 * as it), timed after ANALYZE. One connection in this process: the figures include
 * the database's own CPU time on this thread.
 */
async function pgliteSection() {
  const { openDatabase, setDatabase, queryRows } = await import("~/db/client.server");
  const { withShop } = await import("~/db/tenant.server");
  const { sql } = await import("drizzle-orm");
  const dir = mkdtempSync(path.join(tmpdir(), "margin-notes-bench-reports-pglite-"));
  console.log(`\n== PGlite: loading ${fmt(PGLITE_ORDERS)} orders into a fresh data dir (${dir}) through ingestBulkResult`);
  const database = await openDatabase({ url: `pglite://${path.join(dir, "db")}` });
  setDatabase(database);
  try {
    const options = datasetOptions(PGLITE_ORDERS);
    const file = path.join(dir, "orders.jsonl");
    const out = createWriteStream(file);
    const written = await writeOrdersJsonl(generateOrders(options), catalogFor(options), options.currencyCode, out);
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    await installShop(SHOP, catalogFor(options));
    const started = performance.now();
    await ingestFile(SHOP, file, written.lines);
    console.log(`  ingested in ${secs(performance.now() - started)}`);
    const [shape] = await withShop(SHOP, (tx) => queryRows<{ orders: number; last: string }>(tx, sql`
      select (select count(*) from orders)::int as orders, (select max(day)::text from daily_rollups) as last`));
    await database.db.execute(sql`analyze`);
    await timeDashboard(shape!.last, `PGlite, ${fmt(shape!.orders)} orders, after ANALYZE`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeDashboard(lastDay: string, label: string) {
  const { loadDashboard } = await import("~/reports/dashboard.server");
  const { syncStatus } = await import("~/sync/bulk.server");
  const { rangeFromParams } = await import("~/reports/params.server");
  const { addDays } = await import("~/reports/period");
  const { computeMetrics, sumComponents } = await import("~/reports/metrics");
  const byNet = { column: "netSales", direction: "desc" } as const;
  const byProfit = { column: "grossProfit", direction: "desc" } as const;

  console.log(`\n== Dashboard data, ${label}: ${WARMUP} warm-up + ${RUNS} runs each (naive: ${NAIVE_WARMUP} + ${NAIVE_RUNS}), ms; compare: previous period`);
  console.log(`  ${"range".padEnd(10)} ${"net sales sort p50 / p95".padStart(25)} ${"gross profit sort p50 / p95".padStart(28)} ${"loader (+ syncStatus)".padStart(22)} `
    + `${"naive scan p50 / p95".padStart(22)} ${"naive ÷ dashboard".padStart(18)}   net sales (dashboard = naive)`);
  for (const days of RANGES) {
    const params = new URLSearchParams({ from: addDays(lastDay, -(days - 1)), to: lastDay });
    const range = rangeFromParams(params, BENCH_TZ);
    const net = await timeIt(() => loadDashboard(SHOP, range, BENCH_CURRENCY, byNet));
    const profit = await timeIt(() => loadDashboard(SHOP, range, BENCH_CURRENCY, byProfit));
    const loader = await timeIt(async () => {
      await syncStatus(SHOP);
      return loadDashboard(SHOP, range, BENCH_CURRENCY, byNet);
    });
    // The naive scan reads what the dashboard shows: the period and its comparison, from sales.
    const naive = await timeIt(() => naiveTotals(range.period, range.compare), NAIVE_WARMUP, NAIVE_RUNS);
    // The dashboard shows the period from the first held day (a 5-year range on a
    // 2-year history): the naive figure is over the same days.
    const shown = net.result.report.range.period;
    const naiveNet = computeMetrics(sumComponents(naive.result.filter((d) => d.day >= shown.from && d.day <= shown.to))).netSales;
    const dashNet = net.result.report.current.netSales;
    const worst = Math.max(net.p95, profit.p95);
    const target = `[p95 < ${TARGET_P95_MS} ms: ${worst < TARGET_P95_MS ? "met" : "MISSED"}]`;
    const clamped = net.result.report.requestedFrom ? ` (shown from ${shown.from}, the first held day)` : "";
    console.log(`  ${`${days} days`.padEnd(10)} ${`${fmt(net.p50, 1)} / ${fmt(net.p95, 1)}`.padStart(25)} ${`${fmt(profit.p50, 1)} / ${fmt(profit.p95, 1)}`.padStart(28)} `
      + `${`${fmt(loader.p50, 1)} / ${fmt(loader.p95, 1)}`.padStart(22)} ${`${fmt(naive.p50, 1)} / ${fmt(naive.p95, 1)}`.padStart(22)} `
      + `${`${fmt(naive.p50 / Math.max(net.p50, profit.p50), 0)}×`.padStart(18)}   ${dashNet} ${dashNet === naiveNet ? "=" : "≠"} ${naiveNet}   ${target}${clamped}`);
  }
}

/** Where loadDashboard's time goes: each statement's mean, and the rest (JS: metrics, series, the driver). */
async function dashboardBreakdown(appUrl: string, lastDay: string) {
  const { openDatabase, setDatabase } = await import("~/db/client.server");
  const { loadDashboard } = await import("~/reports/dashboard.server");
  const { rangeFromParams } = await import("~/reports/params.server");
  const { addDays } = await import("~/reports/period");
  const { DEFAULT_PRODUCT_SORT } = await import("~/reports/product-sort");
  const probe = instrument(await openDatabase({ url: appUrl, migrate: false, maxConnections: 1 }));
  setDatabase(probe.database);
  const runs = Math.max(10, Math.floor(RUNS / 2));
  console.log(`\n== Where loadDashboard's time goes (after ANALYZE; mean of ${runs} runs; statements timed from the client, so they include the round trip)`);
  try {
    for (const days of RANGES) {
      const range = rangeFromParams(new URLSearchParams({ from: addDays(lastDay, -(days - 1)), to: lastDay }), BENCH_TZ);
      for (let i = 0; i < WARMUP; i++) await loadDashboard(SHOP, range, BENCH_CURRENCY, DEFAULT_PRODUCT_SORT);
      probe.transactions.length = 0;
      const t0 = performance.now();
      for (let i = 0; i < runs; i++) await loadDashboard(SHOP, range, BENCH_CURRENCY, DEFAULT_PRODUCT_SORT);
      const wall = (performance.now() - t0) / runs;
      const stmts = byLabel(probe.transactions);
      const sqlMs = stmts.reduce((sum, t) => sum + t.ms, 0) / runs;
      console.log(`  ${days} days: ${fmt(wall, 1)} ms per call = ${fmt(sqlMs, 1)} ms in ${fmt(stmts.reduce((n, t) => n + t.count, 0) / runs)} statements + ${fmt(wall - sqlMs, 1)} ms JS (metrics per day, series, row decoding) and transaction`);
      for (const t of stmts.slice(0, 5)) console.log(`      ${fmt(t.ms / runs, 1).padStart(7)} ms  ${fmt(t.count / runs)}×  ${t.label.slice(0, 100)}`);
    }
  } finally {
    await probe.database.close();
  }
}

async function timeIt<T>(fn: () => Promise<T>, warmup = WARMUP, runs = RUNS): Promise<{ p50: number; p95: number; result: T }> {
  let result!: T;
  for (let i = 0; i < warmup; i++) result = await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), result };
}

/**
 * The components per local day of the period and of its comparison, straight from
 * the ledger: what the rollups hold, recomputed (one scan from the earliest to the
 * latest day of the two, as a report without rollups would read them).
 */
async function naiveTotals(period: { from: string; to: string }, compare: { from: string; to: string } | null) {
  const { queryRows } = await import("~/db/client.server");
  const { withShop } = await import("~/db/tenant.server");
  const { sql } = await import("drizzle-orm");
  const bounds = [period, ...(compare ? [compare] : [])];
  const inRange = (column: string) => sql.join(bounds.map((p) => sql`(${sql.raw(column)} >= (${p.from}::date)::timestamp at time zone ${BENCH_TZ}
    and ${sql.raw(column)} < (${p.to}::date + 1)::timestamp at time zone ${BENCH_TZ})`), sql` or `);
  return withShop(SHOP, async (tx) => {
    const days = await queryRows<Record<string, string | number> & { day: string }>(tx, sql`
      select (s.happened_at at time zone ${BENCH_TZ})::date::text as day,
        coalesce(sum(s.gross_sales), 0)::text as "grossSales", coalesce(sum(s.discounts), 0)::text as "discounts",
        coalesce(sum(s.returns), 0)::text as "returns", coalesce(sum(s.shipping), 0)::text as "shipping",
        coalesce(sum(s.duties), 0)::text as "duties", coalesce(sum(s.fees), 0)::text as "fees",
        coalesce(sum(s.taxes), 0)::text as "taxes", coalesce(sum(s.tips), 0)::text as "tips",
        coalesce(sum(s.cogs), 0)::text as "cogs",
        coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cogs is not null), 0)::text as "netSalesWithCost",
        coalesce(sum(s.gross_sales + s.discounts + s.returns) filter (where s.cost_source = 'backfill_current'), 0)::text as "costedFromBackfill",
        coalesce(sum(s.units), 0)::int as "units"
      from sales s join orders o on o.shop_id = s.shop_id and o.order_id = s.order_id
      where s.shop_id = ${SHOP} and not o.test and (${inRange("s.happened_at")})
      group by 1`);
    const orders = await queryRows<Record<string, string | number> & { day: string }>(tx, sql`
      select (o.placed_at at time zone ${BENCH_TZ})::date::text as day, count(*)::int as orders,
        coalesce(sum(o.original_net_product), 0)::text as "originalNetProduct"
      from orders o
      where o.shop_id = ${SHOP} and not o.test and (${inRange("o.placed_at")})
      group by 1`);
    return [...days, ...orders] as Array<Partial<Components> & { day: string }>;
  });
}

// ---------------------------------------------------------------------------
// 3: the dashboard's JavaScript

function buildApp(): string {
  let root = ROOT;
  if (args.get("in-place") !== "true") {
    root = mkdtempSync(path.join(tmpdir(), "margin-notes-bench-build-"));
    const skip = new Set(["public/build", "tests/artifacts"].map((p) => path.join(ROOT, p)));
    for (const entry of ["app", "public", "drizzle", "tests/mocks", "server.ts", "remix.config.js", "remix.env.d.ts", "tsconfig.json", "package.json"]) {
      if (!existsSync(path.join(ROOT, entry))) continue;
      cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true, filter: (src) => !skip.has(src) });
    }
    symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
  }
  console.log(`\n== npx remix build (in ${root === ROOT ? "the repository" : `a copy of the working tree: ${root}`})`);
  const started = performance.now();
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/remix"), ["build"], { cwd: root, encoding: "utf8", env: { ...launchEnv, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error(`remix build failed:\n${result.stdout}\n${result.stderr}`);
  console.log(`  built in ${secs(performance.now() - started)}`);
  return root;
}

interface Manifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[]; parentId?: string }>;
}

function jsSizes(root: string) {
  const buildDir = path.join(root, "public/build");
  const manifests = readdirSync(buildDir).filter((f) => /^manifest-.*\.js$/.test(f))
    .map((f) => ({ f, at: statSync(path.join(buildDir, f)).mtimeMs })).sort((a, b) => b.at - a.at);
  const manifestFile = manifests[0]!.f;
  const text = readFileSync(path.join(buildDir, manifestFile), "utf8");
  const manifest = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as Manifest;
  const file = (url: string) => path.join(root, "public", url);
  const raw = (url: string) => statSync(file(url)).size;
  const gz = (url: string) => gzipSync(readFileSync(file(url))).length;
  const staticImports = (url: string) => [...readFileSync(file(url), "utf8").matchAll(/(?:from|import)\s*"(\/build\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const dynamicImports = (url: string) => [...readFileSync(file(url), "utf8").matchAll(/import\(\s*"(\/build\/[^"]+\.js)"\s*\)/g)].map((m) => m[1]!);
  const closure = (urls: string[]) => {
    const seen = new Set<string>();
    const visit = (u: string) => {
      if (seen.has(u)) return;
      seen.add(u);
      for (const i of staticImports(u)) visit(i);
    };
    urls.forEach(visit);
    return seen;
  };
  const total = (urls: Iterable<string>) => {
    let r = 0;
    let g = 0;
    for (const u of urls) {
      r += raw(u);
      g += gz(u);
    }
    return { r, g };
  };
  const line = (label: string, urls: Iterable<string>) => {
    const t = total(urls);
    console.log(`  ${label.padEnd(64)} ${`${fmt(t.g / 1024, 1)} kB gz`.padStart(12)}  (${fmt(t.r / 1024, 1)} kB raw)`);
  };

  const route = manifest.routes["routes/app._index"]!;
  const root_ = manifest.routes.root!;
  const parent = manifest.routes[route.parentId ?? "routes/app"];
  console.log(`\n== Dashboard JavaScript (${manifestFile}; gzip level 6, per file)`);
  line(`route routes/app._index: ${path.basename(route.module)}`, [route.module]);
  line(`  + the shared chunks its manifest entry imports (${route.imports?.length ?? 0})`, route.imports ?? []);
  line(`entry: ${path.basename(manifest.entry.module)} + its imports (${manifest.entry.imports?.length ?? 0})`, [manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  line(`root: ${path.basename(root_.module)}`, [root_.module, ...(root_.imports ?? [])]);
  const asked = new Set([route.module, ...(route.imports ?? []), manifest.entry.module, ...(manifest.entry.imports ?? []), root_.module, ...(root_.imports ?? [])]);
  line("= route + its imports + entry + root (distinct files)", asked);
  if (parent) {
    const withParent = new Set([...asked, parent.module, ...(parent.imports ?? [])]);
    line(`  also loaded for /app: parent route ${parent.module.split("/").pop()} + imports → total`, withParent);
  }
  const everything = closure([...asked, ...(parent ? [parent.module] : [])]);
  const unlisted = [...everything].filter((u) => !asked.has(u) && !(parent && [parent.module, ...(parent.imports ?? [])].includes(u)));
  if (unlisted.length) line(`  static imports the manifest does not list (${unlisted.length}), fetched on demand`, unlisted);
  line("  everything the first dashboard load needs (static import closure)", everything);

  const lazy = [...new Set([...everything].flatMap(dynamicImports))];
  for (const chunk of lazy) {
    const extra = [...closure([chunk])].filter((u) => !everything.has(u));
    line(`lazy chunk ${path.basename(chunk)}${extra.length > 1 ? ` (+ ${extra.length - 1} chunks only it needs)` : ""}`, extra);
  }
}

// ---------------------------------------------------------------------------
// 4: LCP and CLS in Chromium

async function webVitals(root: string) {
  console.log(`\n== LCP and CLS of the demo dashboard (headless Chromium /usr/bin/chromium, 1280×800, ${LOADS} loads after the first sync)`);
  const demo = await startDemoProcess({ cwd: root, env: launchEnv });
  const { child, adminUrl } = demo;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  }).catch(async (error: unknown) => {
    await demo.stop();
    throw error;
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, userAgent: MERCHANT_UA });
    const app = page.frameLocator("#app-frame");
    const kpis = app.getByText("Net sales").first();

    let started = performance.now();
    await page.goto(adminUrl);
    await kpis.waitFor({ state: "visible", timeout: 180_000 });
    console.log(`  first load (install + first sync of the demo store) showed the KPI cards after ${secs(performance.now() - started)}`);

    // A renderer that crashes (or a demo server that dies) closes the page under a
    // pending wait, which then throws "Target page, context or browser has been
    // closed" and, uncaught, ended the whole script: say why instead, and carry on
    // with the loads that can run.
    let crashed: string | null = null;
    page.on("crash", () => (crashed = "the page's renderer crashed"));
    child.once("exit", (code) => (crashed = `the demo server exited (${code}):\n${demo.output().slice(-2000)}`));
    const results: { lcp: number; cls: number; element: string; visibleAfter: number }[] = [];
    for (let i = 0; i < LOADS && !crashed; i++) {
      try {
        results.push(await measureLoad(i));
      } catch (error) {
        console.log(`  load ${i + 1} failed: ${crashed ?? (error instanceof Error ? error.message.split("\n")[0] : String(error))}`);
        if (page.isClosed()) break;
      }
    }
    if (results.length === 0) {
      console.log("  no load completed: no LCP/CLS figures");
      return;
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(`  median of ${results.length}: LCP ${fmt(median(results.map((r) => r.lcp)))} ms (in the app iframe, from its navigation start)   CLS ${fmt(median(results.map((r) => r.cls)), 4)}`
      + `   [good: LCP ≤ 2,500 ms, CLS ≤ 0.1]`);

    async function measureLoad(i: number) {
      started = performance.now();
      await page.goto(adminUrl);
      await kpis.waitFor({ state: "visible", timeout: 60_000 });
      const visibleAfter = performance.now() - started;
      // Let the lazy chart arrive: its layout shifts (if any) count.
      await page.waitForTimeout(3000);
      const frame = await (await page.waitForSelector("#app-frame")).contentFrame();
      if (!frame) throw new Error("no app frame");
      const vitals = (await frame.evaluate(OBSERVE_VITALS)) as { lcp: number; element: string; shifts: { value: number; startTime: number; hadRecentInput: boolean }[] };
      // CLS as web-vitals defines it: the largest session window (gaps < 1 s, windows ≤ 5 s).
      let cls = 0;
      let windowValue = 0;
      let first = 0;
      let last = 0;
      for (const s of vitals.shifts.filter((x) => !x.hadRecentInput)) {
        if (windowValue > 0 && s.startTime - last < 1000 && s.startTime - first < 5000) windowValue += s.value;
        else {
          windowValue = s.value;
          first = s.startTime;
        }
        last = s.startTime;
        cls = Math.max(cls, windowValue);
      }
      console.log(`  load ${i + 1}: LCP ${fmt(vitals.lcp)} ms (${vitals.element})   CLS ${fmt(cls, 4)} (${vitals.shifts.length} shifts)   KPI cards visible ${fmt(visibleAfter)} ms after goto`);
      return { lcp: vitals.lcp, cls, element: vitals.element, visibleAfter };
    }
  } finally {
    await browser.close();
    await demo.stop();
  }
}
