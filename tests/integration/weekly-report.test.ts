/**
 * The weekly report job: scheduled in the shop's zone, builds last week's snapshot,
 * narrates it (locally here: no Anthropic key), queues the next week, is idempotent,
 * respects changed settings and the daily limit, and emails through SMTP when set.
 */
import { createServer, type AddressInfo, type Socket } from "node:net";

import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { dailyOrders, dailyRollups, jobs, products, reportNarratives, reports } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { drainJobs, enqueue } from "~/jobs/queue.server";
import { composeWeeklyEmail, sendWeeklyReportEmail } from "~/reports/email.server";
import { runWeeklyReport, WEEKLY_JOB, weeklyJobKey } from "~/reports/jobs.server";
import { buildReport } from "~/reports/build.server";
import { narrateReport } from "~/reports/narrate.server";
import { updateSettings, type SettingsInput } from "~/settings.server";

import { addStore, appHandler, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { deriveReportRollups } from "../report-fixtures";
import { TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const OWNER = { type: "staff", id: "1" } as const;
const WEEKLY: SettingsInput = { narrativeDailyLimit: 20, weeklyReportEnabled: true, weeklyReportWeekday: 1, weeklyReportHour: 8, reportEmail: "owner@example.com" };
// Monday 9 March 2026, 08:00 in New York (EDT since the 8th): the week before is 2–8 March.
const MONDAY_8AM = "2026-03-09T12:00:00.000Z";

async function setUpShop(settings: SettingsInput = WEEKLY) {
  const shop = newShop("weekly");
  addStore(simulator, shop, { name: "Weekly Store", currencyCode: "USD", ianaTimezone: "America/New_York" });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
  const installed = await (await appHandler())(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  if (installed.status !== 200) throw new Error(`install failed: ${installed.status}`);
  // Read to its end: an unread streamed page is aborted seconds later and logs a render error in another test.
  await installed.text();
  await withShop(shop, async (tx) => {
    await tx.insert(products).values({ shopId: shop, productId: 7, title: "Linen <b>Shirt</b>" });
    const days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"];
    await tx.insert(dailyRollups).values(days.map((day) => ({ shopId: shop, day, productId: 7, grossSales: "100", units: 6, cogs: "40", netSalesWithCost: "100" })));
    await tx.insert(dailyOrders).values(days.map((day) => ({ shopId: shop, day, orders: 5, originalNetProduct: "100" })));
    await deriveReportRollups(tx, shop);
  });
  await updateSettings(shop, settings, OWNER, null);
  return shop;
}

const weeklyJobs = (shop: string) => asSystem("test: jobs", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, WEEKLY_JOB))));
const systemReports = (shop: string) => asSystem("test: reports", (tx) => tx.select().from(reports).where(and(eq(reports.shopId, shop), eq(reports.createdBy, "system"))));

describe("weekly report job", () => {
  it("builds last week's snapshot in the shop's zone, narrates it, queues next week, and is idempotent", async () => {
    const shop = await setUpShop();
    const payload = { shop, occurrence: MONDAY_8AM, weekday: 1, hour: 8 };
    const outcome = await runWeeklyReport(payload, new Date("2026-03-09T12:00:03Z"));
    if (outcome.status !== "built") throw new Error(`skipped: ${outcome.reason}`);
    expect(outcome.emailed).toBe(false); // no SMTP configured in tests
    expect(outcome.narrative).toMatchObject({ source: "local", createdAt: expect.any(String) });
    const [saved] = await systemReports(shop);
    expect(saved).toMatchObject({ reportId: outcome.reportId, periodFrom: "2026-03-02", periodTo: "2026-03-08", compareFrom: "2026-02-23", compareTo: "2026-03-01" });
    expect((saved!.data as { current: { netSales: string; orders: number } }).current).toMatchObject({ netSales: "700.00", orders: 35 });

    // Next Monday 08:00 New York time, one job per shop and week.
    expect(outcome.next.toISOString()).toBe("2026-03-16T12:00:00.000Z");
    const queued = await weeklyJobs(shop);
    expect(queued.map((j) => [j.runAt.toISOString(), j.idempotencyKey, j.status])).toEqual([["2026-03-16T12:00:00.000Z", weeklyJobKey(shop, "2026-03-16", 8), "pending"]]);

    // At-least-once delivery: running the same occurrence again reuses everything.
    const again = await runWeeklyReport(payload, new Date("2026-03-09T12:05:00Z"));
    expect(again).toMatchObject({ status: "built", reportId: outcome.reportId });
    expect(await systemReports(shop)).toHaveLength(1);
    expect(await asSystem("test", (tx) => tx.select().from(reportNarratives).where(eq(reportNarratives.shopId, shop)))).toHaveLength(1);
    expect(await weeklyJobs(shop)).toHaveLength(1);
    // Its run time is in the past of the real clock: leave no runnable job for other files' workers.
    await asSystem("test: cleanup", (tx) => tx.delete(jobs).where(eq(jobs.shopId, shop)));
  });

  it("does nothing for a slot the settings no longer name, or once switched off", async () => {
    const shop = await setUpShop();
    await updateSettings(shop, { ...WEEKLY, weeklyReportWeekday: 3 }, OWNER, null);
    expect(await runWeeklyReport({ shop, occurrence: MONDAY_8AM, weekday: 1, hour: 8 })).toEqual({ status: "skipped", reason: "rescheduled" });
    await updateSettings(shop, { ...WEEKLY, weeklyReportEnabled: false }, OWNER, null);
    expect(await runWeeklyReport({ shop, occurrence: MONDAY_8AM, weekday: 1, hour: 8 })).toEqual({ status: "skipped", reason: "disabled" });
    expect(await systemReports(shop)).toEqual([]);
  });

  it("counts against the daily narrative limit: at the limit the report is saved without a narrative", async () => {
    const shop = await setUpShop({ ...WEEKLY, narrativeDailyLimit: 1 });
    const range = { period: { from: "2026-03-02", to: "2026-03-03" }, compare: null, compareMode: "none" as const };
    const { reportId } = await buildReport(shop, range, "USD", OWNER);
    await narrateReport(shop, reportId, OWNER, null, { mode: "local" });
    const outcome = await runWeeklyReport({ shop, occurrence: MONDAY_8AM, weekday: 1, hour: 8 });
    expect(outcome).toMatchObject({ status: "built", narrative: null });
    expect(await systemReports(shop)).toHaveLength(1);
  });

  it("runs through the job queue: the kind is registered with its payload schema", async () => {
    const shop = await setUpShop();
    await enqueue(WEEKLY_JOB, { shop, occurrence: MONDAY_8AM, weekday: 1, hour: 8 }, { shopId: shop, key: `test-${shop}` });
    const stats = await drainJobs({ kinds: [WEEKLY_JOB], shops: [shop], timeoutMs: 20_000 });
    expect(stats.succeeded).toBeGreaterThanOrEqual(1);
    expect(stats.failed).toBe(0);
    expect(await systemReports(shop)).toHaveLength(1);
    await expect(enqueue(WEEKLY_JOB, { shop, occurrence: "monday", weekday: 1, hour: 8 } as never)).rejects.toThrow(/Invalid payload/);
  });
});

describe("weekly report email", () => {
  it("escapes merchant text in the HTML and keeps the subject on one line", () => {
    const mail = composeWeeklyEmail({
      to: "owner@example.com", shopName: "Evil\r\nBcc: x@example.com", period: { from: "2026-03-02", to: "2026-03-08" }, currencyCode: "USD",
      metrics: { netSales: "700.00", orders: 35, grossProfit: "420.00", grossMarginPercent: "60.00" },
      narrative: { headline: "<script>alert(1)</script>", insights: [{ metric: "netSales", text: "a & b" }, { metric: "orders", text: "x" }, { metric: "units", text: "y" }], risks: [], actions: ["Do <b>this</b>"] },
      narrativeLabel: "Written by Margin Notes (no AI)",
    });
    expect(mail.subject).toBe("Evil Bcc: x@example.com: weekly report, 2026-03-02 to 2026-03-08");
    expect(mail.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("Do &lt;b&gt;this&lt;/b&gt;");
    expect(mail.text).toContain("Net sales: $700.00");
  });

  it("states changes under the one sign rule: returns going up is 'up', and an empty week is no data", async () => {
    const { computeMetrics, emptyComponents } = await import("~/reports/metrics");
    const week = (grossSales: string, returns: string, orders: number) =>
      computeMetrics({ ...emptyComponents(), grossSales, returns, orders, originalNetProduct: grossSales });
    const base = { to: "owner@example.com", shopName: "Shop", period: { from: "2026-03-02", to: "2026-03-08" }, currencyCode: "USD", narrative: null, narrativeLabel: null };
    const mail = composeWeeklyEmail({ ...base, metrics: week("3000.00", "-1135.00", 20), previous: week("2500.00", "-1000.00", 16) });
    expect(mail.text).toContain("Returns: -$1,135.00 (up 13.5% on the previous week)");
    expect(mail.text).toContain("Orders: 20 (up 25.0% on the previous week)");
    expect(mail.text).not.toContain("down 13.5%");
    const empty = composeWeeklyEmail({ ...base, metrics: week("3000.00", "-1135.00", 20), previous: week("0", "0", 0) });
    expect(empty.text).toContain("Net sales: $1,865.00 (no data for the previous week)");
    expect(empty.text).not.toMatch(/on the previous week/);
  });

  it("is delivered over SMTP when configured, and not at all when not", async () => {
    const received: string[] = [];
    const server = createServer((socket: Socket) => {
      let buffer = "";
      let inData = false;
      let message = "";
      socket.write("220 test.local ESMTP\r\n");
      socket.on("data", (chunk) => {
        buffer += chunk.toString();
        for (let end = buffer.indexOf("\r\n"); end >= 0; end = buffer.indexOf("\r\n")) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (inData) {
            if (line === ".") {
              inData = false;
              received.push(message);
              socket.write("250 2.0.0 queued\r\n");
            } else message += `${line}\n`;
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === "EHLO" || verb === "HELO") socket.write("250-test.local\r\n250 8BITMIME\r\n");
          else if (verb === "DATA") {
            inData = true;
            message = "";
            socket.write("354 go ahead\r\n");
          } else if (verb === "QUIT") {
            socket.write("221 bye\r\n");
            socket.end();
          } else socket.write("250 OK\r\n");
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const mail = {
        to: "owner@example.com", shopName: "Weekly Store", period: { from: "2026-03-02", to: "2026-03-08" }, currencyCode: "USD",
        metrics: { netSales: "700.00", orders: 35, grossProfit: "420.00", grossMarginPercent: "60.00" }, narrative: null, narrativeLabel: null,
      };
      expect(await sendWeeklyReportEmail(mail, { url: undefined, from: undefined })).toBe(false);
      expect(await sendWeeklyReportEmail(mail, { url: `smtp://127.0.0.1:${port}`, from: "reports@margin-notes.test" })).toBe(true);
      expect(received).toHaveLength(1);
      expect(received[0]).toContain("Subject: Weekly Store: weekly report, 2026-03-02 to 2026-03-08");
      expect(received[0]).toMatch(/From: reports@margin-notes\.test/);
      expect(received[0]).toMatch(/To: owner@example\.com/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
