/**
 * The app's real orders backfill, driven against whatever database is set
 * (setDatabase), for the benchmarks: a shop row (recordInstall), the catalog and
 * its cost history, an offline session, and then `ingestBulkResult` itself over a
 * JSONL file served by a local node:http server (streamed from disk).
 *
 * ingestBulkResult asks Admin GraphQL for the bulk operation's status
 * (BULK_STATUS_QUERY) before it streams: that one request is answered here, by a
 * fetch wrapper that recognises the shop's Admin API URL; every other fetch
 * (the file download included) goes out unchanged.
 *
 * App modules are imported lazily: the caller sets process.env first (benchEnv).
 */
import { randomUUID } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

import { formatDecimal } from "../mocks/shopify/money";
import type { SimProduct } from "../mocks/shopify/store";

import type { StatementHook } from "./support";

export const BENCH_TZ = "America/New_York";
export const BENCH_CURRENCY = "USD";

/** The bench data set: ~2 years of trading across 200 products (plus the gift card). */
export const datasetOptions = (orders: number) => ({
  seed: "margin-notes-bench",
  orders,
  days: 730,
  end: new Date("2026-06-30T20:00:00Z"),
  products: 200,
  timezone: BENCH_TZ,
  currencyCode: BENCH_CURRENCY,
});

/** Serves one file at http://127.0.0.1:<port>/<name>.jsonl, streamed from disk. */
export async function serveFile(file: string): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const size = statSync(file).size;
  const server = createServer((request, response) => {
    if (request.method !== "GET" || !request.url?.startsWith("/bulk/")) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "application/jsonl", "Content-Length": String(size) });
    createReadStream(file).pipe(response);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bulk/orders.jsonl?Expires=0&Signature=bench`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers BULK_STATUS_QUERY for `shop` (a completed operation at `fileUrl`); passes every other fetch through. */
export function answerBulkStatus(shop: string, operationId: string, fileUrl: string, objectCount: number): () => void {
  const realFetch = globalThis.fetch;
  const adminPrefix = `https://${shop}/admin/api/`;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(adminPrefix)) return realFetch(input, init);
    const body = JSON.parse(String(init?.body ?? "{}")) as { query?: string };
    if (!body.query?.includes("MarginNotesBulkStatus")) throw new Error(`bench: unexpected Admin API call: ${body.query?.slice(0, 80)}`);
    return Response.json({
      data: {
        node: {
          id: operationId, status: "COMPLETED", errorCode: null, objectCount: String(objectCount),
          url: fileUrl, partialDataUrl: null, completedAt: new Date().toISOString(),
        },
      },
      extensions: { cost: { requestedQueryCost: 1, actualQueryCost: 1, throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 } } },
    });
  }) as typeof fetch;
  return () => void (globalThis.fetch = realFetch);
}

/**
 * Installs the shop (its row, as afterAuth does), an offline session for Admin
 * API calls, and the catalog: products and variants through CatalogBatch with
 * each item's first cost as the backfill, then every later cost change through
 * recordCostChange (the inventory_items/update path), so sales find the cost in
 * force when they happened.
 */
export async function installShop(shop: string, catalog: readonly SimProduct[]): Promise<{ products: number; variants: number; costRows: number }> {
  const { recordInstall } = await import("~/shops.server");
  const { withShop } = await import("~/db/tenant.server");
  const { CatalogBatch, recordCostChange } = await import("~/sync/catalog.server");
  const { sessionStorage } = await import("~/shopify.server");
  const { Session } = await import("@shopify/shopify-app-remix/server");

  await recordInstall(shop, { name: "Bench Store", myshopifyDomain: shop, currencyCode: BENCH_CURRENCY, ianaTimezone: BENCH_TZ }, "read_orders,read_products");
  await sessionStorage.storeSession(new Session({
    id: `offline_${shop}`, shop, state: "bench", isOnline: false, scope: "read_orders,read_products",
    accessToken: "bench-offline-access", expires: new Date(Date.now() + 86_400_000),
    refreshToken: "bench-offline-refresh", refreshTokenExpires: new Date(Date.now() + 30 * 86_400_000),
  }));

  const legacy = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
  const firstCostAt = catalog.flatMap((p) => p.variants.map((v) => v.inventoryItem.costHistory[0]!.at)).sort()[0]!;
  let costRows = 0;
  await withShop(shop, async (tx) => {
    const batch = new CatalogBatch();
    for (const p of catalog) {
      batch.addBulkLine(JSON.stringify({ id: p.id, title: p.title, updatedAt: p.updatedAt }));
      for (const v of p.variants) {
        const first = v.inventoryItem.costHistory[0]!;
        batch.addBulkLine(JSON.stringify({
          id: v.id, title: v.title, sku: v.sku, __parentId: p.id,
          inventoryItem: { id: v.inventoryItem.id, unitCost: first.cost === null ? null : { amount: formatDecimal(first.cost, BENCH_CURRENCY) } },
        }));
      }
    }
    await batch.write(tx, shop, new Date(firstCostAt));
    costRows += batch.variants.length;
    for (const p of catalog) {
      for (const v of p.variants) {
        for (const change of v.inventoryItem.costHistory.slice(1)) {
          await recordCostChange(tx, shop, {
            id: Number(legacy(v.inventoryItem.id)),
            cost: change.cost === null ? null : formatDecimal(change.cost, BENCH_CURRENCY),
            updated_at: change.at,
          });
          costRows++;
        }
      }
    }
  });
  return { products: catalog.length, variants: catalog.reduce((s, p) => s + p.variants.length, 0), costRows };
}

/**
 * Runs the real `ingestBulkResult` for a new orders run over `file`. Returns the
 * run id; the caller times it (and reads the instrumented transactions).
 */
export async function ingestFile(shop: string, file: string, lines: number): Promise<{ runId: string; lines: number }> {
  const { withShop } = await import("~/db/tenant.server");
  const { syncRuns } = await import("~/db/schema.server");
  const { ingestBulkResult } = await import("~/sync/bulk.server");

  const served = await serveFile(file);
  const operationId = `gid://shopify/BulkOperation/${Date.now()}`;
  const restoreFetch = answerBulkStatus(shop, operationId, served.url, lines);
  const runId = randomUUID();
  await withShop(shop, (tx) => tx.insert(syncRuns).values({ shopId: shop, runId, kind: "orders", status: "running", bulkOperationId: operationId }));
  try {
    const result = await ingestBulkResult(shop, runId);
    return { runId, lines: result.lines };
  } finally {
    restoreFetch();
    await served.close();
  }
}

const dialect = new PgDialect();

/**
 * The proposed fix to finalizeRun, applied statement by statement (a StatementHook
 * for support.ts's instrument()). As the app has it, finalizeRun is quadratic in
 * the run's size on both drivers:
 *  - the staged tables are never ANALYZEd (app_tenant cannot: ANALYZE needs the
 *    owner, and autovacuum is late or off), so the planner takes a 100,000-row
 *    run for one row and joins staged_sales to staged_agreements by nested loop;
 *  - placed_at is a correlated subquery per order over staged_agreements, which
 *    has no index on order_id: every order scans every agreement of the run.
 * The fix: ANALYZE the three staged tables as their owner between staging and
 * finalizing (here in the finalize transaction, with the role reset for the one
 * statement), and compute placed_at with one grouped join. The rewrite applies
 * only while the app's statement still has the correlated subquery.
 */
export const finalizeFix: StatementHook = async (label, query, run) => {
  if (label.startsWith("create temp table if not exists applied_orders")) {
    await run(sql`reset role`);
    await run(sql`analyze staged_orders, staged_agreements, staged_sales`);
    await run(sql`set local role app_tenant`);
    return undefined;
  }
  if (!label.startsWith("insert into orders as o")) return undefined;
  const compiled = dialect.sqlToQuery(query);
  if (!compiled.sql.includes("(select min(sa.happened_at) from staged_agreements sa")) return undefined;
  const [shop, runId] = compiled.params as [string, string];
  return sql`
    insert into orders as o (shop_id, order_id, created_at, placed_at, cancelled_at, test, currency_code, source_updated_at)
    select so.shop_id, so.order_id, so.created_at, coalesce(fa.placed_at, so.processed_at, so.created_at),
      so.cancelled_at, so.test, so.currency_code, so.source_updated_at
    from staged_orders so
    join applied_orders a on a.order_id = so.order_id
    left join (
      select sa.order_id, min(sa.happened_at) as placed_at from staged_agreements sa
      where sa.shop_id = ${shop} and sa.run_id = ${runId} and sa.reason = 'ORDER'
      group by sa.order_id
    ) fa on fa.order_id = so.order_id
    where so.shop_id = ${shop} and so.run_id = ${runId}
    on conflict (shop_id, order_id) do update set
      created_at = excluded.created_at, placed_at = excluded.placed_at, cancelled_at = excluded.cancelled_at,
      test = excluded.test, currency_code = excluded.currency_code, source_updated_at = excluded.source_updated_at`;
};
