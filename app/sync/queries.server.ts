/**
 * Every Admin GraphQL document the app sends, named and tagged #graphql.
 * tests/mocks/shopify/graphql-documents.test.ts validates each against Shopify's
 * 2026-10 schema and fails if one selects protected customer data.
 */

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

export interface ShopProfile {
  /** gid://shopify/Shop/<n> */
  id?: string;
  name: string;
  myshopifyDomain: string;
  currencyCode: string;
  ianaTimezone: string;
}

// ---------------------------------------------------------------------------
// Sales ledger. Money is read in shop currency (shopMoney) only. The sale
// fields select ids and amounts, never a person: no customer, no staff user,
// no addresses, no notes, no order names.
// ---------------------------------------------------------------------------

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
          agreements {
            edges {
              node {
                id
                happenedAt
                reason
                sales {
                  edges {
                    node {
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
                  }
                }
              }
            }
          }
        }
      }
    }
  }
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
              nodes {
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
            }
          }
        }
      }
    }
  }
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
            nodes {
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
          }
        }
      }
    }
  }
`;
