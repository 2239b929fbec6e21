/**
 * Every Admin GraphQL document the app sends, named and tagged #graphql.
 * tests/mocks/shopify/graphql-documents.test.ts validates each against Shopify's
 * 2026-10 schema and fails if one selects protected customer data.
 */

export const SHOP_PROFILE_QUERY = `#graphql
  query MarginNotesShopProfile {
    shop {
      name
      myshopifyDomain
      currencyCode
      ianaTimezone
    }
  }
`;

export interface ShopProfile {
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
      ... on BulkOperation { id status errorCode objectCount url partialDataUrl completedAt }
    }
  }
`;

/**
 * One order's current state, for live webhooks: always re-read from Shopify, so
 * duplicate and out-of-order deliveries converge on the same ledger. Sized to stay
 * under the 1,000-point single-query cost limit (3 agreements × 25 sales a page):
 * agreements page; an agreement with more than 25 sales (very rare) is left to the
 * next bulk reconciliation and logged.
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
        nodes {
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
`;
