/**
 * Settings are the store owner's: who that is comes from Shopify's online token
 * exchange (account_owner), never from the offline session or the session token.
 * Everyone else gets a read-only page, and their POST is a 403 that changes nothing.
 */
import { and, eq } from "drizzle-orm";
import { decode } from "turbo-stream";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents, jobs, shopSettings } from "~/db/schema.server";
import { asSystem } from "~/db/tenant.server";
import { DEFAULT_SETTINGS, type Settings } from "~/settings.server";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import { mockOnlineTokenExchange } from "../mocks/online-token";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

const OWNER = "1";
const STAFF = "42";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);

async function installShop(shop: string) {
  addStore(simulator, shop, { ianaTimezone: "Europe/Berlin" });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) });
  const response = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${await response.text()}`);
}

async function decodeSingleFetch(response: Response): Promise<unknown> {
  const decoded = await decode(response.body!, {
    plugins: [
      (type: string, ...values: unknown[]) => {
        if (type === "ErrorResponse") return { value: { status: values[1], data: values[0] } };
        if (type === "SingleFetchClassInstance") return { value: values[0] };
        return undefined;
      },
    ],
  });
  await decoded.done;
  return decoded.value;
}

interface SettingsPageData {
  settings: Settings;
  owner: boolean;
  unverified: string | null;
  timezone: string;
  emailConfigured: boolean;
}

async function page(shop: string, userId: string): Promise<SettingsPageData> {
  const response = await request(bearerRequest(shop, "/app/settings.data", { token: idToken(shop, { userId }) }));
  expect(response.status).toBe(200);
  const value = (await decodeSingleFetch(response)) as Record<string, { data: SettingsPageData }>;
  return value["routes/app.settings"]!.data;
}

const form = (values: Record<string, string>) =>
  new URLSearchParams({ narrativeDailyLimit: "30", weeklyReportEnabled: "on", weeklyReportWeekday: "5", weeklyReportHour: "7", reportEmail: "owner@example.com", ...values });

async function save(shop: string, userId: string, values: Record<string, string> = {}) {
  const response = await request(bearerRequest(shop, "/app/settings.data", { method: "POST", token: idToken(shop, { userId }), body: form(values) }));
  const value = (await decodeSingleFetch(response)) as { data?: { ok: boolean; message?: string; changed?: string[]; fieldErrors?: Record<string, string>; nextWeeklyReport?: string | null } };
  return { status: response.status, data: value.data! };
}

const stored = (shop: string) => asSystem("test: settings", (tx) => tx.select().from(shopSettings).where(eq(shopSettings.shopId, shop)));
const settingsEvents = (shop: string) =>
  asSystem("test: events", (tx) => tx.select().from(auditEvents).where(and(eq(auditEvents.shopId, shop), eq(auditEvents.action, "settings.updated"))));

describe("settings", () => {
  it("lets the store owner change them: saved, audited with the changed fields (never the address), weekly report queued", async () => {
    const exchange = mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
    const shop = newShop();
    await installShop(shop);

    const before = await page(shop, OWNER);
    expect(before).toMatchObject({ owner: true, unverified: null, timezone: "Europe/Berlin", settings: DEFAULT_SETTINGS, emailConfigured: false });

    const { status, data } = await save(shop, OWNER);
    expect(status).toBe(200);
    expect(data).toMatchObject({ ok: true, changed: ["narrativeDailyLimit", "weeklyReportEnabled", "weeklyReportWeekday", "weeklyReportHour", "reportEmail"] });
    // Friday 07:00 in Berlin.
    const next = new Date(data.nextWeeklyReport!);
    expect(new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(next)).toBe("Friday 07:00");

    expect(await stored(shop)).toEqual([expect.objectContaining({ narrativeDailyLimit: 30, weeklyReportEnabled: true, weeklyReportWeekday: 5, weeklyReportHour: 7, reportEmail: "owner@example.com", updatedBy: `staff:${OWNER}` })]);
    const [event] = await settingsEvents(shop);
    expect(event).toMatchObject({ actorType: "staff", actorId: OWNER });
    expect(event!.meta).toEqual({ changed: "narrativeDailyLimit,weeklyReportEnabled,weeklyReportWeekday,weeklyReportHour,reportEmail", narrativeDailyLimit: 30, weeklyReportEnabled: true, weeklyReportWeekday: 5, weeklyReportHour: 7, reportEmail: "set" });
    expect(JSON.stringify(event)).not.toContain("owner@example.com");

    const queued = await asSystem("test: jobs", (tx) => tx.select().from(jobs).where(and(eq(jobs.shopId, shop), eq(jobs.kind, "reports.weekly"))));
    expect(queued).toHaveLength(1);
    expect(queued[0]!.runAt.toISOString()).toBe(next.toISOString());
    expect(queued[0]!.payload).toEqual({ shop, occurrence: next.toISOString(), weekday: 5, hour: 7 });

    // Saving the same values changes nothing and records nothing; the answer was cached.
    expect((await save(shop, OWNER)).data).toMatchObject({ ok: true, changed: [] });
    expect(await settingsEvents(shop)).toHaveLength(1);
    expect(exchange.calls.every((c) => c.shop === shop && c.sub === OWNER)).toBe(true);
  });

  it("lets the owner turn AI off and on (audited); a form without the switch leaves it as it is; staff cannot", async () => {
    mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
    const shop = newShop();
    await installShop(shop);
    expect((await page(shop, OWNER)).settings.aiEnabled).toBe(true);

    expect((await save(shop, OWNER, { aiEnabled: "false" })).data).toMatchObject({ ok: true, changed: expect.arrayContaining(["aiEnabled"]) });
    expect(await stored(shop)).toEqual([expect.objectContaining({ aiEnabled: false })]);
    expect((await settingsEvents(shop))[0]!.meta).toMatchObject({ aiEnabled: false });
    expect((await page(shop, OWNER)).settings.aiEnabled).toBe(false);
    // The settings page says so.
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) });
    const html = await (await request(new Request(`${TEST_APP_URL}/app/settings?${params}`, { headers: { "User-Agent": BROWSER_UA } }))).text();
    expect(html).toContain("AI is off: Margin Notes writes narratives itself");

    // A POST that does not carry the switch does not turn AI back on.
    expect((await save(shop, OWNER, { narrativeDailyLimit: "31" })).data).toMatchObject({ ok: true, changed: ["narrativeDailyLimit"] });
    expect((await stored(shop))[0]!.aiEnabled).toBe(false);
    expect((await save(shop, STAFF, { aiEnabled: "true" })).status).toBe(403);
    expect((await stored(shop))[0]!.aiEnabled).toBe(false);
    expect((await save(shop, OWNER, { aiEnabled: "true", narrativeDailyLimit: "31" })).data).toMatchObject({ ok: true, changed: ["aiEnabled"] });
    expect((await stored(shop))[0]!.aiEnabled).toBe(true);
    expect((await save(shop, OWNER, { aiEnabled: "maybe" })).status).toBe(400);
  });

  it("shows staff who are not the owner a read-only page and refuses their POST with a 403, changing nothing", async () => {
    mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
    const shop = newShop();
    await installShop(shop);
    expect(await page(shop, STAFF)).toMatchObject({ owner: false, unverified: null, settings: DEFAULT_SETTINGS });

    const { status, data } = await save(shop, STAFF, { narrativeDailyLimit: "100" });
    expect(status).toBe(403);
    expect(data).toMatchObject({ ok: false, message: "Only the store owner can change these settings." });
    expect(await stored(shop)).toEqual([]);
    expect(await settingsEvents(shop)).toEqual([]);

    // The page itself renders read-only.
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: STAFF }) });
    const html = await (await request(new Request(`${TEST_APP_URL}/app/settings?${params}`, { headers: { "User-Agent": BROWSER_UA } }))).text();
    expect(html).toContain("Only the store owner can change these settings");
    expect(html).toContain("Narratives per day");
  });

  it("fails closed when Shopify cannot confirm who the user is", async () => {
    mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER], failWith: 503 });
    const shop = newShop();
    await installShop(shop);
    const data = await page(shop, OWNER);
    expect(data).toMatchObject({ owner: false, unverified: expect.stringMatching(/Shopify did not confirm who you are/) });
    expect((await save(shop, OWNER)).status).toBe(403);
    expect(await stored(shop)).toEqual([]);
  });

  it("answers invalid values with a 400 and a message per field", async () => {
    mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
    const shop = newShop();
    await installShop(shop);
    const { status, data } = await save(shop, OWNER, { narrativeDailyLimit: "101", weeklyReportHour: "24", weeklyReportWeekday: "x", reportEmail: "not-an-email" });
    expect(status).toBe(400);
    expect(data).toMatchObject({
      ok: false,
      fieldErrors: {
        narrativeDailyLimit: "Narratives per day must be between 1 and 100",
        weeklyReportHour: "The time must be between 0 and 23",
        weeklyReportWeekday: "The day must be a whole number",
        reportEmail: "Enter a valid email address, or leave it empty",
      },
    });
    expect(await stored(shop)).toEqual([]);
  });
});
