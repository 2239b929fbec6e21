import path from "node:path";

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { appFrame, ARTIFACTS, axeViolations, launchChromium, MERCHANT_UA, openDashboardWithData, titleBarButton } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());


describe("the report narrative in the demo (no Anthropic key: written by Margin Notes)", () => {
  it("saves a report, writes its narrative, and shows exactly the data behind it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 2000 }, userAgent: MERCHANT_UA });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const frame = await openDashboardWithData(page, inject("e2e").adminUrl);

    // Save a report (the admin's title bar): the app opens the saved snapshot.
    await expect.poll(() => titleBarButton(page, "Save report").isEnabled(), { timeout: 30_000 }).toBe(true);
    await titleBarButton(page, "Save report").click();
    await expect.poll(() => new URL(appFrame(page).url()).pathname, { timeout: 30_000 }).toMatch(/^\/app\/reports\/[0-9a-f-]{36}$/);
    await frame.getByRole("heading", { name: "Narrative" }).waitFor({ timeout: 30_000 });
    expect(await frame.getByText("No narrative yet. Margin Notes writes one from this report's totals, without AI.").isVisible()).toBe(true);

    // Write it: the button shows progress, then the narrative.
    await frame.getByRole("button", { name: "Write narrative" }).click();
    await frame.getByRole("heading", { name: "Insights" }).waitFor({ timeout: 30_000 });
    expect(await frame.getByText("Written by Margin Notes (no AI)").first().isVisible()).toBe(true);
    expect(await frame.getByRole("heading", { name: "Suggested actions" }).isVisible()).toBe(true);
    expect(await frame.getByText(/^Net sales of \$[\d,]+\.\d\d from [\d,]+ orders/).isVisible()).toBe(true);
    expect(await frame.getByRole("button", { name: "Regenerate" }).isVisible()).toBe(true);

    // The story leads with what moved net sales (or calls it noise); never a "strongest stretch" of days.
    const story = await frame.locator('h3:has-text("Insights") + ul').innerText();
    expect(story).toMatch(/What moved it, largest first|within normal day-to-day variation/);
    expect(story).not.toMatch(/strongest stretch/i);

    // Nothing went to an AI, and the disclosure says so: it is not "Data sent to AI".
    expect(await frame.getByRole("button", { name: "Data sent to AI" }).count()).toBe(0);
    // The disclosure opens from the keyboard and shows the exact input, as JSON.
    const disclosure = frame.getByRole("button", { name: "Figures this summary was written from (nothing was sent to an AI)" });
    expect(await disclosure.getAttribute("aria-expanded")).toBe("false");
    await disclosure.focus();
    await page.keyboard.press("Enter");
    // Generous: under a loaded CI machine the re-render after the key press can take seconds.
    await expect.poll(() => disclosure.getAttribute("aria-expanded"), { timeout: 30_000 }).toBe("true");
    const json = frame.locator('[data-testid="narrative-input-json"]');
    await json.waitFor({ state: "visible" });
    const input = JSON.parse(await json.innerText()) as Record<string, unknown>;
    expect(Object.keys(input).sort()).toEqual(
      ["changesPercent", "comparison", "comparisonMetrics", "costGaps", "currencyCode", "dailySales", "drivers", "inputVersion", "metrics", "netProfitDrivers", "period", "smallCellMinimum", "topProducts"],
    );
    expect(input.inputVersion).toBe(4);
    expect(input.drivers).not.toBeNull();
    expect(JSON.stringify(input)).not.toMatch(/productId|gid:\/\/|#\d{4}|@/);
    expect(await frame.getByText("Margin Notes wrote this summary itself, without AI: nothing was sent anywhere.", { exact: false }).isVisible()).toBe(true);

    await page.screenshot({ path: path.join(ARTIFACTS, "narrative.png"), fullPage: true });

    // The saved report's statement and products carry the profit basis; the page stays axe-clean.
    for (const term of ["Net sales with cost recorded", "Net sales without cost recorded", "Gross profit (net sales with cost − cost of goods sold)"]) {
      expect(await frame.getByText(term, { exact: true }).count(), term).toBe(1);
    }
    expect(await frame.getByRole("columnheader", { name: /Net sales without cost/ }).count()).toBeGreaterThan(0);
    // Saved today, over a range ending today: today's point was still filling when it was taken.
    expect(await frame.locator('[data-testid="chart-partial-note"]').innerText()).toMatch(/\(in progress\)/);
    const serious = (await axeViolations(frame)).filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);

    // Regenerate writes a new one without leaving the page.
    const narrated = async () => {
      // The Activity export, fetched from inside the app (App Bridge adds the session token).
      const csv = (await frame.evaluate(`fetch("/app/activity/export?action=report.narrated").then((r) => r.text())`)) as string;
      return csv.trim().split("\n").length - 1;
    };
    const before = await narrated();
    expect(before).toBeGreaterThanOrEqual(1);
    await frame.getByRole("button", { name: "Regenerate" }).click();
    await expect.poll(() => frame.getByRole("button", { name: "Regenerate" }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await expect.poll(narrated, { timeout: 10_000 }).toBe(before + 1);

    // A double click writes one narrative, not two (button disabled while it runs, and the
    // server answers a repeat of the same press with the first one's narrative).
    await frame.getByRole("button", { name: "Regenerate" }).dblclick();
    await expect.poll(() => frame.getByRole("button", { name: "Regenerate" }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await page.waitForTimeout(1_000);
    expect(await narrated()).toBe(before + 2);

    // The same press reaching the server twice (a double click that got through, a retried
    // request): two concurrent POSTs for the narrative the page shows write one narrative.
    const action = `${new URL(appFrame(page).url()).pathname}/narrative`;
    const ids = (await frame.evaluate(`(async () => {
      const shown = (await (await fetch(${JSON.stringify(action)})).json()).narrative.id;
      const press = () => fetch(${JSON.stringify(action)}, { method: "POST", body: new URLSearchParams({ intent: "narrate", mode: "auto", replaces: shown }) })
        .then((r) => r.json()).then((b) => b.narrative && b.narrative.id);
      const answers = await Promise.all([press(), press()]);
      return [shown, ...answers];
    })()`)) as string[];
    expect(ids[1]).toBeTruthy();
    expect(ids[1]).not.toBe(ids[0]);
    expect(ids[2]).toBe(ids[1]);
    expect(await narrated()).toBe(before + 3);
    expect(errors).toEqual([]);
    await page.close();
  });
});
