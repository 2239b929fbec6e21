import { createWriteStream, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeOrdersJsonl } from "../mocks/shopify/bulk";
import { catalogFor, generateOrders } from "../mocks/shopify/seed";
import { datasetOptions, installShop, serveFile } from "./ingest-path";
import { benchEnv, cliArgs, freshPostgres, statementLabel } from "./support";
benchEnv();
const args = cliArgs();
const N = Number(args.get("orders") ?? 3000);
const { openDatabase, setDatabase, queryRows } = await import("~/db/client.server");
const { withShop } = await import("~/db/tenant.server");
const { streamJsonl } = await import("~/sync/jsonl.server");
const { StagedBatch } = await import("~/sync/stage.server");
const { finalizeRun } = await import("~/sync/ledger.server");
const { sql } = await import("drizzle-orm");
const file = path.join(mkdtempSync(path.join(tmpdir(), "scratch-")), "o.jsonl");
const opts = datasetOptions(N);
const out = createWriteStream(file);
await writeOrdersJsonl(generateOrders(opts), catalogFor(opts), "USD", out);
await new Promise((r) => out.end(r));
const engine = args.get("engine") ?? "postgres";
let db; let pg: Awaited<ReturnType<typeof freshPostgres>> | undefined;
if (engine === "postgres") { pg = await freshPostgres(); db = await openDatabase({ url: pg.appUrl, migrate: false }); }
else db = await openDatabase({ url: "pglite://memory" });
setDatabase(db);
const shop = "bench-x.myshopify.com";
await installShop(shop, catalogFor(opts));
const served = await serveFile(file);
await streamJsonl(served.url, { skip: 0, batchSize: 5000, onBatch: (lines) => withShop(shop, async (tx) => { const b = new StagedBatch(); for (const l of lines) b.addBulkLine(l); await b.write(tx, shop, "run1"); }) });
await served.close();
if (args.get("analyze") === "owner") { const t = performance.now(); await db.db.execute(sql`analyze staged_orders, staged_agreements, staged_sales`); console.log("analyze as owner", (performance.now() - t).toFixed(0), "ms"); }
if (args.get("analyze") === "tenant") { await withShop(shop, (tx) => tx.execute(sql`analyze staged_orders, staged_agreements, staged_sales`)); const r = await queryRows(db.db, sql`select relname, reltuples from pg_class where relname like 'staged_%'`); console.log(r); }
const explain = args.get("explain") === "true";
const match = (args.get("match") ?? "insert into orders,with written,update orders,insert into daily_rollups,update sales").split(",");
await withShop(shop, async (tx) => {
  const exec = tx.execute.bind(tx);
  (tx as any).execute = async (q: any) => {
    const label = statementLabel(q);
    if (args.get("rewrite") === "true" && label.startsWith("insert into orders as o")) {
      q = sql`
    insert into orders as o (shop_id, order_id, created_at, placed_at, cancelled_at, test, currency_code, source_updated_at)
    select so.shop_id, so.order_id, so.created_at, coalesce(fa.placed_at, so.processed_at, so.created_at),
      so.cancelled_at, so.test, so.currency_code, so.source_updated_at
    from staged_orders so join applied_orders a on a.order_id = so.order_id
    left join (select sa.order_id, min(sa.happened_at) as placed_at from staged_agreements sa
               where sa.shop_id = ${shop} and sa.run_id = ${"run1"} and sa.reason = 'ORDER' group by sa.order_id) fa on fa.order_id = so.order_id
    where so.shop_id = ${shop} and so.run_id = ${"run1"}
    on conflict (shop_id, order_id) do update set
      created_at = excluded.created_at, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
      test = excluded.test, currency_code = excluded.currency_code, source_updated_at = excluded.source_updated_at`;
    }
    if (args.get("nestloop") === "off" && label.startsWith("create temp table")) await exec(sql`set local enable_nestloop = off`);
    if (args.get("analyze") === "inside" && label.startsWith("create temp table")) { const t = performance.now(); await exec(sql`reset role`); await exec(sql`analyze staged_orders, staged_agreements, staged_sales`); await exec(sql`set local role app_tenant`); console.log("analyze inside", (performance.now() - t).toFixed(0)); }
    if (!explain) { const t0 = performance.now(); const r = await exec(q); console.log(`${(performance.now() - t0).toFixed(0).padStart(7)} ms  ${label}`); return r; }
    if (match.some((m) => label.includes(m))) {
      const t0 = performance.now();
      const rows = await queryRows<{ "QUERY PLAN": string }>({ execute: exec } as any, sql`explain (analyze, costs, buffers) ${q}`);
      console.log(`\n--- ${label} (${(performance.now() - t0).toFixed(0)} ms)\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
      return [{ count: 0 }];
    }
    return exec(q);
  };
  await finalizeRun(tx, shop, "run1", "America/New_York", { rebuildAll: true });
});
await db.close();
await pg?.drop();
