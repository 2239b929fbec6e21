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
import { performance } from "node:perf_hooks";
import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";


import { formatDecimal } from "../mocks/shopify/money";
import type { SimProduct } from "../mocks/shopify/store";


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

  await recordInstall(shop, { name: "Bench Store", myshopifyDomain: shop, currencyCode: BENCH_CURRENCY, ianaTimezone: BENCH_TZ }, "read_all_orders,read_orders,read_products");
  await sessionStorage.storeSession(new Session({
    id: `offline_${shop}`, shop, state: "bench", isOnline: false, scope: "read_all_orders,read_orders,read_products",
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
export async function ingestFile(shop: string, file: string, lines: number): Promise<{ runId: string; lines: number; discardMs: number; discarded: number }> {
  const { withShop } = await import("~/db/tenant.server");
  const { syncRuns } = await import("~/db/schema.server");
  const { discardStagedRun, ingestBulkResult } = await import("~/sync/bulk.server");
  await import("~/sync/jobs.server"); // the job kinds ingestBulkResult enqueues

  const served = await serveFile(file);
  const operationId = `gid://shopify/BulkOperation/${Date.now()}`;
  const restoreFetch = answerBulkStatus(shop, operationId, served.url, lines);
  const runId = randomUUID();
  await withShop(shop, (tx) => tx.insert(syncRuns).values({ shopId: shop, runId, kind: "orders", status: "running", bulkOperationId: operationId }));
  try {
    const result = await ingestBulkResult(shop, runId);
    // The job ingestBulkResult enqueued once the ledger was ready, run here: the
    // staged rows' cleanup is timed apart from the backfill the merchant waits for.
    const started = performance.now();
    const discarded = await discardStagedRun(shop, runId);
    return { runId, lines: result.lines, discardMs: performance.now() - started, discarded };
  } finally {
    restoreFetch();
    await served.close();
  }
}
