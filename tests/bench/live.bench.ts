/**
 * The live path at scale: what one order change costs, from the webhook's
 * delivery to the rollups updated, on a shop with a small history and on one with
 * a large history, in the same PostgreSQL database. A plain script that prints
 * figures; it asserts nothing.
 *
 *   npm run bench:live [-- --small 10000] [--large 1000000] [--changes 1000]
 *
 * Both histories are loaded through the app's own bulk ingest (ingestBulkResult).
 * Then, alternating between the two shops, `--changes` deliveries each: order
 * updates (a tag or note: same sales), refunds (a later-day return), edits (an
 * item added or removed, a discount) and duplicates (a delivery sent again under
 * its webhook id). Each goes through the app's webhook door (handleWebhook: bind,
 * record, enqueue the coalesced re-read) and the app's worker (drainJobs: the
 * sync.order job re-reads the order through adminGraphql and finalizes it live).
 * The one thing answered here is Shopify: ORDER_QUERY is served from the same
 * generated orders (changed as the deliveries say), in Admin GraphQL's shape,
 * paginated as the query asks (agreements 3 at a time).
 *
 * The time per change is the delivery's, end to end: handleWebhook returns, the
 * job is claimed, Shopify is asked, the ledger and the changed days' rollups
 * commit. Before the changes, both shops' tables are ANALYZEd (what autovacuum
 * does after a backfill of this size); the plans do not depend on it (see
 * tests/integration/ledger-plan.test.ts).
 */
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import type { WebhookDelivery } from "~/webhooks/handle.server";

import { inventoryItemLookup, orderBulkLines } from "../mocks/shopify/bulk";
import { catalogFor, createRng, DEFAULT_RATES, editOrder, generateOrders, refundOrder, seedState, type BuildContext } from "../mocks/shopify/seed";
import type { SimOrder, SimProduct } from "../mocks/shopify/store";

import { BENCH_CURRENCY, datasetOptions, ingestFile, installShop } from "./ingest-path";
import { benchEnv, cliArgs, fmt, freshPostgres, machine, percentile, secs } from "./support";

benchEnv();
const args = cliArgs();
const SMALL = Number(args.get("small") ?? 10_000);
const LARGE = Number(args.get("large") ?? 1_000_000);
const CHANGES = Number(args.get("changes") ?? 1000);
const SAMPLE = 400;
const TARGET_P99_MS = 50;
const TARGET_RATIO = 1.5;

type Kind = "update" | "refund" | "edit" | "duplicate";
const KINDS: Kind[] = ["update", "refund", "edit", "duplicate"];

interface LiveShop {
  shop: string;
  orders: number;
  catalog: SimProduct[];
  sample: SimOrder[];
  byId: Map<string, SimOrder>;
  ctx: BuildContext;
  itemOf: (variantId: string) => string;
  sent: Array<{ delivery: WebhookDelivery }>;
  times: Record<Kind, number[]>;
}

const size = (n: number) => (n >= 1_000_000 ? `${fmt(n / 1_000_000, n % 1_000_000 ? 1 : 0)}M` : `${fmt(n / 1000, n % 1000 ? 1 : 0)}k`);
const legacyId = (gid: string) => Number(gid.slice(gid.lastIndexOf("/") + 1));

/** The JSONL of the shop's history, written while keeping every k-th order (the ones that will change). */
async function writeHistory(orders: number, file: string): Promise<{ lines: number; sample: SimOrder[] }> {
  const options = datasetOptions(orders);
  const catalog = catalogFor(options);
  const itemOf = inventoryItemLookup(catalog);
  const every = Math.max(1, Math.floor(orders / SAMPLE));
  const out = createWriteStream(file);
  const sample: SimOrder[] = [];
  let lines = 0;
  let buffer = "";
  let n = 0;
  for (const order of generateOrders(options)) {
    if (n++ % every === 0 && sample.length < SAMPLE && !order.test) sample.push(order);
    for (const line of orderBulkLines(order, BENCH_CURRENCY, itemOf)) {
      buffer += `${line}\n`;
      lines++;
    }
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      buffer = "";
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { lines, sample };
}

/** ORDER_QUERY's answer for one order, from the lines the bulk export would have for it. */
function orderQueryAnswer(live: LiveShop, order: SimOrder, after: string | null) {
  const nodes = [...orderBulkLines(order, BENCH_CURRENCY, live.itemOf)].map((l) => JSON.parse(l) as Record<string, unknown> & { __parentId?: string; id: string });
  const [head, ...children] = nodes;
  const agreements = children.filter((c) => c.__parentId === head!.id);
  const start = after === null ? 0 : Number(after);
  const page = agreements.slice(start, start + 3);
  const strip = ({ __parentId: _, ...rest }: Record<string, unknown>) => rest;
  return {
    order: {
      ...strip(head!),
      agreements: {
        pageInfo: { hasNextPage: start + 3 < agreements.length, endCursor: String(start + page.length) },
        nodes: page.map((a) => {
          const sales = children.filter((c) => c.__parentId === a.id);
          return { ...strip(a), sales: { pageInfo: { hasNextPage: sales.length > 25, endCursor: null }, nodes: sales.slice(0, 25).map(strip) } };
        }),
      },
    },
  };
}

/** Answers the app's Admin GraphQL calls for the bench shops (ORDER_QUERY only); every other fetch passes. */
function answerShopify(shops: LiveShop[]): () => void {
  const realFetch = globalThis.fetch;
  const byPrefix = new Map(shops.map((s) => [`https://${s.shop}/admin/api/`, s]));
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const live = [...byPrefix].find(([prefix]) => url.startsWith(prefix))?.[1];
    if (!live) return realFetch(input, init);
    const body = JSON.parse(String(init?.body ?? "{}")) as { query?: string; variables?: { id?: string; after?: string | null } };
    if (!body.query?.includes("MarginNotesOrder(")) throw new Error(`bench: unexpected Admin API call: ${body.query?.slice(0, 80)}`);
    const order = live.byId.get(body.variables?.id ?? "");
    return Response.json({
      data: order ? orderQueryAnswer(live, order, body.variables?.after ?? null) : { order: null },
      extensions: { cost: { requestedQueryCost: 30, actualQueryCost: 12, throttleStatus: { maximumAvailable: 20000, currentlyAvailable: 19000, restoreRate: 1000 } } },
    });
  }) as typeof fetch;
  return () => void (globalThis.fetch = realFetch);
}

async function main() {
  console.log(machine());
  console.log(`histories: ${fmt(SMALL)} and ${fmt(LARGE)} orders over 730 days, 200 products; ${fmt(CHANGES)} deliveries per shop`);
  const pg = await freshPostgres();
  const { openDatabase, setDatabase } = await import("~/db/client.server");
  const database = await openDatabase({ url: pg.appUrl, migrate: false, maxConnections: 4 });
  setDatabase(database);
  const { sql } = await import("drizzle-orm");
  const { handleWebhook } = await import("~/webhooks/handle.server");
  const { drainJobs } = await import("~/jobs/queue.server");
  await import("~/sync/jobs.server");
  const dir = mkdtempSync(path.join(tmpdir(), "margin-notes-bench-live-"));
  let restore = () => {};
  try {
    const shops: LiveShop[] = [];
    for (const orders of [SMALL, LARGE]) {
      const shop = `bench-live-${orders}.myshopify.com`;
      const options = datasetOptions(orders);
      const catalog = catalogFor(options);
      let started = performance.now();
      const file = path.join(dir, `orders-${orders}.jsonl`);
      const { lines, sample } = await writeHistory(orders, file);
      await installShop(shop, catalog);
      const ingest = await ingestFile(shop, file, lines);
      rmSync(file, { force: true });
      console.log(`\n${shop}: ${fmt(orders)} orders (${fmt(lines)} lines) generated and backfilled through ingestBulkResult in ${secs(performance.now() - started)}`
        + ` (staging discarded in ${secs(ingest.discardMs)})`);
      started = performance.now();
      await database.db.execute(sql`analyze orders, sales, daily_rollups, daily_orders, staged_orders, staged_agreements, staged_sales`);
      console.log(`  ANALYZE (as autovacuum would after the backfill): ${secs(performance.now() - started)}`);
      shops.push({
        shop, orders, catalog, sample,
        byId: new Map(sample.map((o) => [o.id, o])),
        ctx: {
          ids: { nextId: 9_000_000_000_000 + orders, nextOrderNumber: 9_000_000 },
          rng: createRng(seedState(`live-${orders}`)),
          currencyCode: BENCH_CURRENCY, taxesIncluded: false, products: catalog, rates: DEFAULT_RATES,
        },
        itemOf: inventoryItemLookup(catalog),
        sent: [],
        times: { update: [], refund: [], edit: [], duplicate: [] },
      });
    }
    restore = answerShopify(shops);

    const pick = createRng(seedState("bench-live-changes"));
    const end = new Date(datasetOptions(SMALL).end).getTime();
    for (let i = 0; i < CHANGES; i++) {
      const kind = KINDS[i % KINDS.length]!;
      const orderIndex = pick.int(0, SAMPLE - 1);
      const at = end + (i + 1) * 60_000;
      for (const live of shops) {
        let delivery: WebhookDelivery;
        if (kind === "duplicate" && live.sent.length > 0) {
          delivery = live.sent[pick.int(0, live.sent.length - 1)]!.delivery;
        } else {
          const order = live.sample[orderIndex % live.sample.length]!;
          let topic = "ORDERS_UPDATED";
          let payload: Record<string, unknown> = { id: legacyId(order.id), admin_graphql_api_id: order.id };
          if (kind === "refund" && refundOrder(live.ctx, order, at)) {
            const refund = order.refunds.at(-1)!;
            topic = "REFUNDS_CREATE";
            payload = { id: legacyId(refund.id), order_id: legacyId(order.id), admin_graphql_api_id: refund.id };
          } else if (kind === "edit") {
            editOrder(live.ctx, order, at);
          }
          if (new Date(order.updatedAt).getTime() < at) order.updatedAt = new Date(at).toISOString();
          delivery = { topic, shop: live.shop, webhookId: randomUUID(), eventId: randomUUID(), triggeredAt: new Date(), payload };
          live.sent.push({ delivery });
        }
        const t0 = performance.now();
        await handleWebhook(delivery);
        await drainJobs({ shops: [live.shop], pollMs: 5, timeoutMs: 60_000 });
        live.times[kind].push(performance.now() - t0);
      }
    }

    const p99s: number[] = [];
    for (const live of shops) {
      const all = Object.values(live.times).flat().sort((a, b) => a - b);
      const p = (q: number) => `${fmt(percentile(all, q), 1)} ms`;
      p99s.push(percentile(all, 99));
      console.log(`\n${live.shop} (${fmt(live.orders)} orders of history): ${fmt(all.length)} deliveries, delivery → rollups updated:`);
      console.log(`  p50 ${p(50)}, p95 ${p(95)}, p99 ${p(99)}, max ${p(100)}   [target p99 < ${TARGET_P99_MS} ms: ${percentile(all, 99) < TARGET_P99_MS ? "met" : "MISSED"}]`);
      for (const kind of KINDS) {
        const t = [...live.times[kind]].sort((a, b) => a - b);
        if (t.length) console.log(`    ${kind.padEnd(9)} ${fmt(t.length).padStart(5)}×  p50 ${fmt(percentile(t, 50), 1)} ms, p99 ${fmt(percentile(t, 99), 1)} ms`);
      }
    }
    const ratio = p99s[1]! / p99s[0]!;
    console.log(`\ntarget: ratio ≤ ${TARGET_RATIO} (${ratio <= TARGET_RATIO ? "met" : "MISSED"}) and p99 < ${TARGET_P99_MS} ms on both shops`);
    console.log(`live change cost ratio (${size(LARGE)} / ${size(SMALL)} history, p99): ${fmt(ratio, 2)}`);
  } finally {
    restore();
    rmSync(dir, { recursive: true, force: true });
    await database.close();
    await pg.drop();
  }
}

await main();
