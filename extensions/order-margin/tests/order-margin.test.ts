/// <reference types="@shopify/ui-extensions/admin.order-details.block.render" />
/**
 * The order block under Shopify's extension tester: it reads the block's own
 * shopify.extension.toml, mocks the `shopify` global (the selected order) and fetch.
 */
import path from "node:path";

import { describe, expect, it } from "vitest";

import type { OrderBlock } from "../../../app/reports/admin-blocks.server";
import { answering, blockText, blockUnderTest, describeBlockFrame, settled } from "../../shared/test-harness";

const GID = "gid://shopify/Order/5550001";
const extension = blockUnderTest("admin.order-details.block.render", GID, path.resolve(import.meta.dirname, ".."));

const fees: NonNullable<OrderBlock["paymentFees"]> = {
  transactions: 2, actual: "1.74", estimated: "0.00", amount: "1.74", profitAfterFees: "8.27", estimatedGateways: [],
  withoutFeeData: { gateways: [], transactions: 0, amount: "0.00" },
  display: { actual: "€1.74", estimated: "€0.00", amount: "€1.74", profitAfterFees: "€8.27", amountWithoutFeeData: "€0.00" },
};

const block = (over: Partial<OrderBlock> = {}): OrderBlock => ({
  orderId: "5550001", currencyCode: "EUR", test: false, cancelled: false,
  figures: {
    netSales: "52.51", units: 2, cogs: "12.50", grossProfit: "10.01", grossMarginPercent: "44.47", costCoveragePercent: "42.87", netSalesWithoutCost: "0.00",
    display: { netSales: "€52.51", units: "2", cogs: "€12.50", grossProfit: "€10.01", grossMargin: "44.5%", costCoverage: "42.9%", netSalesWithoutCost: "€0.00" },
  },
  paymentFees: fees,
  uncostedLines: 0,
  productLines: 2,
  ...over,
});

describeBlockFrame({
  extension, url: `/api/extensions/order/${encodeURIComponent(GID)}`,
  ready: block(), readySelector: "s-link", readyText: "Profit after fees €8.27",
  loading: "Loading this order's profit…", errorHeading: "Profit could not be loaded",
  notFound: "Margin Notes has not synced this order yet.",
});

describe("order margin block", () => {
  it("shows revenue, costs, Shopify's payment fees and profit after them, nothing flagged when all is known", async () => {
    extension.fetch = answering(200, block());
    await extension.render();
    await settled("s-link");
    const text = blockText();
    expect(text).toContain("Net sales €52.51");
    expect(text).toContain("Cost of goods €12.50");
    expect(text).toContain("Gross profit €10.01");
    expect(text).toContain("Payment fees €1.74");
    expect(text).toContain("Profit after fees €8.27");
    expect(text).not.toContain("No fee data");
    expect(text).not.toContain("estimated");
    expect(text).not.toContain("no cost recorded");
    expect(document.body.querySelector("s-banner")).toBeNull();
    expect(document.body.querySelector("s-admin-block")!.getAttribute("collapsedSummary")).toBe("€10.01 gross profit on €52.51");
  });

  it("names the gateways without fee data and the lines without a cost", async () => {
    extension.fetch = answering(200, block({
      uncostedLines: 1,
      figures: { ...block().figures, netSalesWithoutCost: "30.00", display: { ...block().figures.display, netSalesWithoutCost: "€30.00" } },
      paymentFees: { ...fees, withoutFeeData: { gateways: ["paypal"], transactions: 1, amount: "15.00" }, display: { ...fees.display, amountWithoutFeeData: "€15.00" } },
    }));
    await extension.render();
    const banner = await settled("s-banner");
    expect(banner.getAttribute("tone")).toBe("warning");
    const text = blockText();
    expect(text).toContain("1 of 2 product lines have no cost recorded (€30.00 of net sales): gross profit covers only the costed lines.");
    expect(text).toContain("No fee data and no fee rate for paypal (€15.00 paid that way): profit after fees leaves those fees out.");
    expect(text).toContain("Profit after fees €8.27");
    expect(text).not.toContain("estimated");
    const links = [...document.body.querySelectorAll("s-link")].map((l) => [l.getAttribute("href"), l.textContent]);
    expect(links).toEqual([["app:app/expenses", "Set fee rates in Margin Notes"], ["app:app", "Open Margin Notes"]]);
  });

  it("labels fees estimated from the merchant's rate", async () => {
    extension.fetch = answering(200, block({
      paymentFees: {
        ...fees, estimated: "1.01", amount: "2.75", profitAfterFees: "7.26", estimatedGateways: ["paypal"],
        display: { ...fees.display, estimated: "€1.01", amount: "€2.75", profitAfterFees: "€7.26" },
      },
    }));
    await extension.render();
    await settled("s-link");
    const text = blockText();
    expect(text).toContain("Payment fees €2.75");
    expect(text).toContain("Profit after fees €7.26");
    expect(text).toContain("Includes €1.01 estimated from your fee rate for paypal (no fee data from the gateway).");
    expect(text).not.toContain("No fee data and no fee rate");
  });

  it("shows an order without payment data without a fees row, saying the fees are unknown", async () => {
    extension.fetch = answering(200, block({ paymentFees: null, test: true }));
    await extension.render();
    await settled("s-link");
    const text = blockText();
    expect(text).toContain("Gross profit €10.01");
    expect(text).not.toContain("Payment fees");
    expect(text).not.toContain("Profit after fees");
    expect(text).toContain("No payment is recorded for this order yet, so its fees are unknown.");
    expect(text).toContain("Test order: left out of Margin Notes' reports.");
  });

});
