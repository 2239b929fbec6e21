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
