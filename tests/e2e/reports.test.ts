import path from "node:path";

import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, kpiCard, launchChromium, MERCHANT_UA, moneyCents, openDashboardWithData } from "./browser";

const KPI_LABELS = ["Net sales", "Total sales", "Orders", "Average order value", "Gross profit", "Gross margin", "Cost of goods sold", "Returns"];

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());


/** Tab (at most 60 times) until the focused element in the app frame matches. */
async function tabTo(page: Page, frame: Frame, matches: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const hit = await frame.evaluate(`(() => { const el = document.activeElement; return Boolean(el && el.matches(${JSON.stringify(matches)})); })()`);
    if (hit) return;
  }
  throw new Error(`Tab never reached ${matches}`);
}

const cents = (digits: string) => Math.round(Number(digits.replace(/,/g, "")) * 100);
const money = moneyCents;

describe("reports on the demo store's dashboard", () => {
  it("shows KPI cards, a drawn chart and the top products, accessible and usable from the keyboard", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2200 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const frame = await openDashboardWithData(page, inject("e2e").adminUrl);

    // KPI cards, each with a value.
    for (const label of KPI_LABELS) {
      const card = frame.locator("section").filter({ has: frame.getByRole("heading", { name: label, exact: true, level: 3 }) });
      await expect.poll(() => card.count(), { message: label }).toBe(1);
      expect((await card.innerText()).split("\n").length, label).toBeGreaterThanOrEqual(2);
    }
    // The totals reconcile as displayed: net sales = with cost + without; gross profit = with cost − COGS.
    const basis = await frame.locator('[data-testid="profit-basis"]').innerText();
    const [net, withCost, withoutCost] = [...basis.matchAll(/\$([\d,]+\.\d\d)/g)].map((m) => cents(m[1]!));
    expect(basis).toMatch(/^Net sales \$[\d,.]+ = \$[\d,.]+ with a recorded cost \+ -?\$[\d,.]+ without \(\d+(\.\d)?% covered\)\./);
    expect(withCost! + withoutCost!).toBe(net);
    const profitCard = await kpiCard(frame, "Gross profit").innerText();
    const [profit, profitWithCost, cogs] = [...profitCard.matchAll(/(-?)\$([\d,]+\.\d\d)/g)].slice(0, 3).map((m) => (m[1] ? -1 : 1) * cents(m[2]!));
    expect(profitWithCost).toBe(withCost);
    expect(profitWithCost! - cogs!).toBe(profit);
    expect(await kpiCard(frame, "Cost of goods sold").innerText()).toContain(profitCard.match(/− (\$[\d,]+\.\d\d) cost of goods sold/)![1]!);
    // One sign for changes: the arrow follows the size of the figure, the colour whether that is good.
    const returns = kpiCard(frame, "Returns");
    const returnsText = await returns.innerText();
    const sizes = [...returnsText.matchAll(/\$([\d,]+\.\d\d)/g)].map((m) => cents(m[1]!));
    if (sizes.length === 2 && sizes[0] !== sizes[1] && /[↑↓]/.test(returnsText)) {
      const grew = sizes[0]! > sizes[1]!;
      expect(returnsText).toContain(grew ? "↑" : "↓");
      expect(await returns.locator(grew ? ".Polaris-Text--critical" : ".Polaris-Text--success").count()).toBeGreaterThan(0);
    }

    // The chart: lazily loaded, drawn with a real size, in the space reserved for it.
    const chart = frame.locator('[data-testid="sales-chart"]');
    const surface = chart.locator(".recharts-wrapper > svg");
    await surface.waitFor({ timeout: 20_000 });
    const box = await surface.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(200);
    expect((await chart.boundingBox())?.height).toBe(280);
    // Today is still filling: its point is drawn apart (dashed, open dot) and named, not as a collapse.
    const note = frame.locator('[data-testid="chart-partial-note"]');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.innerText()).toMatch(/^Partial day, drawn dashed with an open dot: [A-Z][a-z]{2} \d{1,2}, \d{4} \(in progress\)\./);
    // One figure at a time: its line, its partial segment, and the previous period's line.
    expect(await chart.locator("path.recharts-line-curve").count()).toBe(3);
    expect(await chart.locator("circle").count(), "the partial point's open dot (one line drawn now)").toBeGreaterThanOrEqual(1);
    // Reserved height: loading the chart moved nothing (Built for Shopify asks CLS <= 0.1).
    const shift = await frame.evaluate(`new Promise((resolve) => {
      let total = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
        .observe({ type: "layout-shift", buffered: true });
      setTimeout(() => resolve(total), 500);
    })`);
    expect(shift).toBeLessThanOrEqual(0.1);

    // Top products, ranked by net sales; a heading re-ranks through the URL.
    await expect.poll(() => frame.getByRole("heading", { name: "Top products by net sales" }).isVisible()).toBe(true);
    const rows = frame.locator(".Polaris-IndexTable__TableRow");
    expect(await rows.count()).toBeGreaterThan(0);
    for (const column of ["Product", "Net sales", "Net sales without cost", "Net sales with cost", "Cost of goods sold", "Gross profit", "Gross margin", "Units"]) {
      expect(await frame.getByRole("columnheader", { name: new RegExp(column) }).count(), column).toBeGreaterThan(0);
    }
    // Every row reconciles as displayed, and a row with uncosted sales says so.
    const flags = { partial: 0, none: 0 };
    for (const row of await rows.all()) {
      const cells = await row.locator("td, th").allInnerTexts();
      const [netSales, without, withCostRow, cogsRow, profitRow] = cells.slice(1, 6).map(money);
      const margin = cells[6]!;
      expect(withCostRow! + without!, cells.join(" | ")).toBe(netSales);
      expect(withCostRow! - cogsRow!, cells.join(" | ")).toBe(profitRow);
      if (withCostRow === 0) expect(margin).toBe("—");
      // Shown to one decimal from the report's two-decimal figure: two roundings, at most 0.055 apart.
      else expect(Math.abs(Number(margin.replace("%", "")) - (profitRow! / withCostRow!) * 100), cells.join(" | ")).toBeLessThanOrEqual(0.055 + 1e-9);
      const title = cells[0]!;
      const coverage = without === 0 ? "full" : withCostRow === 0 ? "none" : "partial";
      if (coverage === "full") expect(title).not.toMatch(/Partial cost|No cost/);
      else {
        expect(title).toContain(coverage === "none" ? "No cost" : "Partial cost");
        flags[coverage]++;
      }
    }
    // The demo store has products without a recorded cost (tests/mocks/shopify/seed.ts).
    expect(flags.partial + flags.none).toBeGreaterThan(0);

    await page.screenshot({ path: path.join(ARTIFACTS, "dashboard-reports.png"), fullPage: true });

    // No serious or critical accessibility violations (axe-core, in the app frame).
    const violations = await axeViolations(frame);
    const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

    // Keyboard: Tab reaches the date-range button, Enter opens it, Escape closes it.
    await frame.evaluate("document.activeElement && document.activeElement.blur()");
    await tabTo(page, frame, 'button[aria-label^="Date range:"]');
    await page.keyboard.press("Enter");
    await expect.poll(() => frame.getByRole("button", { name: "Apply" }).isVisible()).toBe(true);
    expect(await frame.getByText("Last 90 days").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => frame.getByRole("button", { name: "Apply" }).isVisible()).toBe(false);

    // Choosing a preset puts it in the URL and reloads the figures for it.
    await frame.getByRole("button", { name: /^Date range:/ }).click();
    await frame.getByRole("button", { name: "Last 7 days", exact: true }).click();
    await frame.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => new URL(appFrame(page).url()).searchParams.get("preset")).toBe("last7");
    await expect.poll(() => frame.getByRole("button", { name: /^Date range: Last 7 days/ }).isVisible()).toBe(true);
    await expect.poll(() => frame.getByRole("heading", { name: "Net sales", level: 3 }).isVisible()).toBe(true);

    // Sorting by gross profit ranks by profit, through the URL as well.
    // The table's own sort button (the chart above it has a "Gross profit" line toggle too).
    await frame.getByRole("columnheader", { name: /Gross profit/ }).getByRole("button").first().click();
    await expect.poll(() => new URL(appFrame(page).url()).searchParams.get("sort"), { timeout: 30_000 }).toBe("grossProfit");
    await expect.poll(() => frame.getByRole("heading", { name: "Top products by gross profit" }).isVisible()).toBe(true);

    expect(errors).toEqual([]);
    await page.close();
  });
});
