/**
 * The dashboard's chart in Chromium, at desktop and phone widths (issue 13): the
 * comparison period as a second line with a legend naming both periods by their
 * dates (and saying so when there is none), a single day by the hour whose figures
 * add up to the day's cards, a Polaris-styled tooltip reached by keyboard showing
 * both values and the change under the app's sign rule, and net profit as a
 * selectable line labelled an estimate when its card is. axe clean; screenshots.
 */
import path from "node:path";

import type { Browser, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, kpiCard, launchChromium, MERCHANT_UA, moneyCents, navigateInApp, openDashboardWithData } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function open(width: number, height: number) {
  const page = await browser.newPage({ viewport: { width, height }, userAgent: MERCHANT_UA });
  const errors: string[] = [];
  // Any page error fails the test, a hydration mismatch included.
  page.on("pageerror", (e) => errors.push(e.message));
  await openDashboardWithData(page, inject("e2e").adminUrl);
  return { page, errors };
}

const chartOf = (frame: Frame) => frame.locator('[data-testid="sales-chart"]');
const legendOf = (frame: Frame) => frame.locator('[data-testid="chart-legend"]');
const tooltipOf = (frame: Frame) => frame.locator('[data-testid="chart-tooltip"]');
const metricButton = (frame: Frame, name: string) => frame.getByRole("group", { name: "Figure to draw" }).getByRole("button", { name, exact: true });

/** Goes to the dashboard with `query` and waits for its chart to be drawn. */
async function showDashboard(page: Page, query: string): Promise<Frame> {
  await navigateInApp(page, `/app?${query}`);
  const frame = appFrame(page);
  await expect.poll(() => new URL(frame.url()).search.includes(query), { timeout: 30_000 }).toBe(true);
  await frame.locator('[data-testid="sales-chart"] .recharts-wrapper > svg').waitFor({ timeout: 30_000 });
  await frame.getByRole("heading", { name: "Net sales", level: 3 }).waitFor({ timeout: 30_000 });
  return frame;
}

/** The chart's figures as its hidden table has them: per row, the first column and the cells' text. */
async function tableRows(frame: Frame): Promise<Array<{ label: string; cells: string[] }>> {
  const rows = frame.locator('[data-testid="sales-chart-table"] tbody tr');
  const out: Array<{ label: string; cells: string[] }> = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i);
    out.push({ label: await row.locator("th").innerText(), cells: await row.locator("td").allInnerTexts() });
  }
  return out;
}

/** Focuses the drawing with Tab, as a keyboard user does; the tooltip follows the arrow keys. */
async function focusChart(page: Page, frame: Frame) {
  await metricButton(frame, "Net sales").focus();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    const onChart = await frame.evaluate(`Boolean(document.activeElement && document.activeElement.closest('[data-testid="sales-chart"]'))`);
    if (onChart) return;
  }
  throw new Error("Tab never reached the chart");
}

describe("the dashboard's sales chart", () => {
  for (const [width, height] of [[1440, 900], [390, 844]] as const) {
    it(`draws the comparison, a keyboard tooltip with the change, net profit, and a day by the hour at ${width} px`, async () => {
      const { page, errors } = await open(width, height);

      // Last 30 days against the previous period: a second, grey dashed line, both periods named by their dates.
      let frame = await showDashboard(page, "preset=last30");
      const legend = await legendOf(frame).innerText();
      expect(legend).toMatch(/Net sales, [A-Z][a-z]{2} \d{1,2}(, \d{4})? – [A-Z][a-z]{2} \d{1,2}, \d{4}/);
      expect(legend).toMatch(/Previous period, [A-Z][a-z]{2} \d{1,2}(, \d{4})? – [A-Z][a-z]{2} \d{1,2}, \d{4}/);
      const chart = chartOf(frame);
      expect(await chart.getAttribute("data-grain")).toBe("day");
      expect(await chart.locator('path.recharts-line-curve[stroke-dasharray="4 3"]').count(), "the comparison line").toBe(1);
      const table = await tableRows(frame);
      expect(table).toHaveLength(30);
      // Each day faces the comparison day at the same position (30 days earlier).
      const firstCompare = table[0]!.cells[4]!;
      expect(firstCompare).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/);
      expect(Date.parse(table[1]!.cells[4]!) - Date.parse(firstCompare)).toBe(86_400_000);

      // Keyboard: the drawing is a tab stop; the arrow keys move a tooltip in Polaris' style.
      await focusChart(page, frame);
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      const tooltip = tooltipOf(frame);
      await tooltip.waitFor({ timeout: 10_000 });
      const tip = await tooltip.innerText();
      expect(tip).toContain("Net sales");
      expect(tip).toContain("Previous period,");
      const [now, before] = [...tip.matchAll(/-?\$[\d,]+\.\d\d/g)].map((m) => moneyCents(m[0]));
      expect(now).toBeDefined();
      expect(before).toBeDefined();
      // The change follows the one sign rule: up when net sales got bigger, down when smaller.
      if (before! !== 0) {
        const expected = now! > before! ? "↑" : now! < before! ? "↓" : "No change";
        expect(tip).toContain(expected);
        expect(tip).not.toContain(expected === "↑" ? "↓" : "↑");
      }
      const style = await tooltip.evaluate((el) => {
        const s = getComputedStyle(el);
        return { shadow: s.boxShadow, radius: parseFloat(s.borderTopLeftRadius), background: s.backgroundColor };
      });
      expect(style.shadow).not.toBe("none");
      expect(style.radius).toBeGreaterThan(0);
      expect(style.background).toBe("rgb(255, 255, 255)");
      expect(await axeViolations(frame)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, `sales-chart-tooltip-${width}.png`) });

      // Net profit as the line; "includes estimates" exactly when its card says so.
      await metricButton(frame, "Net profit").click();
      await expect.poll(() => chart.getAttribute("data-metric")).toBe("netProfit");
      const estimated = (await kpiCard(frame, "Net profit").getByText("Includes estimates").count()) > 0;
      const profitLegend = await legendOf(frame).innerText();
      expect(profitLegend).toContain("Net profit");
      expect(profitLegend.includes("includes estimates")).toBe(estimated);
      expect(await metricButton(frame, "Net profit").getAttribute("aria-pressed")).toBe("true");
      // The table's net profit adds up to the card's.
      const profitCells = (await tableRows(frame)).map((r) => moneyCents(r.cells[2]!));
      expect(profitCells.reduce((a, b) => a + b, 0)).toBe(moneyCents(await kpiCard(frame, "Net profit").innerText()));

      // No comparison chosen: no second line, and the legend says so.
      frame = await showDashboard(page, "preset=last30&compare=none");
      await expect.poll(() => legendOf(frame).innerText(), { timeout: 30_000 }).toContain("No comparison period chosen");
      expect(await chartOf(frame).locator('path.recharts-line-curve[stroke-dasharray="4 3"]').count()).toBe(0);

      // A year back the demo store had no sales: no line, "no data for the comparison period".
      frame = await showDashboard(page, "preset=last30&compare=previous_year");
      await expect.poll(() => legendOf(frame).innerText(), { timeout: 30_000 }).toMatch(/No data for the comparison period \([A-Z][a-z]{2} \d{1,2}/);
      expect(await chartOf(frame).locator('path.recharts-line-curve[stroke-dasharray="4 3"]').count()).toBe(0);

      // Yesterday by the hour, against the day before: its hours add up to the day's cards.
      frame = await showDashboard(page, "preset=yesterday");
      await expect.poll(() => chartOf(frame).getAttribute("data-grain"), { timeout: 30_000 }).toBe("hour");
      const hours = await tableRows(frame);
      expect([23, 24, 25]).toContain(hours.length);
      expect(hours[0]!.label).toMatch(/, 12 AM$/);
      expect(hours.at(-1)!.label).toMatch(/, 11 PM$/);
      const netSales = hours.reduce((sum, r) => sum + moneyCents(r.cells[0]!), 0);
      const grossProfit = hours.reduce((sum, r) => sum + moneyCents(r.cells[1]!), 0);
      const orders = hours.reduce((sum, r) => sum + Number(r.cells[2]!), 0);
      console.log(`yesterday by the hour (${width} px): ${hours.length} hours, net sales ${netSales / 100}, gross profit ${grossProfit / 100}, ${orders} orders`);
      expect(netSales).toBeGreaterThan(0);
      expect(netSales).toBe(moneyCents(await kpiCard(frame, "Net sales").innerText()));
      expect(grossProfit).toBe(moneyCents(await kpiCard(frame, "Gross profit").innerText()));
      expect(orders).toBe(Number((await kpiCard(frame, "Orders").innerText()).match(/Orders\s+([\d,]+)/)![1]!.replace(/,/g, "")));
      expect(await legendOf(frame).innerText()).toMatch(/Previous period, [A-Z][a-z]{2} \d{1,2}, \d{4}/);
      // Hours carry no net profit (it is figured per day): not offered, and the chart says why.
      expect(await metricButton(frame, "Net profit").count()).toBe(0);
      expect(await frame.locator('[data-testid="chart-hours-note"]').innerText()).toContain("Net profit is figured by the day");
      expect(await axeViolations(frame)).toEqual([]);
      await frame.locator('[data-testid="sales-chart"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, `sales-chart-hours-${width}.png`) });

      expect(errors).toEqual([]);
      await page.close();
    }, 300_000);
  }
});
