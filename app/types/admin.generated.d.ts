/* eslint-disable */
import type * as AdminTypes from './admin.types.js';

export type MarginNotesShopProfileQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MarginNotesShopProfileQuery = { shop: Pick<AdminTypes.Shop, 'id' | 'name' | 'myshopifyDomain' | 'currencyCode' | 'ianaTimezone'> };

type MarginNotesSale_AdditionalFeeSale_Fragment = (
  Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_AdjustmentSale_Fragment = (
  Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_DutySale_Fragment = (
  Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_FeeSale_Fragment = (
  Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_GiftCardSale_Fragment = (
  Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_ProductSale_Fragment = (
  Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { lineItem: (
    Pick<AdminTypes.LineItem, 'id'>
    & { variant?: AdminTypes.Maybe<(
      Pick<AdminTypes.ProductVariant, 'id'>
      & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
    )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
  ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_ShippingLineSale_Fragment = (
  Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_TipSale_Fragment = (
  Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

type MarginNotesSale_UnknownSale_Fragment = (
  Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
  & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
);

export type MarginNotesSaleFragment = MarginNotesSale_AdditionalFeeSale_Fragment | MarginNotesSale_AdjustmentSale_Fragment | MarginNotesSale_DutySale_Fragment | MarginNotesSale_FeeSale_Fragment | MarginNotesSale_GiftCardSale_Fragment | MarginNotesSale_ProductSale_Fragment | MarginNotesSale_ShippingLineSale_Fragment | MarginNotesSale_TipSale_Fragment | MarginNotesSale_UnknownSale_Fragment;

export type MarginNotesPaymentFragment = (
  Pick<AdminTypes.OrderTransaction, 'id' | 'kind' | 'status' | 'gateway' | 'processedAt' | 'createdAt'>
  & { amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, fees: Array<(
    Pick<AdminTypes.TransactionFee, 'rate' | 'type'>
    & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, flatFee: Pick<AdminTypes.MoneyV2, 'amount'>, taxAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
  )> }
);

export type MarginNotesShippingLineFragment = Pick<AdminTypes.ShippingLine, 'title' | 'code' | 'source'>;

export type MarginNotesOrdersBulkQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MarginNotesOrdersBulkQuery = { orders: { edges: Array<{ node: (
        Pick<AdminTypes.Order, 'id' | 'createdAt' | 'processedAt' | 'cancelledAt' | 'updatedAt' | 'test' | 'currencyCode'>
        & { transactions: Array<(
          Pick<AdminTypes.OrderTransaction, 'id' | 'kind' | 'status' | 'gateway' | 'processedAt' | 'createdAt'>
          & { amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, fees: Array<(
            Pick<AdminTypes.TransactionFee, 'rate' | 'type'>
            & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, flatFee: Pick<AdminTypes.MoneyV2, 'amount'>, taxAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
          )> }
        )>, shippingLines: { edges: Array<{ node: Pick<AdminTypes.ShippingLine, 'id' | 'title' | 'code' | 'source'> }> }, agreements: { edges: Array<{ node: (
              Pick<AdminTypes.OrderAgreement, 'id' | 'happenedAt' | 'reason'>
              & { sales: { edges: Array<{ node: (
                    Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { lineItem: (
                      Pick<AdminTypes.LineItem, 'id'>
                      & { variant?: AdminTypes.Maybe<(
                        Pick<AdminTypes.ProductVariant, 'id'>
                        & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                      )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
                    ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) }> } }
            ) | (
              Pick<AdminTypes.OrderEditAgreement, 'id' | 'happenedAt' | 'reason'>
              & { sales: { edges: Array<{ node: (
                    Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { lineItem: (
                      Pick<AdminTypes.LineItem, 'id'>
                      & { variant?: AdminTypes.Maybe<(
                        Pick<AdminTypes.ProductVariant, 'id'>
                        & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                      )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
                    ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) }> } }
            ) | (
              Pick<AdminTypes.RefundAgreement, 'id' | 'happenedAt' | 'reason'>
              & { sales: { edges: Array<{ node: (
                    Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { lineItem: (
                      Pick<AdminTypes.LineItem, 'id'>
                      & { variant?: AdminTypes.Maybe<(
                        Pick<AdminTypes.ProductVariant, 'id'>
                        & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                      )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
                    ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) }> } }
            ) | (
              Pick<AdminTypes.ReturnAgreement, 'id' | 'happenedAt' | 'reason'>
              & { sales: { edges: Array<{ node: (
                    Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { lineItem: (
                      Pick<AdminTypes.LineItem, 'id'>
                      & { variant?: AdminTypes.Maybe<(
                        Pick<AdminTypes.ProductVariant, 'id'>
                        & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                      )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
                    ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) | (
                    Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
                    & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
                  ) }> } }
            ) }> } }
      ) }> } };

export type MarginNotesProductsBulkQueryVariables = AdminTypes.Exact<{ [key: string]: never; }>;


export type MarginNotesProductsBulkQuery = { products: { edges: Array<{ node: (
        Pick<AdminTypes.Product, 'id' | 'title' | 'updatedAt'>
        & { variants: { edges: Array<{ node: (
              Pick<AdminTypes.ProductVariant, 'id' | 'title' | 'sku'>
              & { inventoryItem: (
                Pick<AdminTypes.InventoryItem, 'id'>
                & { unitCost?: AdminTypes.Maybe<Pick<AdminTypes.MoneyV2, 'amount'>> }
              ) }
            ) }> } }
      ) }> } };

export type MarginNotesBulkRunMutationVariables = AdminTypes.Exact<{
  query: AdminTypes.Scalars['String']['input'];
}>;


export type MarginNotesBulkRunMutation = { bulkOperationRunQuery?: AdminTypes.Maybe<{ bulkOperation?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status'>>, userErrors: Array<Pick<AdminTypes.BulkOperationUserError, 'field' | 'message' | 'code'>> }> };

export type MarginNotesBulkStatusQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MarginNotesBulkStatusQuery = { node?: AdminTypes.Maybe<Pick<AdminTypes.BulkOperation, 'id' | 'status' | 'errorCode' | 'objectCount' | 'rootObjectCount' | 'url' | 'partialDataUrl' | 'createdAt' | 'completedAt'>> };

export type MarginNotesOrderQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  after?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MarginNotesOrderQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'createdAt' | 'processedAt' | 'cancelledAt' | 'updatedAt' | 'test' | 'currencyCode'>
    & { transactionsCount?: AdminTypes.Maybe<Pick<AdminTypes.Count, 'count'>>, transactions: Array<(
      Pick<AdminTypes.OrderTransaction, 'id' | 'kind' | 'status' | 'gateway' | 'processedAt' | 'createdAt'>
      & { amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, fees: Array<(
        Pick<AdminTypes.TransactionFee, 'rate' | 'type'>
        & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, flatFee: Pick<AdminTypes.MoneyV2, 'amount'>, taxAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
      )> }
    )>, shippingLines: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage'>, nodes: Array<Pick<AdminTypes.ShippingLine, 'title' | 'code' | 'source'>> }, agreements: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, edges: Array<(
        Pick<AdminTypes.SalesAgreementEdge, 'cursor'>
        & { node: (
          Pick<AdminTypes.OrderAgreement, 'id' | 'happenedAt' | 'reason'>
          & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
              Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { lineItem: (
                Pick<AdminTypes.LineItem, 'id'>
                & { variant?: AdminTypes.Maybe<(
                  Pick<AdminTypes.ProductVariant, 'id'>
                  & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
              ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            )> } }
        ) | (
          Pick<AdminTypes.OrderEditAgreement, 'id' | 'happenedAt' | 'reason'>
          & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
              Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { lineItem: (
                Pick<AdminTypes.LineItem, 'id'>
                & { variant?: AdminTypes.Maybe<(
                  Pick<AdminTypes.ProductVariant, 'id'>
                  & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
              ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            )> } }
        ) | (
          Pick<AdminTypes.RefundAgreement, 'id' | 'happenedAt' | 'reason'>
          & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
              Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { lineItem: (
                Pick<AdminTypes.LineItem, 'id'>
                & { variant?: AdminTypes.Maybe<(
                  Pick<AdminTypes.ProductVariant, 'id'>
                  & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
              ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            )> } }
        ) | (
          Pick<AdminTypes.ReturnAgreement, 'id' | 'happenedAt' | 'reason'>
          & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
              Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { lineItem: (
                Pick<AdminTypes.LineItem, 'id'>
                & { variant?: AdminTypes.Maybe<(
                  Pick<AdminTypes.ProductVariant, 'id'>
                  & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
                )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
              ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            ) | (
              Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
              & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
            )> } }
        ) }
      )> } }
  )> };

export type MarginNotesAgreementSalesQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
  agreementAfter?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
  salesAfter?: AdminTypes.InputMaybe<AdminTypes.Scalars['String']['input']>;
}>;


export type MarginNotesAgreementSalesQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'updatedAt'>
    & { agreements: { nodes: Array<(
        Pick<AdminTypes.OrderAgreement, 'id'>
        & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
            Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { lineItem: (
              Pick<AdminTypes.LineItem, 'id'>
              & { variant?: AdminTypes.Maybe<(
                Pick<AdminTypes.ProductVariant, 'id'>
                & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
              )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
            ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          )> } }
      ) | (
        Pick<AdminTypes.OrderEditAgreement, 'id'>
        & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
            Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { lineItem: (
              Pick<AdminTypes.LineItem, 'id'>
              & { variant?: AdminTypes.Maybe<(
                Pick<AdminTypes.ProductVariant, 'id'>
                & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
              )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
            ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          )> } }
      ) | (
        Pick<AdminTypes.RefundAgreement, 'id'>
        & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
            Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { lineItem: (
              Pick<AdminTypes.LineItem, 'id'>
              & { variant?: AdminTypes.Maybe<(
                Pick<AdminTypes.ProductVariant, 'id'>
                & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
              )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
            ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          )> } }
      ) | (
        Pick<AdminTypes.ReturnAgreement, 'id'>
        & { sales: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage' | 'endCursor'>, nodes: Array<(
            Pick<AdminTypes.AdditionalFeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.AdjustmentSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.DutySale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.FeeSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.GiftCardSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ProductSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { lineItem: (
              Pick<AdminTypes.LineItem, 'id'>
              & { variant?: AdminTypes.Maybe<(
                Pick<AdminTypes.ProductVariant, 'id'>
                & { inventoryItem: Pick<AdminTypes.InventoryItem, 'id'> }
              )>, product?: AdminTypes.Maybe<Pick<AdminTypes.Product, 'id'>> }
            ), totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.ShippingLineSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.TipSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          ) | (
            Pick<AdminTypes.UnknownSale, 'id' | 'actionType' | 'lineType' | 'quantity'>
            & { totalAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalDiscountAmountBeforeTaxes: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> }, totalTaxAmount: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount'> } }
          )> } }
      )> } }
  )> };

export type MarginNotesOrderPaymentsQueryVariables = AdminTypes.Exact<{
  id: AdminTypes.Scalars['ID']['input'];
}>;


export type MarginNotesOrderPaymentsQuery = { order?: AdminTypes.Maybe<(
    Pick<AdminTypes.Order, 'id' | 'updatedAt'>
    & { transactions: Array<(
      Pick<AdminTypes.OrderTransaction, 'id' | 'kind' | 'status' | 'gateway' | 'processedAt' | 'createdAt'>
      & { amountSet: { shopMoney: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }, fees: Array<(
        Pick<AdminTypes.TransactionFee, 'rate' | 'type'>
        & { amount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'>, flatFee: Pick<AdminTypes.MoneyV2, 'amount'>, taxAmount: Pick<AdminTypes.MoneyV2, 'amount' | 'currencyCode'> }
      )> }
    )>, shippingLines: { pageInfo: Pick<AdminTypes.PageInfo, 'hasNextPage'>, nodes: Array<Pick<AdminTypes.ShippingLine, 'title' | 'code' | 'source'>> } }
  )> };

interface GeneratedQueryTypes {
  "#graphql\n  query MarginNotesShopProfile {\n    shop {\n      id\n      name\n      myshopifyDomain\n      currencyCode\n      ianaTimezone\n    }\n  }\n": {return: MarginNotesShopProfileQuery, variables: MarginNotesShopProfileQueryVariables},
  "#graphql\n  query MarginNotesOrdersBulk {\n    orders {\n      edges {\n        node {\n          id\n          createdAt\n          processedAt\n          cancelledAt\n          updatedAt\n          test\n          currencyCode\n          # Payments and their Shopify fees (a list: inline on the order's line), and the\n          # shipping method (a connection: lines of their own with __parentId). Never an address.\n          transactions { ...MarginNotesPayment }\n          shippingLines {\n            edges { node { id ...MarginNotesShippingLine } }\n          }\n          agreements {\n            edges {\n              node {\n                id\n                happenedAt\n                reason\n                sales {\n                  edges {\n                    node { ...MarginNotesSale }\n                  }\n                }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n  #graphql\n  fragment MarginNotesSale on Sale {\n    id\n    actionType\n    lineType\n    quantity\n    totalAmount { shopMoney { amount } }\n    totalDiscountAmountBeforeTaxes { shopMoney { amount } }\n    totalTaxAmount { shopMoney { amount } }\n    ... on ProductSale {\n      lineItem { id variant { id inventoryItem { id } } product { id } }\n    }\n  }\n\n  #graphql\n  fragment MarginNotesPayment on OrderTransaction {\n    id\n    kind\n    status\n    gateway\n    processedAt\n    createdAt\n    amountSet { shopMoney { amount currencyCode } }\n    fees { amount { amount currencyCode } flatFee { amount } rate type taxAmount { amount currencyCode } }\n  }\n\n  fragment MarginNotesShippingLine on ShippingLine {\n    title\n    code\n    source\n  }\n\n": {return: MarginNotesOrdersBulkQuery, variables: MarginNotesOrdersBulkQueryVariables},
  "#graphql\n  query MarginNotesProductsBulk {\n    products {\n      edges {\n        node {\n          id\n          title\n          updatedAt\n          variants {\n            edges {\n              node {\n                id\n                title\n                sku\n                inventoryItem { id unitCost { amount } }\n              }\n            }\n          }\n        }\n      }\n    }\n  }\n": {return: MarginNotesProductsBulkQuery, variables: MarginNotesProductsBulkQueryVariables},
  "#graphql\n  query MarginNotesBulkStatus($id: ID!) {\n    node(id: $id) {\n      ... on BulkOperation { id status errorCode objectCount rootObjectCount url partialDataUrl createdAt completedAt }\n    }\n  }\n": {return: MarginNotesBulkStatusQuery, variables: MarginNotesBulkStatusQueryVariables},
  "#graphql\n  query MarginNotesOrder($id: ID!, $after: String) {\n    order(id: $id) {\n      id\n      createdAt\n      processedAt\n      cancelledAt\n      updatedAt\n      test\n      currencyCode\n      # Payments with their fees and the shipping method (the read completes them\n      # through ORDER_PAYMENTS_QUERY when an order has more: transactionsCount says).\n      transactionsCount { count }\n      transactions(first: 20) {\n        ...MarginNotesPayment\n      }\n      shippingLines(first: 3) {\n        pageInfo { hasNextPage }\n        nodes { ...MarginNotesShippingLine }\n      }\n      agreements(first: 3, after: $after) {\n        pageInfo { hasNextPage endCursor }\n        edges {\n          cursor\n          node {\n            id\n            happenedAt\n            reason\n            sales(first: 25) {\n              pageInfo { hasNextPage endCursor }\n              nodes { ...MarginNotesSale }\n            }\n          }\n        }\n      }\n    }\n  }\n  #graphql\n  fragment MarginNotesSale on Sale {\n    id\n    actionType\n    lineType\n    quantity\n    totalAmount { shopMoney { amount } }\n    totalDiscountAmountBeforeTaxes { shopMoney { amount } }\n    totalTaxAmount { shopMoney { amount } }\n    ... on ProductSale {\n      lineItem { id variant { id inventoryItem { id } } product { id } }\n    }\n  }\n\n  #graphql\n  fragment MarginNotesPayment on OrderTransaction {\n    id\n    kind\n    status\n    gateway\n    processedAt\n    createdAt\n    amountSet { shopMoney { amount currencyCode } }\n    fees { amount { amount currencyCode } flatFee { amount } rate type taxAmount { amount currencyCode } }\n  }\n\n  fragment MarginNotesShippingLine on ShippingLine {\n    title\n    code\n    source\n  }\n\n": {return: MarginNotesOrderQuery, variables: MarginNotesOrderQueryVariables},
  "#graphql\n  query MarginNotesAgreementSales($id: ID!, $agreementAfter: String, $salesAfter: String) {\n    order(id: $id) {\n      id\n      updatedAt\n      agreements(first: 1, after: $agreementAfter) {\n        nodes {\n          id\n          sales(first: 80, after: $salesAfter) {\n            pageInfo { hasNextPage endCursor }\n            nodes { ...MarginNotesSale }\n          }\n        }\n      }\n    }\n  }\n  #graphql\n  fragment MarginNotesSale on Sale {\n    id\n    actionType\n    lineType\n    quantity\n    totalAmount { shopMoney { amount } }\n    totalDiscountAmountBeforeTaxes { shopMoney { amount } }\n    totalTaxAmount { shopMoney { amount } }\n    ... on ProductSale {\n      lineItem { id variant { id inventoryItem { id } } product { id } }\n    }\n  }\n\n": {return: MarginNotesAgreementSalesQuery, variables: MarginNotesAgreementSalesQueryVariables},
  "#graphql\n  query MarginNotesOrderPayments($id: ID!) {\n    order(id: $id) {\n      id\n      updatedAt\n      transactions(first: 100) {\n        ...MarginNotesPayment\n      }\n      shippingLines(first: 10) {\n        pageInfo { hasNextPage }\n        nodes { ...MarginNotesShippingLine }\n      }\n    }\n  }\n  #graphql\n  fragment MarginNotesPayment on OrderTransaction {\n    id\n    kind\n    status\n    gateway\n    processedAt\n    createdAt\n    amountSet { shopMoney { amount currencyCode } }\n    fees { amount { amount currencyCode } flatFee { amount } rate type taxAmount { amount currencyCode } }\n  }\n\n  fragment MarginNotesShippingLine on ShippingLine {\n    title\n    code\n    source\n  }\n\n": {return: MarginNotesOrderPaymentsQuery, variables: MarginNotesOrderPaymentsQueryVariables},
}

interface GeneratedMutationTypes {
  "#graphql\n  mutation MarginNotesBulkRun($query: String!) {\n    bulkOperationRunQuery(query: $query) {\n      bulkOperation { id status }\n      userErrors { field message code }\n    }\n  }\n": {return: MarginNotesBulkRunMutation, variables: MarginNotesBulkRunMutationVariables},
}
declare module '@shopify/admin-api-client' {
  type InputMaybe<T> = AdminTypes.InputMaybe<T>;
  interface AdminQueries extends GeneratedQueryTypes {}
  interface AdminMutations extends GeneratedMutationTypes {}
}
