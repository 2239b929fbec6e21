/**
 * Every GraphQL document the app sends (a template literal starting with
 * `#graphql` anywhere in app/) must be named, valid against Shopify's real
 * 2026-10 Admin schema, and free of protected customer data. Documents are
 * found by reading the source as text, so a document is checked even if no test
 * ever imports the module that holds it. A document may append a shared
 * fragment (`${SALE_FRAGMENT}`, a constant holding only fragment definitions):
 * the check substitutes it, so what is checked is what is sent.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";

import { AGREEMENT_SALES_QUERY, ORDER_PAYMENTS_QUERY, ORDER_QUERY, ORDERS_BULK_QUERY, PAYMENT_FRAGMENTS, SALE_FRAGMENT } from "~/sync/queries.server";
import { apiVersion } from "~/shopify.server";

import { ADMIN_API_VERSION as CODEGEN_API_VERSION } from "../../../.graphqlrc";

import { executeAdminGraphql, SINGLE_QUERY_MAX_COST } from "./admin-graphql";
import { loadAdminSchema } from "./admin-schema";
import { createSimStore } from "./store";
import { findProtectedSelections, PROTECTED_CUSTOMER_DATA } from "./protected-fields";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const APP = path.join(ROOT, "app");

interface FoundDocument {
  /** e.g. app/sync/queries.server.ts:7 */
  where: string;
  /** The constant that holds it (`export const NAME = \`#graphql…`), if any. */
  name: string | undefined;
  source: string;
}

/** A backtick string whose content starts (after whitespace) with #graphql. */
const GRAPHQL_LITERAL = /`(\s*#graphql\b(?:[^`\\]|\\.)*)`/g;
/** An interpolation, as written in a document. */
const INTERPOLATION = /\$\{\s*([A-Za-z_$][\w$]*)\s*\}/g;

function appSourceFiles(): string[] {
  return readdirSync(APP, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx)$/.test(file) && !/\.(test|spec)\.tsx?$/.test(file) && !file.split(path.sep).includes("__tests__"))
    .map((file) => path.join(APP, file))
    .sort();
}

function findDocuments(): FoundDocument[] {
  const found: FoundDocument[] = [];
  for (const file of appSourceFiles()) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(GRAPHQL_LITERAL)) {
      const line = text.slice(0, match.index).split("\n").length;
      const name = /const\s+([A-Za-z_$][\w$]*)\s*=\s*$/.exec(text.slice(Math.max(0, match.index - 80), match.index))?.[1];
      found.push({ where: `${path.relative(ROOT, file)}:${line}`, name, source: match[1] ?? "" });
    }
  }
  return found;
}

const schema = loadAdminSchema();
const documents = findDocuments();

const onlyFragments = (source: string) => parse(source).definitions.every((d) => d.kind === Kind.FRAGMENT_DEFINITION);
/** Fragment-only documents by constant name: the only things a document may interpolate. */
const fragmentDocuments = new Map(documents.filter((d) => d.name && !d.source.includes("${") && onlyFragments(d.source)).map((d) => [d.name!, d.source]));

/** The document as sent: each `${NAME}` replaced by that fragment constant's text; anything else throws. */
function resolveFragments(source: string): string {
  return source.replace(INTERPOLATION, (_all, name: string) => {
    const fragment = fragmentDocuments.get(name);
    if (fragment === undefined) throw new Error(`\${${name}} is not a fragment-only #graphql constant in app/`);
    return fragment;
  });
}

describe("GraphQL documents in app/", () => {
  it("finds the app's documents (so the checks below cannot pass vacuously)", () => {
    expect(documents.length).toBeGreaterThan(0);
    expect(documents.some((d) => d.source.includes("MarginNotesShopProfile"))).toBe(true);
  });

  it("pins codegen (.graphqlrc.ts) to the API version the app sends", () => {
    expect(CODEGEN_API_VERSION).toBe(apiVersion);
  });

  it("spreads the one sale fragment in the backfill and the live order reads", () => {
    expect(fragmentDocuments.get("SALE_FRAGMENT")).toBe(SALE_FRAGMENT);
    for (const query of [ORDERS_BULK_QUERY, ORDER_QUERY, AGREEMENT_SALES_QUERY]) {
      expect(query).toContain("...MarginNotesSale");
      expect(query).toContain(SALE_FRAGMENT);
    }
  });

  it("spreads the one payment and shipping line selection in the backfill and both live payment reads", () => {
    expect(fragmentDocuments.get("PAYMENT_FRAGMENTS")).toBe(PAYMENT_FRAGMENTS);
    for (const query of [ORDERS_BULK_QUERY, ORDER_QUERY, ORDER_PAYMENTS_QUERY]) {
      expect(query).toContain("...MarginNotesPayment");
      expect(query).toContain("...MarginNotesShippingLine");
      expect(query).toContain(PAYMENT_FRAGMENTS);
      // The selection is written once: no copy of its fields outside the fragment.
      expect(query.replace(PAYMENT_FRAGMENTS, "")).not.toMatch(/\bfees\s*\{|\bamountSet\b|\btitle code source\b/);
    }
  });

  const operations = documents.filter((d) => !(d.name && fragmentDocuments.has(d.name)));
  describe.each(operations.map((d) => [d.where, d] as const))("%s", (_where, { source: written }) => {
    it("is static text apart from shared fragment constants, so what is checked is what is sent", () => {
      expect(() => resolveFragments(written)).not.toThrow();
      expect(resolveFragments(written)).not.toContain("${");
    });

    it("parses, names every operation, validates against 2026-10 and selects no protected customer data", () => {
      const source = resolveFragments(written);
      const document: DocumentNode = parse(source);
      const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      expect(operations.length).toBeGreaterThan(0);
      // Named operations show up in Shopify's API health reports and in our logs.
      expect(operations.filter((o) => !o.name).length).toBe(0);
      expect(validate(schema, document).map((e) => e.message)).toEqual([]);
      expect(findProtectedSelections(document, schema)).toEqual([]);
    });
  });
});

describe("live order reads stay under Shopify's single-query cost limit", () => {
  // https://shopify.dev/docs/api/usage/limits#query-cost: a query whose requested
  // cost exceeds 1,000 points is refused before it runs, whatever the bucket holds.
  it.each([
    ["ORDER_QUERY", ORDER_QUERY, { id: "gid://shopify/Order/1", after: null }],
    ["AGREEMENT_SALES_QUERY", AGREEMENT_SALES_QUERY, { id: "gid://shopify/Order/1", agreementAfter: null, salesAfter: null }],
  ])("%s", async (_name, query, variables) => {
    const store = createSimStore({ domain: "cost-check.myshopify.com" });
    const result = await executeAdminGraphql(store, { query, variables });
    const body = result.json as { errors?: unknown; extensions: { cost: { requestedQueryCost: number } } };
    expect(body.errors).toBeUndefined();
    expect(body.extensions.cost.requestedQueryCost).toBeLessThanOrEqual(SINGLE_QUERY_MAX_COST);
    // …and uses most of it: fewer, larger pages.
    expect(body.extensions.cost.requestedQueryCost).toBeGreaterThan(SINGLE_QUERY_MAX_COST * 0.8);
  });
});

describe("the checks catch what they must", () => {
  const check = (query: string) => {
    const document = parse(query);
    return { errors: validate(schema, document).map((e) => e.message), flagged: findProtectedSelections(document, schema) };
  };

  it("flags a customer's email on orders", () => {
    const { errors, flagged } = check(`query { orders(first: 1) { nodes { customer { email } } } }`);
    expect(errors).toEqual([]);
    expect(flagged).toEqual(["Order.customer"]);
  });

  it("flags statusPageUrl, shipping addresses and staff members", () => {
    expect(check(`query Q { order(id: "gid://shopify/Order/1") { statusPageUrl } }`).flagged).toEqual(["Order.statusPageUrl"]);
    expect(check(`query Q { orders(first: 5) { nodes { shippingAddress { address1 } } } }`).flagged).toEqual(["Order.shippingAddress"]);
    // Typed StaffMember, whatever the field is called (agreements are the SalesAgreement interface).
    expect(check(`query Q { orders(first: 5) { nodes { agreements(first: 5) { nodes { user { id } } } } } }`).flagged).toEqual([
      "SalesAgreement.user",
    ]);
    expect(check(`query Q { orders(first: 5) { nodes { lineItems(first: 5) { nodes { staffMember { id } } } } } }`).flagged).toEqual([
      "LineItem.staffMember",
    ]);
  });

  it("flags free text, buyer identifiers and protected types reached through fragments", () => {
    const { errors, flagged } = check(`
      query Q {
        orders(first: 5) { nodes { note email clientIp displayAddress { city } purchasingEntity { ... on Customer { id } } } }
        node(id: "gid://shopify/Customer/1") { ...Buyer }
        shop { contactEmail accountOwner { id } }
      }
      fragment Buyer on Customer { id }
    `);
    expect(errors).toEqual([]);
    expect(flagged).toEqual([
      "Order.note",
      "Order.email",
      "Order.clientIp",
      "Order.displayAddress",
      "... on Customer",
      "Shop.contactEmail",
      "Shop.accountOwner",
      "fragment Buyer on Customer",
    ]);
  });

  it("leaves margin data alone (order money, line items, products, unit costs)", () => {
    const { errors, flagged } = check(`
      query Q {
        orders(first: 5) {
          nodes {
            id name processedAt currencyCode totalPriceSet { shopMoney { amount currencyCode } }
            agreements(first: 5) { nodes { id happenedAt sales(first: 10) { nodes { id lineType actionType quantity totalAmount { shopMoney { amount } } ... on ProductSale { lineItem { id sku } } } } } }
            lineItems(first: 10) { nodes { id quantity variant { id displayName inventoryItem { unitCost { amount currencyCode } } } } }
          }
        }
      }
    `);
    expect(errors).toEqual([]);
    expect(flagged).toEqual([]);
  });

  it("reports an invalid field through validation", () => {
    expect(check(`query Q { orders(first: 1) { nodes { marginNotes } } }`).errors).toEqual([
      'Cannot query field "marginNotes" on type "Order".',
    ]);
  });

  it("lists only types that exist in the schema (a typo would silently disable a check)", () => {
    const names = [...Object.keys(PROTECTED_CUSTOMER_DATA.types), ...Object.keys(PROTECTED_CUSTOMER_DATA.personTypes)];
    expect(names.filter((name) => !schema.getType(name))).toEqual([]);
  });

  it("refuses an interpolation that is not a shared fragment constant", () => {
    expect(() => resolveFragments("query Q { shop { ...F } } ${EXTRA_FIELDS}")).toThrow("EXTRA_FIELDS");
    expect(resolveFragments("query Q { orders(first: 1) { nodes { agreements(first: 1) { nodes { sales(first: 1) { nodes { ...MarginNotesSale } } } } } } } ${SALE_FRAGMENT}")).toContain(
      "fragment MarginNotesSale on Sale",
    );
  });

  it("extracts documents from source text the way the scan above does", () => {
    const sample = "const A = `#graphql\n  query A { shop { name } }\n`;\nconst B = `not graphql`;\nconst C = `\n  #graphql\n  query C { shop { id } }`;";
    expect([...sample.matchAll(GRAPHQL_LITERAL)].map((m) => parse(m[1] ?? "").definitions.length)).toEqual([1, 1]);
  });
});
