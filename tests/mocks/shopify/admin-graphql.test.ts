import { parse } from "graphql";
import { afterEach, describe, expect, it, vi } from "vitest";

import { calculateQueryCost, executeAdminGraphql, THROTTLED_DOCUMENTATION, type QueryCostExtension } from "./admin-graphql";
import { adminSchemaLoadMs, loadAdminSchema } from "./admin-schema";
import { createSimStore, type SimStore } from "./store";

const SHOP_QUERY = `query ShopBasics { shop { name currencyCode ianaTimezone } }`;

/** A store whose throttling clock the test moves by hand. */
function storeWithClock(): { store: SimStore; advance: (ms: number) => void } {
  let now = 1_000_000;
  const store = createSimStore({ domain: "margin-demo.myshopify.com", now: () => now });
  return { store, advance: (ms) => void (now += ms) };
}

interface GraphqlJson {
  data?: unknown;
  errors?: Array<{ message: string; locations?: unknown; path?: unknown; extensions?: Record<string, unknown> }>;
  extensions?: { cost?: QueryCostExtension };
}
const json = (value: unknown): GraphqlJson => value as GraphqlJson;

describe("admin schema", () => {
  it("is Shopify's 2026-10 Admin schema, built once per process", () => {
    const schema = loadAdminSchema();
    expect(schema.getQueryType()?.name).toBe("QueryRoot");
    expect(schema.getType("OrderAgreement")).toBeDefined();
    expect(loadAdminSchema()).toBe(schema);
    // Generous bound: it is ~0.4 s on a laptop; this only catches a pathological regression.
    expect(adminSchemaLoadMs()).toBeLessThan(10_000);
  });
});

describe("executeAdminGraphql", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("answers a valid query from the store, with a cost extension", async () => {
    const { store } = storeWithClock();
    const response = await executeAdminGraphql(store, { query: SHOP_QUERY });

    expect(response.status).toBe(200);
    const body = json(response.json);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ shop: { name: "Margin Demo", currencyCode: "USD", ianaTimezone: "America/New_York" } });
    expect(body.extensions?.cost).toEqual({
      requestedQueryCost: 1,
      actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1999, restoreRate: 100 },
    });
  });

  it("passes variables and picks the named operation", async () => {
    const store = createSimStore({ domain: "two-ops.myshopify.com", name: "Two Ops", currencyCode: "EUR" });
    const response = await executeAdminGraphql(store, {
      query: `query A { shop { name } } query B($withTz: Boolean!) { shop { currencyCode ianaTimezone @include(if: $withTz) } }`,
      operationName: "B",
      variables: { withTz: false },
    });
    expect(json(response.json).data).toEqual({ shop: { currencyCode: "EUR" } });
  });

  it("answers a document it has checked before the same way, per call: variables, operation, errors", async () => {
    const store = createSimStore({ domain: "again.myshopify.com", name: "Again", currencyCode: "EUR" });
    const query = `query A { shop { name } } query B($withTz: Boolean!) { shop { currencyCode ianaTimezone @include(if: $withTz) } }`;
    for (const withTz of [false, true, false]) {
      const response = await executeAdminGraphql(store, { query, operationName: "B", variables: { withTz } });
      expect(json(response.json).data).toEqual({ shop: { currencyCode: "EUR", ...(withTz ? { ianaTimezone: "America/New_York" } : {}) } });
    }
    expect(json((await executeAdminGraphql(store, { query, operationName: "A" })).json).data).toEqual({ shop: { name: "Again" } });
    // An invalid document: the same errors each time, each answer its own (changing one changes no other).
    const invalid = `query Typo { shop { name marginNotes } }`;
    const first = json((await executeAdminGraphql(store, { query: invalid })).json);
    first.errors![0]!.message = "changed by the caller";
    const second = json((await executeAdminGraphql(store, { query: invalid })).json);
    expect(second.errors?.map((e) => e.message)).toEqual(["Field 'marginNotes' doesn't exist on type 'Shop'"]);
    const unparsable = json((await executeAdminGraphql(store, { query: "query {" })).json);
    expect(json((await executeAdminGraphql(store, { query: "query {" })).json)).toEqual(unparsable);
    expect(unparsable.errors).toHaveLength(1);
  });

  it("rejects a field that does not exist the way Shopify does", async () => {
    const { store } = storeWithClock();
    const response = await executeAdminGraphql(store, { query: `query Typo { shop { name marginNotes } }` });

    expect(response.status).toBe(200);
    const body = json(response.json);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      {
        message: "Field 'marginNotes' doesn't exist on type 'Shop'",
        locations: [{ line: 1, column: 26 }],
        path: ["query Typo", "shop", "marginNotes"],
        extensions: { code: "undefinedField", typeName: "Shop", fieldName: "marginNotes" },
      },
    ]);
    // Nothing ran, so nothing was charged.
    expect(store.bucket.currentlyAvailable).toBe(2000);
  });

  it("codes other validation errors too (unknown and missing arguments, syntax)", async () => {
    const { store } = storeWithClock();
    const unknownArgument = json((await executeAdminGraphql(store, { query: `{ shop(id: 1) { name } }` })).json);
    expect(unknownArgument.errors?.[0]).toMatchObject({
      message: "Field 'shop' doesn't accept argument 'id'",
      extensions: { code: "argumentNotAccepted" },
    });

    const missingArgument = json((await executeAdminGraphql(store, { query: `{ order { id } }` })).json);
    expect(missingArgument.errors?.[0]).toMatchObject({
      message: "Field 'order' is missing required arguments: id",
      extensions: { code: "missingRequiredArguments" },
    });

    const syntax = await executeAdminGraphql(store, { query: `{ shop { name }` });
    expect(syntax.status).toBe(200);
    expect(json(syntax.json).errors?.[0]?.message).toMatch(/^Syntax Error/);
  });

  it("refuses a connection without first or last, as Shopify does", async () => {
    const { store } = storeWithClock();
    const body = json((await executeAdminGraphql(store, { query: `{ orders { nodes { id } } }` })).json);
    expect(body.errors?.[0]?.message).toBe("you must provide one of first or last");
  });

  it("reports a missing simulator field as an error instead of inventing null", async () => {
    const { store } = storeWithClock();
    const body = json((await executeAdminGraphql(store, { query: `{ shop { name description } }` })).json);
    expect(body.errors?.[0]?.message).toBe("The Shopify simulator has no data for Shop.description");
  });
});

describe("calculated query cost", () => {
  const cost = (query: string, variables?: Record<string, unknown>) =>
    calculateQueryCost(parse(query), { variables }).requestedQueryCost;

  it("charges objects 1, scalars 0, connections 2 + first x node", () => {
    expect(cost(`{ shop { id name currencyCode } }`)).toBe(1);
    expect(cost(`{ shop { metafields(first: 10) { nodes { id } } } }`)).toBe(1 + 2 + 10);
    // Shopify's own worked example: 2 + 10 * (1 + 2 + 5 * 1)
    expect(
      cost(`{ products(first: 10) { edges { cursor node { title variants(first: 5) { edges { node { price } } } } } pageInfo { hasNextPage } } }`),
    ).toBe(82);
    expect(cost(`query ($n: Int!) { orders(first: $n) { nodes { id } } }`, { n: 50 })).toBe(52);
    expect(cost(`mutation { bulkOperationCancel(id: "gid://shopify/BulkOperation/1") { bulkOperation { id } } }`)).toBe(10);
  });

  it("prices an interface at its most expensive selection", () => {
    expect(
      cost(`{ node(id: "gid://shopify/Order/1") { id ... on Order { customerJourneySummary { firstVisit { id } } } ... on Product { title } } }`),
    ).toBe(1 + 2);
  });

  it("refuses a page over 250 records before running anything", async () => {
    const { store } = storeWithClock();
    const body = json((await executeAdminGraphql(store, { query: `query Many { orders(first: 251) { nodes { id } } }` })).json);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toMatch(/maximum page size is 250/);
    expect(store.bucket.currentlyAvailable).toBe(2000);
  });

  it("refuses a query over the single-query limit", async () => {
    const { store } = storeWithClock();
    const query = `query Big { orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }`;
    const body = json((await executeAdminGraphql(store, { query })).json);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", maxCost: 1000 });
    expect(body.extensions?.cost?.requestedQueryCost).toBe(2 + 250 * (1 + 2 + 250));
  });
});

describe("leaky bucket", () => {
  it("throttles when the bucket is drained and recovers as it refills (injected clock)", async () => {
    const { store, advance } = storeWithClock();
    // Spend the bucket: each 901-point request is throttled only once too little is left.
    // 1 + 3 x (2 + 250) + (2 + 142): pages stay within Shopify's 250-record maximum.
    const page = (alias: string, first: number) => `${alias}: metafields(first: ${first}) { nodes { id } }`;
    const heavy = `query Heavy { shop { ${page("a", 250)} ${page("b", 250)} ${page("c", 250)} ${page("d", 142)} } }`;
    expect(calculateQueryCost(parse(heavy)).requestedQueryCost).toBe(901);
    store.bucket.currentlyAvailable = 900; // as after two such requests in a burst

    const throttled = await executeAdminGraphql(store, { query: heavy });
    expect(throttled.status).toBe(200);
    expect(json(throttled.json)).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCUMENTATION } }],
      extensions: {
        cost: {
          requestedQueryCost: 901,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 900, restoreRate: 100 },
        },
      },
    });

    advance(5); // 0.5 points restored: still short
    expect(json((await executeAdminGraphql(store, { query: heavy })).json).errors?.[0]?.message).toBe("Throttled");

    advance(1_000); // +100 points
    const cheap = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(json(cheap.json).extensions?.cost?.throttleStatus.currentlyAvailable).toBe(Math.floor(900 + 100.5 - 1));

    advance(60_000); // long idle: full again, never above the maximum
    const later = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(json(later.json).extensions?.cost?.throttleStatus.currentlyAvailable).toBe(1999);
  });

  it("refunds the difference between requested and actual cost", async () => {
    const { store } = storeWithClock();
    // Requests 1 + 2 + 50 but the data has no metafields: charged less than requested.
    store.shop = Object.assign(store.shop, { metafields: { nodes: [{ id: "gid://shopify/Metafield/1" }] } });
    const body = json((await executeAdminGraphql(store, { query: `{ shop { metafields(first: 50) { nodes { id } } } }` })).json);
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.cost).toMatchObject({ requestedQueryCost: 53, actualQueryCost: 1 + 2 + 1 });
    expect(store.bucket.currentlyAvailable).toBe(2000 - 4);
  });

  it("follows vi fake timers when no clock is injected", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-02T10:00:00Z") });
    const store = createSimStore({ domain: "fake-timers.myshopify.com" });
    store.bucket.currentlyAvailable = 0;
    expect(json((await executeAdminGraphql(store, { query: SHOP_QUERY })).json).errors?.[0]?.extensions?.code).toBe("THROTTLED");
    vi.advanceTimersByTime(2_000);
    const body = json((await executeAdminGraphql(store, { query: SHOP_QUERY })).json);
    expect(body.errors).toBeUndefined();
    expect(body.extensions?.cost?.throttleStatus.currentlyAvailable).toBe(199);
    vi.useRealTimers();
  });
});

describe("faults", () => {
  it("answers scripted faults in order, one per request, then recovers", async () => {
    const { store } = storeWithClock();
    store.faults.nextGraphql.push("http429", "http500", "throttled");

    const first = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(first.status).toBe(429);
    expect(first.headers["Retry-After"]).toBe("1");

    const second = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(second.status).toBe(500);
    expect(json(second.json).errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");

    const third = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(third.status).toBe(200);
    expect(json(third.json).errors?.[0]?.extensions).toMatchObject({ code: "THROTTLED" });
    expect(json(third.json).extensions?.cost?.throttleStatus.currentlyAvailable).toBe(2000);

    const fourth = await executeAdminGraphql(store, { query: SHOP_QUERY });
    expect(fourth.status).toBe(200);
    expect(json(fourth.json).data).toMatchObject({ shop: { name: "Margin Demo" } });
    expect(store.faults.nextGraphql).toEqual([]);
  });
});

describe("createSimStore", () => {
  it("derives a stable shop gid and rejects domains that are not myshopify.com", () => {
    const a = createSimStore({ domain: "Stable-Id.myshopify.com" });
    const b = createSimStore({ domain: "stable-id.myshopify.com" });
    expect(a.shop.id).toMatch(/^gid:\/\/shopify\/Shop\/\d{11}$/);
    expect(a.shop.id).toBe(b.shop.id);
    expect(a.shop.myshopifyDomain).toBe("stable-id.myshopify.com");
    expect(() => createSimStore({ domain: "evil.example.com" })).toThrow(/myshopify/);
  });
});
