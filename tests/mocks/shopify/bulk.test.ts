import { createHmac } from "node:crypto";
import { Writable } from "node:stream";

import { parse } from "graphql";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { BULK_RUN_MUTATION, BULK_STATUS_QUERY, ORDER_QUERY, ORDERS_BULK_QUERY, PRODUCTS_BULK_QUERY } from "~/sync/queries.server";

import { calculateQueryCost, executeAdminGraphql } from "./admin-graphql";
import { inventoryItemLookup, orderBulkLines, removeBulkFiles, writeOrdersJsonl } from "./bulk";
import { catalogFor, generateOrders, seedStore, useStreamedOrders } from "./seed";
import { truthTotals } from "./truth";
import { createShopifySimulator, type ShopifySimulator } from "./simulator";
import { createSimStore, type SimStore } from "./store";

const API_SECRET = "bulk-test-secret";
const END = new Date("2026-03-31T16:00:00Z");
const PII = /@|email|phone|address|firstName|lastName/i;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let simulator: ShopifySimulator;
const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => {
  msw.close();
  removeBulkFiles();
});

interface Captured {
  topic: string;
  webhookId: string;
  body: Json;
  hmacOk: boolean;
}
let captured: Captured[];

beforeEach(() => {
  simulator = createShopifySimulator({ apiKey: "bulk-test-key", apiSecret: API_SECRET });
  msw.resetHandlers(...simulator.handlers);
  captured = [];
  simulator.deliver = async (request) => {
    const text = await request.text();
    const hmac = createHmac("sha256", API_SECRET).update(text, "utf8").digest("base64");
    captured.push({
      topic: request.headers.get("X-Shopify-Topic") ?? "",
      webhookId: request.headers.get("X-Shopify-Webhook-Id") ?? "",
      body: JSON.parse(text),
      hmacOk: hmac === request.headers.get("X-Shopify-Hmac-Sha256"),
    });
    return new Response(null, { status: 200 });
  };
});

function seededStore(domain = "bulk-shop.myshopify.com", orders = 600): SimStore {
  const store = createSimStore({ domain, now: () => END.getTime() + 3600_000 });
  seedStore(store, { seed: 7, orders, days: 45, end: END });
  return simulator.addStore(store);
}

async function gql(store: SimStore, query: string, variables?: Record<string, unknown>): Promise<Json> {
  store.bucket.currentlyAvailable = store.bucket.maximumAvailable; // these tests are not about throttling
  const response = await executeAdminGraphql(store, { query, variables });
  expect(response.status).toBe(200);
  return response.json;
}

async function runBulk(store: SimStore, query: string, groupObjects?: boolean): Promise<Json> {
  const mutation = groupObjects === undefined ? BULK_RUN_MUTATION : BULK_RUN_MUTATION.replace("bulkOperationRunQuery(query: $query)", `bulkOperationRunQuery(query: $query, groupObjects: ${groupObjects})`);
  const body = await gql(store, mutation, { query });
  expect(body.errors).toBeUndefined();
  return body.data.bulkOperationRunQuery;
}

async function poll(store: SimStore, id: string): Promise<Json> {
  const body = await gql(store, BULK_STATUS_QUERY, { id });
  expect(body.errors).toBeUndefined();
  return body.data.node;
}

async function download(url: string): Promise<Json[]> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((line) => JSON.parse(line));
}

/** Runs a bulk query to completion by polling, as the app would without the webhook. */
async function bulkLines(store: SimStore, query: string, groupObjects?: boolean): Promise<{ lines: Json[]; op: Json }> {
  const run = await runBulk(store, query, groupObjects);
  expect(run.userErrors).toEqual([]);
  let op = await poll(store, run.bulkOperation.id);
  for (let i = 0; i < 50 && op.status !== "COMPLETED"; i++) op = await poll(store, run.bulkOperation.id);
  expect(op.status).toBe("COMPLETED");
  return { lines: await download(op.url), op };
}

describe("synchronous Admin queries over the seeded store", () => {
  it("answers the app's ORDER_QUERY with the order's agreements and typed sales, under the 1,000-point limit", async () => {
    const store = seededStore();
    const { requestedQueryCost } = calculateQueryCost(parse(ORDER_QUERY), { variables: { id: "gid://shopify/Order/1" } });
    expect(requestedQueryCost).toBeLessThan(1000);

    const order = store.orders.find((o) => o.agreements.length >= 2 && o.shippingLines.length > 0 && !o.test)!;
    const body = await gql(store, ORDER_QUERY, { id: order.id });
    expect(body.errors).toBeUndefined();
    expect(body.extensions.cost.requestedQueryCost).toBe(requestedQueryCost);
    const got = body.data.order;
    expect(got).toMatchObject({ id: order.id, createdAt: order.createdAt, processedAt: order.processedAt, cancelledAt: order.cancelledAt, test: false, currencyCode: "USD" });
    const agreements = got.agreements.edges.map((e: Json) => e.node);
    expect(agreements.map((a: Json) => a.id)).toEqual(order.agreements.map((a) => a.id));
    expect(agreements[0]).toMatchObject({ reason: "ORDER", happenedAt: order.processedAt });
    const sales = agreements.flatMap((a: Json) => a.sales.nodes);
    expect(sales).toHaveLength(order.agreements.reduce((n, a) => n + a.sales.length, 0));
    for (const sale of sales) {
      expect(sale.totalAmount.shopMoney.amount).toMatch(/^-?\d+\.\d+$/);
      if (sale.lineType === "PRODUCT") expect(sale.lineItem).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/LineItem\/\d+$/), variant: { inventoryItem: { id: expect.any(String) } }, product: { id: expect.any(String) } });
      else expect(sale).not.toHaveProperty("lineItem");
    }
    expect(JSON.stringify(body)).not.toMatch(PII);
  });

  it("pages agreements with `after` (3 per page) and refuses pages over 250", async () => {
    const store = seededStore();
    const order = store.orders.find((o) => !o.cancelledAt && o.lineItems.some((l) => l.kind === "product" && l.quantity >= 1))!;
    await simulator.editOrder(store.shop.myshopifyDomain, order.id, undefined, { at: END.getTime() + 1000, webhook: false });
    await simulator.refundOrder(store.shop.myshopifyDomain, order.id, { shipping: true }, { at: END.getTime() + 2000, webhook: false });
    await simulator.cancelOrder(store.shop.myshopifyDomain, order.id, { at: END.getTime() + 3000, webhook: false });
    expect(order.agreements.length).toBeGreaterThanOrEqual(4);
    const first = await gql(store, ORDER_QUERY, { id: order.id });
    const page1 = first.data.order.agreements;
    expect(page1.edges).toHaveLength(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await gql(store, ORDER_QUERY, { id: order.id, after: page1.pageInfo.endCursor });
    const ids = [...page1.edges, ...second.data.order.agreements.edges].map((e: Json) => e.node.id);
    expect(ids).toEqual(order.agreements.map((a) => a.id));
    expect(second.data.order.cancelledAt).toBe(order.cancelledAt);

    const tooBig = await gql(store, `query Big { orders(first: 251) { nodes { id } } }`);
    expect(tooBig.data).toBeUndefined();
    expect(tooBig.errors[0].message).toMatch(/250/);
  });

  it("paginates root orders (default sort PROCESSED_AT), filters with search syntax and reverses", async () => {
    const store = seededStore();
    const query = `query Page($after: String, $q: String, $reverse: Boolean) {
      orders(first: 250, after: $after, query: $q, reverse: $reverse) { pageInfo { hasNextPage endCursor } edges { cursor node { id processedAt updatedAt } } }
    }`;
    const walk = async (variables: Record<string, unknown>) => {
      const out: Json[] = [];
      let after: string | null = null;
      for (;;) {
        const body = await gql(store, query, { ...variables, after });
        expect(body.errors).toBeUndefined();
        out.push(...body.data.orders.edges.map((e: Json) => e.node));
        if (!body.data.orders.pageInfo.hasNextPage) return out;
        after = body.data.orders.pageInfo.endCursor;
      }
    };
    const all = await walk({});
    expect(all).toHaveLength(store.orders.length);
    expect(new Set(all.map((o) => o.id)).size).toBe(store.orders.length);
    expect(all.map((o) => o.processedAt)).toEqual([...all.map((o) => o.processedAt)].sort());

    const since = "2026-03-20T00:00:00Z";
    const changed = await walk({ q: `updated_at:>='${since}'` });
    expect(changed.length).toBe(store.orders.filter((o) => o.updatedAt >= since).length);
    expect(changed.length).toBeGreaterThan(0);

    const reversed = await walk({ reverse: true });
    expect(reversed.map((o) => o.id)).toEqual(all.map((o) => o.id).reverse());
  });

  it("serves products, variants and inventory items (unit cost or null), nodes, interfaces and presentment money", async () => {
    const store = seededStore();
    const body = await gql(
      store,
      `query Catalog { products(first: 30) { nodes { id title isGiftCard variants(first: 5) { nodes { id sku price inventoryItem { id unitCost { amount currencyCode } } } } } } }`,
    );
    expect(body.errors).toBeUndefined();
    const products = body.data.products.nodes;
    expect(products).toHaveLength(store.products.length);
    const items = products.flatMap((p: Json) => p.variants.nodes.map((v: Json) => v.inventoryItem));
    expect(items.some((i: Json) => i.unitCost === null)).toBe(true);
    expect(items.some((i: Json) => i.unitCost?.currencyCode === "USD")).toBe(true);

    const order = store.orders.find((o) => o.presentmentCurrencyCode !== "USD" && o.shippingLines.length > 0)!;
    const typed = await gql(
      store,
      `query Typed($id: ID!) { node(id: $id) { ... on Order { presentmentCurrencyCode agreements(first: 5) { nodes { __typename sales(first: 20) { nodes { __typename lineType
        totalAmount { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
        ... on ShippingLineSale { shippingLine { title } } } } } } } } }`,
      { id: order.id },
    );
    expect(typed.errors).toBeUndefined();
    const sales = typed.data.node.agreements.nodes[0].sales.nodes;
    expect(typed.data.node.agreements.nodes[0].__typename).toBe("OrderAgreement");
    const shipping = sales.find((s: Json) => s.__typename === "ShippingLineSale");
    expect(shipping.shippingLine).toEqual({ title: "Standard" });
    expect(sales[0].totalAmount.presentmentMoney.currencyCode).toBe(order.presentmentCurrencyCode);

    const variants = await gql(store, `query V { productVariants(first: 5, query: "sku:MN-001*") { nodes { sku } } inventoryItems(first: 3) { nodes { id } } }`);
    expect(variants.data.productVariants.nodes.every((v: Json) => v.sku.startsWith("MN-001"))).toBe(true);
    expect(variants.data.inventoryItems.nodes).toHaveLength(3);
  });
});

describe("bulk operations", () => {
  it("runs ORDERS_BULK_QUERY: CREATED -> RUNNING -> COMPLETED, one JSONL line per node with __parentId, and a signed bulk_operations/finish", async () => {
    const store = seededStore();
    const run = await runBulk(store, ORDERS_BULK_QUERY);
    expect(run).toEqual({ bulkOperation: { id: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\/\d+$/), status: "CREATED" }, userErrors: [] });
    const running = await poll(store, run.bulkOperation.id);
    expect(running).toMatchObject({ status: "RUNNING", url: null, completedAt: null });
    let done = await poll(store, run.bulkOperation.id);
    for (let i = 0; i < 20 && done.status === "RUNNING"; i++) done = await poll(store, run.bulkOperation.id);
    expect(done).toMatchObject({ status: "COMPLETED", errorCode: null, partialDataUrl: null });
    expect(done.url).toMatch(/^https:\/\/storage\.shopifycdn\.test\/bulk\/\d+\.jsonl\?/);
    expect(done.objectCount).toMatch(/^\d+$/);

    const lines = await download(done.url);
    const agreements = store.orders.flatMap((o) => o.agreements);
    const sales = agreements.flatMap((a) => a.sales);
    const shippingLines = store.orders.flatMap((o) => o.shippingLines);
    expect(lines).toHaveLength(store.orders.length + shippingLines.length + agreements.length + sales.length);
    expect(String(lines.length)).toBe(done.objectCount);

    const byId = new Map(lines.map((l) => [l.id, l]));
    const orders = lines.filter((l) => l.id.startsWith("gid://shopify/Order/"));
    expect(orders).toHaveLength(store.orders.length);
    for (const o of orders) {
      expect(o).not.toHaveProperty("__parentId");
      expect(o).not.toHaveProperty("agreements"); // nested connections are separate lines
      expect(o).not.toHaveProperty("shippingLines");
      expect(Array.isArray(o.transactions)).toBe(true); // a list, not a connection: inline
    }
    // Payments with Shopify's fees on most orders, none on other gateways; shipping methods as their own lines.
    const transactions = orders.flatMap((o) => o.transactions as Json[]);
    expect(transactions.some((t) => t.gateway === "shopify_payments" && t.fees.length === 1)).toBe(true);
    expect(transactions.filter((t) => t.gateway !== "shopify_payments").every((t) => t.fees.length === 0)).toBe(true);
    expect(transactions.some((t) => t.gateway !== "shopify_payments")).toBe(true);
    expect(transactions.some((t) => t.kind === "REFUND" && t.fees.length === 0)).toBe(true);
    for (const line of lines.filter((l) => l.id.startsWith("gid://shopify/ShippingLine/"))) {
      expect(byId.get(line.__parentId)?.id).toMatch(/^gid:\/\/shopify\/Order\//);
      expect(Object.keys(line)).toEqual(["id", "title", "code", "source", "__parentId"]);
    }
    expect(new Set(lines.filter((l) => l.title).map((l) => l.title)).size).toBeGreaterThan(1);
    for (const line of lines.filter((l) => l.id.startsWith("gid://shopify/SalesAgreement/"))) {
      expect(byId.get(line.__parentId)?.id).toMatch(/^gid:\/\/shopify\/Order\//);
      expect(line).not.toHaveProperty("sales");
    }
    for (const line of lines.filter((l) => l.id.startsWith("gid://shopify/Sale/"))) {
      expect(line.__parentId).toMatch(/^gid:\/\/shopify\/SalesAgreement\//);
      expect(byId.has(line.__parentId)).toBe(true);
      expect(Object.keys(line).at(-1)).toBe("__parentId");
      if (line.lineType === "PRODUCT") expect(line.lineItem.variant === null || typeof line.lineItem.variant.inventoryItem.id === "string").toBe(true);
    }
    // Ungrouped (the default): some children are not next to their parent.
    const position = new Map(lines.map((l, i) => [l.id, i]));
    const gaps = lines.filter((l) => l.__parentId && position.get(l.id)! - position.get(l.__parentId)! > 1).length;
    expect(gaps).toBeGreaterThan(lines.length / 4);

    // The same lines as the benchmark fast path.
    const itemOf = inventoryItemLookup(store.products);
    const fast = store.orders.flatMap((o) => [...orderBulkLines(o, "USD", itemOf)]).sort();
    const raw = (await (await fetch(done.url)).text()).trimEnd().split("\n").sort();
    expect(raw).toEqual(fast);

    await simulator.settled();
    const finish = captured.filter((c) => c.topic === "bulk_operations/finish");
    expect(finish).toHaveLength(1);
    expect(finish[0]!.hmacOk).toBe(true);
    expect(finish[0]!.body).toEqual({
      admin_graphql_api_id: run.bulkOperation.id,
      completed_at: done.completedAt,
      created_at: expect.stringMatching(/Z$/),
      error_code: null,
      status: "completed",
      type: "query",
    });
    expect(JSON.stringify(lines)).not.toMatch(PII);
  });

  it("groups children under their parent with groupObjects: true, and can put children first", async () => {
    const store = seededStore("grouped-shop.myshopify.com", 200);
    const { lines } = await bulkLines(store, ORDERS_BULK_QUERY, true);
    let currentOrder = "";
    const agreementOrder = new Map<string, string>();
    for (const line of lines) {
      if (!line.__parentId) currentOrder = line.id;
      else if (line.id.includes("ShippingLine")) expect(line.__parentId).toBe(currentOrder);
      else if (line.id.includes("SalesAgreement")) {
        expect(line.__parentId).toBe(currentOrder);
        agreementOrder.set(line.id, currentOrder);
      } else expect(agreementOrder.get(line.__parentId)).toBe(currentOrder);
    }

    store.bulkOutput.childrenFirst = true;
    const reversed = (await bulkLines(store, ORDERS_BULK_QUERY)).lines;
    const position = new Map(reversed.map((l, i) => [l.id, i]));
    expect(reversed.some((l) => l.__parentId && position.get(l.id)! < position.get(l.__parentId)!)).toBe(true);
  });

  it("runs PRODUCTS_BULK_QUERY: products, then variants with their inventory item inline", async () => {
    const store = seededStore("products-shop.myshopify.com", 10);
    const { lines, op } = await bulkLines(store, PRODUCTS_BULK_QUERY);
    const variants = store.products.flatMap((p) => p.variants);
    expect(lines).toHaveLength(store.products.length + variants.length);
    expect(lines[0]).toEqual({ id: store.products[0]!.id, title: store.products[0]!.title, updatedAt: store.products[0]!.updatedAt });
    const variantLine = lines.find((l) => l.id === variants[0]!.id)!;
    expect(variantLine).toMatchObject({ __parentId: store.products[0]!.id, sku: variants[0]!.sku, inventoryItem: { id: variants[0]!.inventoryItem.id } });
    expect(lines.filter((l) => l.inventoryItem).some((l) => l.inventoryItem.unitCost === null)).toBe(true);
    expect(lines.filter((l) => l.inventoryItem).some((l) => /^\d+\.\d+$/.test(l.inventoryItem.unitCost?.amount ?? ""))).toBe(true);
    expect(op.status).toBe("COMPLETED");
    expect(store.bulkOperations.at(-1)!.fileSize).toBeGreaterThan(0);
  });

  it("rejects invalid bulk queries with userErrors, as Shopify does", async () => {
    const store = seededStore("invalid-shop.myshopify.com", 5);
    const errorsOf = async (query: string) => (await runBulk(store, query)).userErrors;
    expect(await errorsOf(`{ shop { name } }`)).toEqual([{ field: ["query"], message: expect.stringMatching(/^Invalid bulk query: .*at least one connection/), code: "INVALID" }]);
    expect((await errorsOf(`{ orders { edges { node { id nope } } } }`))[0].message).toBe("Invalid bulk query: Field 'nope' doesn't exist on type 'Order'");
    expect((await errorsOf(`{ node(id: "gid://shopify/Order/1") { id } }`))[0].message).toMatch(/node and nodes/);
    expect(
      (await errorsOf(`{ products { edges { node { id collections { edges { node { id products { edges { node { id variants { edges { node { id } } } } } } } } } } } } }`))
        .map((e: Json) => e.message)
        .join(" "),
    ).toMatch(/two levels/);
    expect((await errorsOf(`{ products { edges { node { title variants { edges { node { id } } } } } } }`))[0].message).toMatch(/must select the 'id' field/);
    expect((await errorsOf(`{ orders { edges { node { id } } } products { edges { node { id } } } }`))[0].message).toMatch(/exactly one top-level field/);
    expect(store.bulkOperations).toHaveLength(0);
  });

  it("allows five concurrent bulk queries per shop, not six; an empty result has no url", async () => {
    const store = seededStore("busy-shop.myshopify.com", 5);
    const empty = `{ orders(query: "created_at:<2001-01-01") { edges { node { id } } } }`;
    for (let i = 0; i < 5; i++) expect((await runBulk(store, empty)).userErrors).toEqual([]);
    const sixth = await runBulk(store, empty);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors[0].code).toBe("LIMIT_REACHED");
    const done = await simulator.completeBulkOperations(store.shop.myshopifyDomain);
    expect(done).toHaveLength(5);
    const op = await poll(store, done[0]!.id);
    expect(op).toMatchObject({ status: "COMPLETED", objectCount: "0", url: null });
    expect(captured.filter((c) => c.topic === "bulk_operations/finish")).toHaveLength(5);
  });

  it("injects faults: a file cut mid-line, a download that breaks off, an operation that fails", async () => {
    const store = seededStore("faulty-shop.myshopify.com", 100);

    store.faults.truncateNextBulkFile = true;
    const cut = await runBulk(store, ORDERS_BULK_QUERY);
    await simulator.completeBulkOperations();
    const cutOp = await poll(store, cut.bulkOperation.id);
    expect(cutOp.status).toBe("COMPLETED");
    const text = await (await fetch(cutOp.url)).text();
    expect(text.endsWith("\n")).toBe(false);
    const lastLine = text.split("\n").at(-1)!;
    expect(() => JSON.parse(lastLine)).toThrow();
    expect(text.split("\n").length).toBeLessThan(Number(cutOp.objectCount));
    expect(store.bulkOperations.at(-1)!.fileSize).toBe(Buffer.byteLength(text));

    store.faults.dropNextBulkDownloadAfterBytes = 1000;
    const dropped = await runBulk(store, ORDERS_BULK_QUERY);
    await simulator.completeBulkOperations();
    const droppedOp = await poll(store, dropped.bulkOperation.id);
    const broken = await fetch(droppedOp.url);
    expect(broken.status).toBe(200);
    await expect(broken.text()).rejects.toThrow();
    const retry = await download(droppedOp.url); // one-shot: the next download works
    expect(String(retry.length)).toBe(droppedOp.objectCount);

    store.faults.failNextBulkOperation = true;
    const failed = await runBulk(store, ORDERS_BULK_QUERY);
    await simulator.completeBulkOperations();
    const failedOp = await poll(store, failed.bulkOperation.id);
    expect(failedOp).toMatchObject({ status: "FAILED", errorCode: "INTERNAL_SERVER_ERROR", url: null });
    const partial = await download(failedOp.partialDataUrl);
    expect(String(partial.length)).toBe(failedOp.objectCount);
    expect(captured.find((c) => c.body.admin_graphql_api_id === failed.bulkOperation.id)?.body).toMatchObject({ status: "failed", error_code: "internal_server_error" });

    const tampered = cutOp.url.replace(/Signature=[0-9a-f]{4}/, "Signature=0000");
    expect((await fetch(tampered)).status).toBe(403);
  });

  it("streams orders that only exist as a generator (benchmarks) through bulk and the JSONL writer", async () => {
    const store = createSimStore({ domain: "stream-shop.myshopify.com", now: () => END.getTime() });
    simulator.addStore(store);
    const options = { seed: 9, orders: 2000, days: 30, end: END };
    useStreamedOrders(store, options);
    expect(store.orders).toHaveLength(0);
    const { lines } = await bulkLines(store, ORDERS_BULK_QUERY);
    expect(lines.filter((l) => !l.__parentId)).toHaveLength(2000);
    // Streamed orders sell the store's own variants, and every pass yields the same orders.
    const variantIds = new Set(store.products.flatMap((p) => p.variants.map((v) => v.id)));
    const productSales = lines.filter((l) => l.lineType === "PRODUCT");
    expect(productSales.length).toBeGreaterThan(2000);
    expect(productSales.every((l) => variantIds.has(l.lineItem.variant.id))).toBe(true);
    expect([...store.streamedOrders!()].map((o) => o.id)).toEqual(lines.filter((l) => !l.__parentId).map((l) => l.id));
    // Orders placed (later-day edits, which Shopify counts as separate orders, left out here).
    expect(truthTotals(store, { from: "2026-02-01", to: "2026-03-31", laterDayEdits: "not-counted" }).orders).toBe(lines.filter((l) => !l.__parentId && !l.test).length);

    const catalog = catalogFor(options);

    let written = "";
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        written += chunk.toString();
        callback();
      },
    });
    // (Its speed is bench:ingest's to print, not a test's to assert: a timed
    // assertion fails on a busy machine and proves nothing about the app.)
    const result = await writeOrdersJsonl(generateOrders(options), catalog, "USD", sink);
    expect(result.orders).toBe(2000);
    expect(written.trimEnd().split("\n")).toHaveLength(result.lines);
  });
});

describe("live changes and webhooks", () => {
  it("delivers signed, PII-free REST payloads for every change, and duplicates on request", async () => {
    const store = seededStore("live-shop.myshopify.com", 50);
    const shop = store.shop.myshopifyDomain;
    const variant = store.products[0]!.variants[0]!;
    const at = END.getTime() + 60_000;

    const placed = await simulator.placeOrder(shop, { lines: [{ variantId: variant.id, quantity: 2 }] }, { at });
    expect(placed.responses.map((r) => r.status)).toEqual([200]);
    const order = placed.order;
    const create = captured.at(-1)!;
    expect(create).toMatchObject({ topic: "orders/create", hmacOk: true });
    expect(create.body).toMatchObject({ id: Number(order.id.split("/").at(-1)), admin_graphql_api_id: order.id, updated_at: expect.stringMatching(/^2026-03-31T\d\d:\d\d:\d\d-04:00$/) });
    expect(create.body.line_items[0]).toMatchObject({ admin_graphql_api_id: order.lineItems[0]!.id, variant_id: Number(variant.id.split("/").at(-1)), quantity: 2, price: expect.stringMatching(/^\d+\.\d\d$/) });

    const refunded = await simulator.refundOrder(shop, order.id, { lines: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }] }, { at: at + 60_000 });
    expect(captured.slice(-2).map((c) => c.topic)).toEqual(["refunds/create", "orders/updated"]);
    expect(captured.at(-2)!.body).toMatchObject({ admin_graphql_api_id: refunded.order.refunds[0]!.id, order_id: Number(order.id.split("/").at(-1)), refund_line_items: [{ quantity: 1 }] });

    await simulator.editOrder(shop, order.id, { add: { variantId: variant.id, quantity: 1 } }, { at: at + 120_000 });
    expect(captured.at(-1)!.topic).toBe("orders/updated");
    await simulator.cancelOrder(shop, order.id, { at: at + 180_000, reason: "CUSTOMER" });
    expect(captured.at(-1)!.topic).toBe("orders/cancelled");
    expect(captured.at(-1)!.body).toMatchObject({ cancelled_at: expect.any(String), cancel_reason: "customer" });

    const product = store.products[0]!;
    await simulator.updateProduct(shop, product.id, { title: "Linen Tote (new)" }, { at: at + 240_000 });
    expect(captured.at(-1)!.body).toMatchObject({
      id: Number(product.id.split("/").at(-1)),
      admin_graphql_api_id: product.id,
      title: "Linen Tote (new)",
      variants: product.variants.map((v) => ({ id: Number(v.id.split("/").at(-1)), admin_graphql_api_id: v.id, product_id: Number(product.id.split("/").at(-1)), title: v.title, sku: v.sku, inventory_item_id: Number(v.inventoryItem.id.split("/").at(-1)) })),
    });

    await simulator.setUnitCost(shop, variant.inventoryItem.id, "7.25", { at: at + 300_000, duplicate: 2, webhookId: "cost-1" });
    const costHooks = captured.filter((c) => c.topic === "inventory_items/update");
    expect(costHooks).toHaveLength(3);
    expect(new Set(costHooks.map((c) => c.webhookId))).toEqual(new Set(["cost-1"]));
    expect(costHooks[0]!.body).toMatchObject({ admin_graphql_api_id: variant.inventoryItem.id, cost: "7.25", updated_at: expect.any(String) });
    await simulator.setUnitCost(shop, variant.inventoryItem.id, null, { at: at + 360_000 });
    expect(captured.at(-1)!.body.cost).toBeNull();

    // The order reads back through the app's query with its whole history.
    const page1 = (await gql(store, ORDER_QUERY, { id: order.id })).data.order.agreements;
    const page2 = (await gql(store, ORDER_QUERY, { id: order.id, after: page1.pageInfo.endCursor })).data.order.agreements;
    expect([...page1.edges, ...page2.edges].map((e: Json) => e.node.reason)).toEqual(["ORDER", "REFUND", "ORDER_EDIT", "REFUND"]);

    expect(captured.every((c) => c.hmacOk)).toBe(true);
    expect(JSON.stringify(captured.map((c) => c.body))).not.toMatch(PII);
    expect(simulator.webhooks.length).toBe(captured.length);
  });

  it("records webhooks without delivering when no deliverer is set", async () => {
    const store = seededStore("quiet-shop.myshopify.com", 5);
    simulator.deliver = null;
    const result = await simulator.placeOrder(store.shop.myshopifyDomain);
    expect(result.responses).toEqual([]);
    expect(simulator.webhooks.at(-1)).toMatchObject({ topic: "orders/create", status: null });
  });
});
