/**
 * Every Admin GraphQL document the app sends, named and tagged #graphql.
 * tests/mocks/shopify/graphql-documents.test.ts validates each against Shopify's
 * 2026-10 schema and fails if one selects protected customer data. Their result
 * types are generated into app/types/admin.generated.d.ts: after changing a
 * document, run `npm run graphql:codegen` (CI's `npm run graphql:check` fails
 * until the types match).
 */
import type { MarginNotesShopProfileQuery } from "~/types/admin.generated";

export const SHOP_PROFILE_QUERY = `#graphql
  query MarginNotesShopProfile {
    shop {
      id
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
`;

/**
 * The shop as SHOP_PROFILE_QUERY reads it. `id` (gid://shopify/Shop/<n>) is
 * optional here only: the demo and tests record installs without one.
 */
export type ShopProfile = Omit<MarginNotesShopProfileQuery["shop"], "id"> & Partial<Pick<MarginNotesShopProfileQuery["shop"], "id">>;

// ---------------------------------------------------------------------------
// Sales ledger. Money is read in shop currency (shopMoney) only. The sale
// fields select ids and amounts, never a person: no customer, no staff user,
// no addresses, no notes, no order names.
// ---------------------------------------------------------------------------

/**
 * One sale as the ledger reads it, defined once for the backfill (bulk) and the
 * live re-reads, so both fill the ledger from the same fields. Each document
 * that spreads it appends this definition (a whole GraphQL document is sent:
 * operation + fragment). Shopify's bulk query rules restrict connections (at most
 * five, nested two deep, no top-level node/nodes) but not fragments:
 * https://shopify.dev/docs/api/usage/bulk-operations/queries#operation-restrictions
 */
export const SALE_FRAGMENT = `#graphql
  fragment MarginNotesSale on Sale {
    id
    actionType
    lineType
    quantity
    totalAmount { shopMoney { amount } }
    totalDiscountAmountBeforeTaxes { shopMoney { amount } }
    totalTaxAmount { shopMoney { amount } }
    ... on ProductSale {
      lineItem { id variant { id inventoryItem { id } } product { id } }
    }
  }
`;

/**
 * One payment (with Shopify's fees) and one shipping method as the ledger reads
 * them, defined once for the backfill (bulk), the live order read and
 * ORDER_PAYMENTS_QUERY, the way MarginNotesSale is (decisions 0014, 0015). The
 * shipping line is its title, code and source: never an address.
 */
export const PAYMENT_FRAGMENTS = `#graphql
  fragment MarginNotesPayment on OrderTransaction {
    id
    kind
    status
    gateway
    processedAt
    createdAt
    amountSet { shopMoney { amount currencyCode } }
    fees { amount { amount currencyCode } flatFee { amount } rate type taxAmount { amount currencyCode } }
  }

  fragment MarginNotesShippingLine on ShippingLine {
    title
    code
    source
  }
`;

/**
 * What ORDERS_BULK_QUERY reads into the ledger, recorded on each run
 * (sync_runs.ledger_version): 1 = sales only, 2 = with payments (fees) and
 * shipping lines. Raise it when the orders documents start reading something older
 * runs did not: shops whose last completed orders run is older are backfilled once
 * (app/sync/ledger-backfill.server.ts).
 */
export const ORDERS_LEDGER_VERSION = 2;

/** The inner query of the orders backfill (bulkOperationRunQuery runs it unpaginated). */
export const ORDERS_BULK_QUERY = `#graphql
  query MarginNotesOrdersBulk {
    orders {
      edges {
        node {
          id
          createdAt
          processedAt
          cancelledAt
          updatedAt
          test
          currencyCode
          # Payments and their Shopify fees (a list: inline on the order's line), and the
          # shipping method (a connection: lines of their own with __parentId). Never an address.
          transactions { ...MarginNotesPayment }
          shippingLines {
            edges { node { id ...MarginNotesShippingLine } }
          }
          agreements {
            edges {
              node {
                id
                happenedAt
                reason
                sales {
                  edges {
                    node { ...MarginNotesSale }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  ${SALE_FRAGMENT}
  ${PAYMENT_FRAGMENTS}
`;

/** The inner query of the products backfill: titles, variants and current unit costs. */
export const PRODUCTS_BULK_QUERY = `#graphql
  query MarginNotesProductsBulk {
    products {
      edges {
        node {
          id
          title
          updatedAt
          variants {
            edges {
              node {
                id
                title
                sku
                inventoryItem { id unitCost { amount } }
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_RUN_MUTATION = `#graphql
  mutation MarginNotesBulkRun($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }
`;

export const BULK_STATUS_QUERY = `#graphql
  query MarginNotesBulkStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation { id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt }
    }
  }
`;

/**
 * One order's current state, for live webhooks: always re-read from Shopify, so
 * duplicate and out-of-order deliveries converge on the same ledger.
 *
 * Shopify rejects any single query whose requested cost exceeds 1,000 points
 * (https://shopify.dev/docs/api/usage/limits#query-cost: a connection costs its
 * `first` × the cost of one node). A sale with its amounts and product ids costs
 * about 11, so one page holds 3 agreements × 25 sales (837 points). Agreements
 * page with `after`; an agreement with more than 25 sales is completed by
 * AGREEMENT_SALES_QUERY, which needs the cursor of the edge BEFORE it (agreements
 * are not Nodes in 2026-10: `SalesAgreement` implements no `Node`, so `node(id:)`
 * cannot reach one) — hence edges with cursors here.
 */
export const ORDER_QUERY = `#graphql
  query MarginNotesOrder($id: ID!, $after: String) {
    order(id: $id) {
      id
      createdAt
      processedAt
      cancelledAt
      updatedAt
      test
      currencyCode
      # Payments with their fees and the shipping method (the read completes them
      # through ORDER_PAYMENTS_QUERY when an order has more: transactionsCount says).
      transactionsCount { count }
      transactions(first: 20) {
        ...MarginNotesPayment
      }
      shippingLines(first: 3) {
        pageInfo { hasNextPage }
        nodes { ...MarginNotesShippingLine }
      }
      agreements(first: 3, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            id
            happenedAt
            reason
            sales(first: 25) {
              pageInfo { hasNextPage endCursor }
              nodes { ...MarginNotesSale }
            }
          }
        }
      }
    }
  }
  ${SALE_FRAGMENT}
  ${PAYMENT_FRAGMENTS}
`;

/**
 * The further sales pages of one agreement: the order's agreement right after
 * `$agreementAfter` (null: the first), its sales after `$salesAfter`, 80 a page
 * (about 890 points, under the 1,000-point limit). `updatedAt` comes back with
 * every page so a read that spans an edit is detected and started again.
 */
export const AGREEMENT_SALES_QUERY = `#graphql
  query MarginNotesAgreementSales($id: ID!, $agreementAfter: String, $salesAfter: String) {
    order(id: $id) {
      id
      updatedAt
      agreements(first: 1, after: $agreementAfter) {
        nodes {
          id
          sales(first: 80, after: $salesAfter) {
            pageInfo { hasNextPage endCursor }
            nodes { ...MarginNotesSale }
          }
        }
      }
    }
  }
  ${SALE_FRAGMENT}
`;

/**
 * An order's payments and shipping methods in full, for the rare order with more
 * of them than ORDER_QUERY's page holds (about 710 points: 100 transactions × 7).
 */
export const ORDER_PAYMENTS_QUERY = `#graphql
  query MarginNotesOrderPayments($id: ID!) {
    order(id: $id) {
      id
      updatedAt
      transactions(first: 100) {
        ...MarginNotesPayment
      }
      shippingLines(first: 10) {
        pageInfo { hasNextPage }
        nodes { ...MarginNotesShippingLine }
      }
    }
  }
  ${PAYMENT_FRAGMENTS}
`;
