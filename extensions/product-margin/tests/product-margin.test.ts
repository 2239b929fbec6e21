/// <reference types="@shopify/ui-extensions/admin.product-details.block.render" />
/**
 * The product block under Shopify's extension tester: it reads the block's own
 * shopify.extension.toml, mocks the `shopify` global (the selected product) and fetch.
 */
import path from "node:path";

import { describe, expect, it } from "vitest";

import type { ProductBlock } from "../../../app/reports/admin-blocks.server";
import { answering, blockText, blockUnderTest, describeBlockFrame, settled } from "../../shared/test-harness";

const GID = "gid://shopify/Product/8123456789";
const extension = blockUnderTest("admin.product-details.block.render", GID, path.resolve(import.meta.dirname, ".."));

type Figures = ProductBlock["current"];
const figures = (over: Partial<Omit<Figures, "display">> & { display?: Partial<Figures["display"]> } = {}): Figures => ({
  netSales: "130.00", units: 4, cogs: "37.50", grossProfit: "52.50", grossMarginPercent: "58.33", costCoveragePercent: "100.00", netSalesWithoutCost: "0.00",
  ...over,
  display: { netSales: "€130.00", units: "4", cogs: "€37.50", grossProfit: "€52.50", grossMargin: "58.3%", costCoverage: "100.0%", netSalesWithoutCost: "€0.00", ...over.display },
});

const block = (over: Partial<ProductBlock> = {}): ProductBlock => ({
  productId: "8123456789", title: "Linen Shirt", currencyCode: "EUR",
  period: { from: "2026-11-03", to: "2026-12-02" }, previousPeriod: { from: "2026-10-04", to: "2026-11-02" },
  current: figures(),
  previous: figures({ netSales: "80.00", units: 2, display: { netSales: "€80.00" } }),
  changes: {
    netSales: { text: "62.5%", direction: "up", tone: "success", label: "" },
    units: { text: "100.0%", direction: "up", tone: "success", label: "" },
    grossProfit: { text: "4.6%", direction: "down", tone: "critical", label: "" },
    grossMargin: null,
  },
  variants: { total: 2, withoutCost: 0 },
  completeFrom: null,
  ...over,
});

describeBlockFrame({
  extension, url: `/api/extensions/product/${encodeURIComponent(GID)}`,
  ready: block(), readySelector: "s-link", readyText: "Net sales €130.00",
  loading: "Loading this product's margin…", errorHeading: "Margin could not be loaded",
  notFound: "Margin Notes has no sales data for this product yet.",
});

describe("product margin block", () => {
  it("shows a costed product's figures and changes, and no missing-cost warning", async () => {
    extension.fetch = answering(200, block());
    await extension.render();
    await settled("s-link");
    const text = blockText();
    expect(text).toContain("Last 30 days, vs the 30 days before");
    expect(text).toContain("Net sales €130.00 up 62.5%");
    expect(text).toContain("Units sold 4 up 100.0%");
    expect(text).toContain("Gross profit €52.50 down 4.6%");
    expect(text).toContain("Margin 58.3% nothing to compare");
    expect(text).toContain("Cost recorded 100.0%");
    const badges = [...document.body.querySelectorAll("s-badge")].map((b) => [b.textContent, b.getAttribute("tone")]);
    expect(badges).toEqual([["up 62.5%", "success"], ["up 100.0%", "success"], ["down 4.6%", "critical"]]);
    expect(document.body.querySelector("s-banner")).toBeNull();
    expect(text).not.toContain("no cost");
    const adminBlock = document.body.querySelector("s-admin-block")!;
    expect(adminBlock.getAttribute("heading")).toBe("Margin Notes");
    expect(adminBlock.getAttribute("collapsedSummary")).toBe("€130.00 net sales, 58.3% margin (30 days)");
    expect(document.body.querySelector("s-link")!.getAttribute("href")).toBe("app:app");
  });

  it("withholds the comparison when the app's history starts inside it, and says from when", async () => {
    extension.fetch = answering(200, block({
      changes: { netSales: null, units: null, grossProfit: null, grossMargin: null },
      completeFrom: { day: "2026-10-20", display: "Oct 20, 2026" },
    }));
    await extension.render();
    await settled("s-link");
    const text = blockText();
    expect(text).toContain("Figures are complete from Oct 20, 2026: earlier days are not compared.");
    expect(text).toContain("Net sales €130.00 nothing to compare");
    expect(document.body.querySelector("s-badge")).toBeNull();
  });

  it("says which sales lack a cost and links to the Costs page filtered to this product", async () => {
    extension.fetch = answering(200, block({
      current: figures({ costCoveragePercent: "69.23", netSalesWithoutCost: "40.00", display: { costCoverage: "69.2%", netSalesWithoutCost: "€40.00" } }),
      variants: { total: 2, withoutCost: 1 },
    }));
    await extension.render();
    const banner = await settled("s-banner");
    expect(banner.getAttribute("tone")).toBe("warning");
    expect(banner.getAttribute("heading")).toBe("Some sales have no cost");
    const text = blockText();
    expect(text).toContain("Cost recorded 69.2%");
    expect(text).toContain("€40.00 of this product's net sales in the last 30 days has no cost recorded: gross profit and margin cover only the rest.");
    expect(text).toContain("1 of 2 variants have no cost recorded.");
    const links = [...document.body.querySelectorAll("s-link")].map((l) => [l.getAttribute("href"), l.textContent]);
    expect(links).toEqual([["app:app/costs?filter=missing&q=Linen+Shirt", "Add costs in Margin Notes"]]);
  });

  it("shows the empty state for a product with no sales in either period, and still flags a missing cost", async () => {
    const none = figures({ netSales: "0.00", units: 0, cogs: "0.00", grossProfit: "0.00", grossMarginPercent: null, costCoveragePercent: null, display: { netSales: "€0.00", units: "0" } });
    extension.fetch = answering(200, block({ current: none, previous: none, variants: { total: 1, withoutCost: 1 } }));
    await extension.render();
    await settled("s-banner");
    const text = blockText();
    expect(text).toContain("No sales of this product in the last 60 days.");
    expect(text).not.toContain("Net sales");
    expect(text).toContain("1 of 1 variants have no cost recorded.");
    expect(document.body.querySelector("s-admin-block")!.getAttribute("collapsedSummary")).toBe("No sales in the last 30 days");
  });

});
