/** @jsxImportSource preact */
/**
 * Order details block (admin.order-details.block.render): this order's net sales,
 * cost of goods and gross profit as Margin Notes counts them (the ledger's sales of
 * the order: the order, its edits and its returns), from the app's backend
 * (GET /api/extensions/order/:id), its payment fees (Shopify's own, from the order's
 * transactions, plus the merchant's rate on payments without fee data, labelled an
 * estimate) and profit after them, with what is missing said: product lines without a
 * recorded cost, payments with neither fee data nor a rate, a test order. Compact: admin blocks open 300 px high
 * (https://shopify.dev/docs/api/admin-extensions/latest/polaris-web-components/other/adminblock).
 */
import "@shopify/ui-extensions/preact";

import type { OrderBlock } from "../../../app/reports/admin-blocks.server";
import { blockEntry, FigureRow, MarginBlock, OpenAppLink, type Translate } from "../../shared/block-parts";

export default blockEntry(() => (
  <MarginBlock<OrderBlock>
    kind="order"
    summary={(block, t) => t("summary", { grossProfit: block.figures.display.grossProfit, netSales: block.figures.display.netSales })}
  >
    {(block, t) => <Figures t={t} block={block} />}
  </MarginBlock>
));

function Figures({ t, block }: { t: Translate; block: OrderBlock }) {
  const { figures, uncostedLines, productLines, paymentFees } = block;
  return (
    <s-stack direction="block" gap="small-200">
      {block.test && <s-badge tone="info">{t("test")}</s-badge>}
      <s-stack direction="block" gap="small-400">
        <FigureRow label={t("figures.netSales")} value={figures.display.netSales} />
        <FigureRow label={t("figures.cogs")} value={figures.display.cogs} />
        <FigureRow label={t("figures.grossProfit")} value={figures.display.grossProfit} />
        {paymentFees && <FigureRow label={t("figures.paymentFees")} value={paymentFees.display.amount} />}
        {paymentFees && <FigureRow label={t("figures.profit")} value={paymentFees.display.profitAfterFees} />}
      </s-stack>
      {uncostedLines > 0 && (
        <s-banner tone="warning">
          <s-paragraph>{t("uncosted", { count: uncostedLines, total: productLines, amount: figures.display.netSalesWithoutCost })}</s-paragraph>
        </s-banner>
      )}
      {paymentFees && paymentFees.estimatedGateways.length > 0 && (
        <s-text color="subdued">
          {t("feesEstimated", { amount: paymentFees.display.estimated, gateways: paymentFees.estimatedGateways.join(", ") })}
        </s-text>
      )}
      {paymentFees && paymentFees.withoutFeeData.transactions > 0 && (
        <s-stack direction="block" gap="small-400">
          <s-text color="subdued">
            {t("feesMissing", { gateways: paymentFees.withoutFeeData.gateways.join(", "), amount: paymentFees.display.amountWithoutFeeData })}
          </s-text>
          <OpenAppLink label={t("setRates")} path="app/expenses" />
        </s-stack>
      )}
      {!paymentFees && <s-text color="subdued">{t("feesNone")}</s-text>}
      {block.cancelled && <s-text color="subdued">{t("cancelled")}</s-text>}
      <OpenAppLink label={t("openApp")} />
    </s-stack>
  );
}
