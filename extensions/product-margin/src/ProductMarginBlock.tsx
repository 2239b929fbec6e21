/** @jsxImportSource preact */
/**
 * Product details block (admin.product-details.block.render): this product's net
 * sales, units, gross profit, margin and cost coverage over the last 30 days against
 * the 30 before, from the app's backend (GET /api/extensions/product/:id). Compact:
 * admin blocks open 300 px high with "Show more" below
 * (https://shopify.dev/docs/api/admin-extensions/latest/polaris-web-components/other/adminblock).
 */
import "@shopify/ui-extensions/preact";

import type { BlockFigures, ProductBlock } from "../../../app/reports/admin-blocks.server";
import { blockEntry, ChangeText, FigureRow, MarginBlock, OpenAppLink, type Translate } from "../../shared/block-parts";

const hasSales = (f: BlockFigures) => f.netSales !== "0.00" || f.units !== 0;

export default blockEntry(() => (
  <MarginBlock<ProductBlock>
    kind="product"
    summary={(block, t) =>
      hasSales(block.current) ? t("summary", { netSales: block.current.display.netSales, grossMargin: block.current.display.grossMargin }) : t("summaryEmpty")}
  >
    {(block, t) => <Figures t={t} block={block} />}
  </MarginBlock>
));

function Figures({ t, block }: { t: Translate; block: ProductBlock }) {
  const { current, previous, changes, variants } = block;
  if (!hasSales(current) && !hasSales(previous)) {
    return (
      <s-stack direction="block" gap="small-200">
        <s-paragraph>{t("empty")}</s-paragraph>
        <MissingCost t={t} block={block} />
        <OpenAppLink label={t("openApp")} />
      </s-stack>
    );
  }
  return (
    <s-stack direction="block" gap="small-200">
      <s-text color="subdued">{t("period")}</s-text>
      {block.completeFrom && <s-text color="subdued">{t("completeFrom", { date: block.completeFrom.display })}</s-text>}
      <s-stack direction="block" gap="small-400">
        <FigureRow label={t("figures.netSales")} value={current.display.netSales} change={<ChangeText t={t} change={changes.netSales} />} />
        <FigureRow label={t("figures.units")} value={current.display.units} change={<ChangeText t={t} change={changes.units} />} />
        <FigureRow label={t("figures.grossProfit")} value={current.display.grossProfit} change={<ChangeText t={t} change={changes.grossProfit} />} />
        <FigureRow label={t("figures.grossMargin")} value={current.display.grossMargin} change={<ChangeText t={t} change={changes.grossMargin} />} />
        <FigureRow label={t("figures.costCoverage")} value={current.display.costCoverage} />
      </s-stack>
      <MissingCost t={t} block={block} />
      {variants.withoutCost === 0 && current.netSalesWithoutCost === "0.00" && <OpenAppLink label={t("openApp")} />}
    </s-stack>
  );
}

/** Sales without cost in the period, or variants without a cost today: say so and link to the Costs page. */
function MissingCost({ t, block }: { t: Translate; block: ProductBlock }) {
  const { current, variants } = block;
  const uncostedSales = current.netSalesWithoutCost !== "0.00";
  if (!uncostedSales && variants.withoutCost === 0) return null;
  return (
    <s-banner tone="warning" heading={t("missingCost.heading")}>
      <s-stack direction="block" gap="small-300">
        {uncostedSales && <s-paragraph>{t("missingCost.sales", { amount: current.display.netSalesWithoutCost })}</s-paragraph>}
        {variants.withoutCost > 0 && <s-paragraph>{t("missingCost.variants", { count: variants.withoutCost, total: variants.total })}</s-paragraph>}
        {/* The Costs page, filtered to this product's missing costs (app/sync/costs/params.ts: filter, q). */}
        <OpenAppLink label={t("missingCost.fix")} path={`app/costs?${new URLSearchParams({ filter: "missing", q: block.title.slice(0, 100) })}`} />
      </s-stack>
    </s-banner>
  );
}
