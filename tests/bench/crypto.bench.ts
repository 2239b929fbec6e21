/**
 * Token sealing throughput and session load latency. A plain script, not a test:
 * it prints figures and asserts nothing.
 *
 *   npm run bench:crypto            (env: BENCH_ITERATIONS, BENCH_LOADS)
 *
 * App modules read process.env at import, so the test environment is set first and
 * every app module is imported dynamically afterwards.
 */
import { randomBytes } from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";

import { testEnv } from "../setup/test-env";

for (const [key, value] of Object.entries(testEnv)) process.env[key] ??= value;
process.env.LOG_LEVEL = "silent";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200_000);
const LOADS = Number(process.env.BENCH_LOADS ?? 2_000);
const WARMUP = 2_000;

const { createKeyProvider, openWith, sealWith } = await import("~/security/keyring.server");
const { openDatabase, setDatabase } = await import("~/db/client.server");
const { createSessionStorage, tokenContext } = await import("~/security/session-storage.server");
const { Session } = await import("@shopify/shopify-app-remix/server");

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

console.log(`node ${process.version} · ${os.cpus()[0]?.model ?? "unknown cpu"} · ${os.cpus().length} cpus`);

// --- seal / open -----------------------------------------------------------------
const keys = JSON.parse(testEnv.TOKEN_KEYS!) as Record<string, string>;
const provider = createKeyProvider(keys, testEnv.TOKEN_PRIMARY_KID!);
const shop = "bench-shop.myshopify.com";
const ctx = tokenContext(shop, `offline_${shop}`, "access_token");
const token = `shpat_${randomBytes(16).toString("hex")}`; // 38 chars, like an offline token

for (let i = 0; i < WARMUP; i++) openWith(provider, sealWith(provider, token, ctx), ctx);

const sealedValues = new Array<string>(ITERATIONS);
let start = performance.now();
for (let i = 0; i < ITERATIONS; i++) sealedValues[i] = sealWith(provider, token, ctx);
const sealMs = performance.now() - start;

let opened = 0;
start = performance.now();
for (let i = 0; i < ITERATIONS; i++) opened += openWith(provider, sealedValues[i]!, ctx).length;
const openMs = performance.now() - start;
if (opened !== ITERATIONS * token.length) console.warn("open returned unexpected lengths");

console.log(`\nseal/open, ${token.length}-char token, ${fmt(ITERATIONS)} iterations each`);
console.log(`  seal  ${fmt((ITERATIONS / sealMs) * 1000).padStart(10)} ops/s   ${fmt((sealMs * 1000) / ITERATIONS, 2)} µs/op`);
console.log(`  open  ${fmt((ITERATIONS / openMs) * 1000).padStart(10)} ops/s   ${fmt((openMs * 1000) / ITERATIONS, 2)} µs/op`);
console.log(`  sealed value: ${sealedValues[0]!.length} chars`);

// --- session load through the storage, on in-memory PGlite ---------------------------
start = performance.now();
const database = await openDatabase({ url: "pglite://memory" });
console.log(`\nPGlite in memory opened and migrated in ${fmt(performance.now() - start)} ms`);
setDatabase(database);

const storage = createSessionStorage();
const session = new Session({
  id: `offline_${shop}`,
  shop,
  state: "bench",
  isOnline: false,
  scope: "read_orders,read_products",
  expires: new Date(Date.now() + 3_600_000),
  accessToken: token,
  refreshToken: `shprt_${randomBytes(16).toString("hex")}`,
  refreshTokenExpires: new Date(Date.now() + 30 * 86_400_000),
});
await storage.storeSession(session);

for (let i = 0; i < 100; i++) await storage.loadSession(session.id);

const latencies = new Array<number>(LOADS);
let mismatches = 0;
for (let i = 0; i < LOADS; i++) {
  const t0 = performance.now();
  const loaded = await storage.loadSession(session.id);
  latencies[i] = performance.now() - t0;
  if (loaded?.accessToken !== token) mismatches++;
}
latencies.sort((a, b) => a - b);
const mean = latencies.reduce((a, b) => a + b, 0) / LOADS;

console.log(`loadSession (select + open 2 tokens), ${fmt(LOADS)} loads`);
console.log(`  p50 ${fmt(percentile(latencies, 50) * 1000)} µs   p95 ${fmt(percentile(latencies, 95) * 1000)} µs   `
  + `p99 ${fmt(percentile(latencies, 99) * 1000)} µs   mean ${fmt(mean * 1000)} µs   max ${fmt(latencies.at(-1)! * 1000)} µs`);
if (mismatches > 0) console.warn(`  ${mismatches} loads did not return the stored token`);

await database.close();
