import { and, desc, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { auditEvents } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { ACTIVITY_PAGE_SIZE, type ActivityPage } from "~/security/audit-log.server";
import { audit, type AuditEvent } from "~/security/audit.server";

import { addStore, appHandler, bearerRequest, BROWSER_UA, hostParam, idToken, install, startSimulator } from "../app-harness";
import { parseCsv } from "../csv";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { compliancePayloads, signedWebhook, type WebhookOptions } from "../mocks/shopify/webhooks";
import { decodeSingleFetch } from "../single-fetch";
import { TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const request = async (r: Request) => (await appHandler())(r);

const deliver = (options: Omit<WebhookOptions, "appUrl" | "secret">) =>
  request(signedWebhook({ appUrl: TEST_APP_URL, secret: TEST_API_SECRET, ...options }));

/** The Activity route's loader data, decoded from Remix's single-fetch stream. */
async function activity(shop: string, query = ""): Promise<{ status: number; page?: ActivityPage; error?: { status: number; data: unknown } }> {
  const response = await request(bearerRequest(shop, `/app/activity.data${query ? `?${query}` : ""}`));
  const decoded = await decodeSingleFetch(response);
  const route = (decoded.value as Record<string, { data?: ActivityPage; error?: { status: number; data: unknown } }>)["routes/app.activity"];
  return { status: response.status, page: route?.data, error: route?.error };
}

async function installWithEvents(shop: string) {
  await install(simulator, shop);
  await deliver({ topic: "app/scopes_update", shop, payload: { id: 1, current: ["read_orders", "read_products"], previous: ["read_orders"] } });
  await deliver({ topic: "customers/redact", shop, payload: compliancePayloads.customersRedact(shop) });
  await deliver({ topic: "customers/data_request", shop, payload: compliancePayloads.customersDataRequest(shop) });
}

const record = (shop: string, event: AuditEvent) => withShop(shop, (tx) => audit(tx, shop, event));

/** The shop's events as the database holds them, newest first. */
const onRecord = (shop: string, action?: string) =>
  asSystem("test: events on record", (tx) =>
    tx.select().from(auditEvents)
      .where(and(eq(auditEvents.shopId, shop), action ? eq(auditEvents.action, action) : undefined))
      .orderBy(desc(auditEvents.seq)),
  );
const seqAndAction = (events: Array<{ seq: number; action: string }>) => events.map(({ seq, action }) => ({ seq, action }));

describe("Activity page data", () => {
  it("shows only the session's shop's events, newest first, with human labels", async () => {
    const shop = newShop("mine");
    const other = newShop("other");
    await installWithEvents(shop);
    await installWithEvents(other);
    await record(other, { action: "keys.verified", actor: { type: "cli" }, target: `canary:${other}` });

    const { status, page } = await activity(shop);
    expect(status).toBe(200);
    // The first embedded load runs the layout and page loaders in parallel, and on
    // Postgres both may record the install: compare with what is on record.
    const expected = seqAndAction(await onRecord(shop));
    expect(seqAndAction(page!.rows)).toEqual(expected);
    expect(expected.slice(0, 3).map((e) => e.action)).toEqual(["customers.data_request_received", "customers.redact_received", "app.scopes_updated"]);
    expect(expected.at(-1)).toEqual({ seq: 1, action: "app.installed" });
    expect(page!.rows.find((r) => r.action === "app.installed")).toMatchObject({ actionLabel: "App installed", actor: "Shopify" });
    expect(page!.nextBefore).toBeNull();
    expect(page!.previous).toBeNull();
    expect(page!.actions.map((a) => a.value)).toContain("audit.exported");
    expect(JSON.stringify(page)).not.toContain(other);
    expect(JSON.stringify(page)).not.toContain("canary.customer@example.com");

    // The other shop sees its own five, and nothing of ours.
    const theirs = await activity(other);
    expect(theirs.page!.rows.map((r) => r.seq)).toEqual((await onRecord(other)).map((e) => e.seq));
    expect(theirs.page!.rows[0]).toMatchObject({ action: "keys.verified", actor: "CLI", target: `canary:${other}` });
    expect(JSON.stringify(theirs.page)).not.toContain(shop);
  });

  it("labels actors and shows times in the shop's time zone", async () => {
    const shop = newShop();
    addStore(simulator, shop, { ianaTimezone: "Asia/Kolkata" });
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
    expect((await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }))).status).toBe(200);
    await record(shop, { action: "audit.exported", actor: { type: "staff", id: "42" } });
    await record(shop, { action: "audit.pruned", actor: { type: "system" }, meta: { pruned: 3 } });
    await record(shop, { action: "keys.rewrapped", actor: { type: "cli" } });

    const { page } = await activity(shop);
    expect(page!.timezone).toBe("Asia/Kolkata");
    expect(page!.rows.map((r) => r.actor).slice(0, 4)).toEqual(["CLI", "System", "Staff member 42", "Shopify"]);
    expect(page!.rows[1]!.details).toBe("pruned: 3");
    for (const row of page!.rows) {
      // "Dec 3, 2026, 1:44 AM GMT+5:30": the shop's clock (UTC + 5:30, no summer time), the zone named.
      const local = new Date(Date.parse(row.timeIso) + 5.5 * 3_600_000);
      const month = local.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
      const hour = local.getUTCHours() % 12 || 12;
      const minute = String(local.getUTCMinutes()).padStart(2, "0");
      const half = local.getUTCHours() < 12 ? "AM" : "PM";
      expect(row.time).toBe(`${month} ${local.getUTCDate()}, ${local.getUTCFullYear()}, ${hour}:${minute} ${half} GMT+5:30`);
    }
  });

  it("filters by action", async () => {
    const shop = newShop();
    await installWithEvents(shop);
    await deliver({ topic: "customers/redact", shop, payload: compliancePayloads.customersRedact(shop) });
    const { page } = await activity(shop, "action=customers.redact_received");
    const redactions = (await onRecord(shop, "customers.redact_received")).map((e) => e.seq);
    expect(redactions).toHaveLength(2);
    expect(page!.rows.map((r) => r.seq)).toEqual(redactions);
    expect(page!.filter).toEqual({ action: "customers.redact_received" });
    const none = await activity(shop, "action=audit.pruned");
    expect(none.status).toBe(200);
    expect(none.page!.rows).toEqual([]);
    // "All" submits an empty action.
    expect((await activity(shop, "action=")).page!.rows).toHaveLength((await onRecord(shop)).length);
  });

  it("pages through the log with a seq cursor, 25 at a time, both ways", async () => {
    const shop = newShop();
    await install(simulator, shop);
    for (let i = 0; i < 60; i++) {
      await record(shop, { action: i % 2 ? "keys.verified" : "keys.rewrapped", actor: { type: "cli" }, meta: { i } });
    }
    // 60 events on top of the install's (one, or two when both first loaders record it).
    const total = (await onRecord(shop)).length;
    const range = (from: number, count: number) => Array.from({ length: count }, (_, k) => from - k);
    const first = await activity(shop);
    expect(first.page!.rows.map((r) => r.seq)).toEqual(range(total, ACTIVITY_PAGE_SIZE));
    expect(first.page!.previous).toBeNull();
    expect(first.page!.nextBefore).toBe(total - 24);

    const second = await activity(shop, `before=${first.page!.nextBefore}`);
    expect(second.page!.rows.map((r) => r.seq)).toEqual(range(total - 25, ACTIVITY_PAGE_SIZE));
    expect(second.page!.previous).toEqual({});
    const third = await activity(shop, `before=${second.page!.nextBefore}`);
    expect(third.page!.rows.map((r) => r.seq)).toEqual(range(total - 50, total - 50));
    expect(third.page!.nextBefore).toBeNull();
    expect(third.page!.previous).toEqual({ before: total - 24 });
    const back = await activity(shop, `before=${third.page!.previous!.before}`);
    expect(back.page!.rows.map((r) => r.seq)).toEqual(second.page!.rows.map((r) => r.seq));

    // The cursor composes with the filter: 30 keys.verified events (odd i), 25 + 5.
    const filtered = await activity(shop, "action=keys.verified");
    expect(filtered.page!.rows.every((r) => r.action === "keys.verified")).toBe(true);
    const rest = await activity(shop, `action=keys.verified&before=${filtered.page!.nextBefore}`);
    expect(rest.page!.rows).toHaveLength(5);
    expect(rest.page!.nextBefore).toBeNull();
    expect(rest.page!.previous).toEqual({});
  });

  it("answers bad params with a 400 and a clear message, never a 500", async () => {
    const shop = newShop();
    await install(simulator, shop);
    const cases: Array<[string, RegExp]> = [
      ["action=app.hacked", /action must be one of the listed actions/],
      ["action=%3Cscript%3E", /action must be one of the listed actions/],
      ["before=0", /before must be a positive whole number/],
      ["before=-3", /before must be a positive whole number/],
      ["before=abc", /before must be a positive whole number/],
      ["before=1.5", /before must be a positive whole number/],
      ["before=1e3", /before must be a positive whole number/],
      ["before=99999999999999999999", /before must be a positive whole number/],
    ];
    for (const [query, message] of cases) {
      const { status, error } = await activity(shop, query);
      expect(status, query).toBe(400);
      expect(error?.status, query).toBe(400);
      expect(String(error?.data), query).toMatch(message);
      expect(String(error?.data)).not.toContain("<script>");
    }
    // The document request renders the page's own explanation.
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop), action: "nope" });
    const page = await request(new Request(`${TEST_APP_URL}/app/activity?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("This activity filter is not valid");
    // And the export refuses the same filters before counting or recording anything.
    const exported = await request(bearerRequest(shop, "/app/activity/export?before=x"));
    expect(exported.status).toBe(400);
    expect(await exported.text()).toMatch(/Invalid activity filter: before must be a positive whole number/);
    expect(await onRecord(shop, "audit.exported")).toEqual([]);
  });

  it("renders the page with its nav link, filter, table and export button", async () => {
    const shop = newShop();
    await installWithEvents(shop);
    const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop) });
    const response = await request(new Request(`${TEST_APP_URL}/app/activity?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const text of ["Activity", 'href="/app/activity"', "All actions", "Export CSV", "Customer redaction request received", "Shopify"]) {
      expect(html).toContain(text);
    }
  });
});

describe("Activity CSV export", () => {
  const hostile = '=HYPERLINK("https://evil.example/?x=1","Click, now")';

  it("returns RFC 4180 CSV with formulas neutralised, and audits the export with the staff actor", async () => {
    const shop = newShop();
    await installWithEvents(shop);
    await record(shop, { action: "keys.verified", actor: { type: "cli" }, target: hostile, meta: { note: hostile, lines: "one\r\ntwo" } });
    await record(shop, { action: "keys.verified", actor: { type: "cli" }, target: "+1-555", meta: {} });
    await record(shop, { action: "keys.verified", actor: { type: "cli" }, target: " @SUM(A1)", meta: {} });

    // A first export whose user agent is itself a formula: the next export must neutralise it.
    const agent = `-2+3 ${BROWSER_UA}`;
    const firstRequest = bearerRequest(shop, "/app/activity/export", { token: idToken(shop, { userId: "9001" }) });
    firstRequest.headers.set("User-Agent", agent);
    expect((await request(firstRequest)).status).toBe(200);

    const response = await request(bearerRequest(shop, "/app/activity/export", { token: idToken(shop, { userId: "9001" }) }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const date = new Date().toISOString().slice(0, 10);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="margin-notes-activity-${shop}-${date}.csv"`);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("object-src 'none'");
    expect(response.headers.get("x-frame-options")).toBeNull();

    const text = await response.text();
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(text);
    // The shop's zone (the simulator's default store is in New York) in the header; UTC and the raw code for machines.
    expect(header).toEqual(["seq", "time_utc", "time (America/New_York)", "action", "action_code", "actor", "target", "details", "ip", "user_agent"]);
    // Oldest first, every event of the shop, the first export included.
    const expected = (await onRecord(shop)).reverse();
    expect(expected.at(-1)!.action).toBe("audit.exported");
    expect(rows.map((r) => r[0])).toEqual(expected.slice(0, -1).map((e) => String(e.seq)));
    for (const row of rows) {
      expect(row).toHaveLength(10);
      expect(row[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(row[2]).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M E[SD]T$/);
      // Human names only in the action column: never a raw code like "app.installed".
      expect(row[3]).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(row[4]).toMatch(/^[a-z_]+\.[a-z_]+$/);
      for (const cell of row) expect(cell).not.toMatch(/^\s*[=+\-@\t\r]/);
    }
    const [injected, plus, spaced, firstExport] = rows.slice(-4);
    expect(injected![6]).toBe(`'${hostile}`);
    expect(JSON.parse(injected![7]!)).toEqual({ lines: "one\r\ntwo", note: hostile });
    expect(plus![6]).toBe("'+1-555");
    expect(spaced![6]).toBe("' @SUM(A1)");
    expect(firstExport).toEqual([
      expect.any(String), expect.any(String), expect.any(String), "Activity exported", "audit.exported", "Staff member 9001", "activity.csv",
      JSON.stringify({ action: null, before: null, rows: rows.length - 1, truncated: false }), "", `'${agent}`,
    ]);
    expect(rows[0]!.slice(0, 6)).toEqual(["1", expect.any(String), expect.any(String), "App installed", "app.installed", "Shopify"]);
    // The quoting itself: quotes doubled inside a quoted field.
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example/?x=1"",""Click, now"")"`);

    const exports = await onRecord(shop, "audit.exported");
    expect(exports).toHaveLength(2);
    expect(exports[0]).toMatchObject({ actorType: "staff", actorId: "9001", target: "activity.csv", userAgent: BROWSER_UA });
    expect(exports[0]!.meta).toEqual({ rows: rows.length, truncated: false, action: null, before: null });
  });

  it("exports only the filtered action, and only this shop's events", async () => {
    const shop = newShop("mine");
    const other = newShop("other");
    await installWithEvents(shop);
    await installWithEvents(other);
    const response = await request(bearerRequest(shop, "/app/activity/export?action=customers.redact_received"));
    const [, ...rows] = parseCsv(await response.text());
    const [redaction] = await onRecord(shop, "customers.redact_received");
    expect(rows.map((r) => [r[0], r[3], r[4]])).toEqual([[String(redaction!.seq), "Customer redaction request received", "customers.redact_received"]]);
    const all = await (await request(bearerRequest(shop, "/app/activity/export"))).text();
    expect(all).not.toContain(other);
  });

  it("allows 10 exports an hour per shop; the 11th is a 429 with Retry-After and is not recorded", async () => {
    const shop = newShop();
    const other = newShop("other");
    await install(simulator, shop);
    await install(simulator, other);
    for (let i = 0; i < 10; i++) {
      const response = await request(bearerRequest(shop, "/app/activity/export"));
      expect(response.status, `export ${i + 1}`).toBe(200);
    }
    const refused = await request(bearerRequest(shop, "/app/activity/export"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    expect(await refused.text()).toMatch(/Too many requests: this action is limited to 10 per 1 hour\./);
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await onRecord(shop, "audit.exported")).toHaveLength(10);
    // Another shop's allowance is its own.
    expect((await request(bearerRequest(other, "/app/activity/export"))).status).toBe(200);
  });
});
