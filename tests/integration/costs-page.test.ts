/**
 * The Costs page's requests, through the production build: bad query strings and
 * forms are 4xx with a message (never a 500), writes are the store owner's alone
 * (staff get a 403 that changes nothing), an import with errors applies nothing,
 * and the export is the import's format with formula cells neutralised.
 */
import { sql } from "drizzle-orm";
import { decode } from "turbo-stream";
import { beforeEach, describe, expect, it } from "vitest";

import { queryRows } from "~/db/client.server";
import { asSystem, withShop } from "~/db/tenant.server";

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
  mockOnlineTokenExchange({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, owners: [OWNER] });
});

const request = async (r: Request) => (await appHandler())(r);

async function installShop(shop: string) {
  addStore(simulator, shop, { ianaTimezone: "Europe/Berlin", currencyCode: "EUR" });
  const params = new URLSearchParams({ embedded: "1", shop, host: hostParam(shop), id_token: idToken(shop, { userId: OWNER }) });
  const response = await request(new Request(`${TEST_APP_URL}/app?${params}`, { headers: { "User-Agent": BROWSER_UA } }));
  // Read to its end: a streamed page left unread is aborted seconds later, a render error in another test.
  const body = await response.text();
  if (response.status !== 200) throw new Error(`install failed: ${response.status} ${body}`);
  // A small catalogue of our own (the simulator's products sync is not what is tested here).
  await withShop(shop, async (tx) => {
    await tx.execute(sql`insert into products (shop_id, product_id, title) values (${shop}, 9001, '=Formula Mug'), (${shop}, 9002, 'Plain Scarf')
      on conflict do nothing`);
    await tx.execute(sql`insert into variants (shop_id, variant_id, product_id, title, sku, inventory_item_id)
      values (${shop}, 91, 9001, 'Large', '+SKU-91', 991), (${shop}, 92, 9002, 'Red', 'SKU-92', 992), (${shop}, 93, 9002, 'Blue', 'SKU-93', null)
      on conflict do nothing`);
  });
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

async function post(shop: string, userId: string, body: FormData | URLSearchParams) {
  const response = await request(bearerRequest(shop, "/app/costs.data", { method: "POST", token: idToken(shop, { userId }), body }));
  const value = (await decodeSingleFetch(response)) as { data?: Record<string, unknown> };
  return { status: response.status, data: value.data as Record<string, unknown> & { plan?: Record<string, unknown> } };
}

const costRows = (shop: string) => withShop(shop, (tx) => queryRows<{ item: string; cost: string; source: string }>(tx, sql`
  select inventory_item_id::text as item, unit_cost::text as cost, source from cost_history where shop_id = ${shop} order by 1, effective_at`));
const costAudits = (shop: string) => asSystem("test: audits", (tx) => queryRows<{ action: string; actor_id: string; meta: unknown }>(tx, sql`
  select action, actor_id, meta from audit_events where shop_id = ${shop} and action like 'costs.%' order by seq`));

const file = (text: string) => {
  const form = new FormData();
  form.set("file", new File([text], "costs.csv", { type: "text/csv" }));
  return form;
};

describe("the Costs page", () => {
  it("loads for staff and owner; refuses a bad query string with a 400 naming it", async () => {
    const shop = newShop("costs-page");
    await installShop(shop);
    // Remix's client navigation adds _routes; the admin's document loads add Shopify's parameters: both are ignored.
    const ok = await request(bearerRequest(shop, "/app/costs.data?filter=missing&period=last90&_routes=routes%2Fapp.costs&embedded=1&locale=en", { token: idToken(shop, { userId: STAFF }) }));
    expect(ok.status).toBe(200);
    const data = ((await decodeSingleFetch(ok)) as Record<string, { data: Record<string, unknown> }>)["routes/app.costs"]!.data;
    expect(data).toMatchObject({ owner: false, currency: "EUR", timezone: "Europe/Berlin", params: { filter: "missing", period: "last90", page: 1 } });
    // Both variants with an inventory item lack a cost; the catalogue lists both products.
    expect((data.products as Array<{ productId: string }>).map((p) => p.productId).sort()).toEqual(["9001", "9002"]);

    for (const [query, message] of [
      ["filter=nope", 'filter must be "all" or "missing"'],
      ["page=0", "page must be 1 or more"],
      ["page=abc", "page must be a whole number"],
      ["period=last2", "period must be last7, last30, last90 or last365"],
      ["variant=abc", "variant must be a numeric variant id"],
    ] as const) {
      const response = await request(bearerRequest(shop, `/app/costs.data?${query}`));
      expect(response.status, query).toBe(400);
      const body = (await decodeSingleFetch(response)) as Record<string, { error?: { status: number; data: string } }>;
      expect(body["routes/app.costs"]!.error, query).toEqual({ status: 400, data: expect.stringContaining(message) });
    }
  });

  it("lets the owner edit a cost (audited), refuses staff with a 403 and bad forms with a 4xx message, changing nothing", async () => {
    const shop = newShop("costs-edit");
    await installShop(shop);
    const edit = (values: Record<string, string>) => new URLSearchParams({ intent: "edit", variantId: "92", unitCost: "3.50", effectiveDate: "2026-11-01", ...values });

    const staff = await post(shop, STAFF, edit({}));
    expect(staff).toMatchObject({ status: 403, data: { ok: false, message: "Only the store owner can change costs." } });
    expect(await costRows(shop)).toEqual([]);

    const bad = [
      [{ unitCost: "3,50" }, 422, 'Unit cost "3,50" is not a number'],
      [{ unitCost: "-1" }, 422, "Unit cost -1 is negative"],
      [{ effectiveDate: "2999-01-01" }, 422, "is in the future"],
      [{ effectiveDate: "yesterday" }, 422, "use YYYY-MM-DD"],
      [{ variantId: "93" }, 422, "Shopify lists no inventory item for this variant"],
      [{ variantId: "x" }, 400, "variantId must be a numeric variant id"],
      [{ extra: "1" }, 400, "Unrecognized key"],
    ] as const;
    for (const [values, status, message] of bad) {
      const r = await post(shop, OWNER, edit(values));
      expect(r.status, JSON.stringify(values)).toBe(status);
      expect(String(r.data.message), JSON.stringify(values)).toContain(message);
    }
    const unknown = await post(shop, OWNER, new URLSearchParams({ intent: "delete" }));
    expect(unknown).toMatchObject({ status: 400, data: { message: 'intent must be "edit", "preview" or "apply".' } });
    expect(await costRows(shop)).toEqual([]);
    expect(await costAudits(shop)).toEqual([]);

    const saved = await post(shop, OWNER, edit({}));
    expect(saved).toMatchObject({ status: 200, data: { intent: "edit", ok: true } });
    expect(await costRows(shop)).toEqual([{ item: "992", cost: "3.5000", source: "merchant" }]);
    expect(await costAudits(shop)).toEqual([{ action: "costs.edited", actor_id: OWNER, meta: { unitCost: "3.5", effectiveDate: "2026-11-01", currency: "EUR" } }]);
    // The history says when it was recorded on the shop's clock (Berlin), not UTC's.
    const page = await request(bearerRequest(shop, "/app/costs.data?variant=92", { token: idToken(shop, { userId: OWNER }) }));
    const history = ((await decodeSingleFetch(page)) as Record<string, { data: { history: { entries: Array<{ recordedAt: string; recordedLocal: string }> } } }>)["routes/app.costs"]!.data.history;
    const [entry] = history.entries;
    const berlin = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    expect(entry!.recordedLocal).toBe(berlin.format(new Date(entry!.recordedAt)));
    expect(entry!.recordedLocal, "not UTC's clock").not.toBe(entry!.recordedAt.slice(0, 16).replace("T", " "));
    // The re-cost is queued as a job of this shop.
    const [job] = await asSystem("test: jobs", (tx) => queryRows<{ kind: string }>(tx, sql`select kind from jobs where shop_id = ${shop} and kind = 'sync.costs.recost'`));
    expect(job).toEqual({ kind: "sync.costs.recost" });
  });

  it("previews and applies an import for the owner only; errors apply nothing; the export round-trips", async () => {
    const shop = newShop("costs-import");
    await installShop(shop);
    const good = "SKU,Variant ID,Unit cost,Currency,Effective date\nSKU-92,,4.25,EUR,2026-10-01\n,91,1.75,EUR,\n";
    const broken = good + "SKU-92,,4.25,EUR,2026-10-01\nSKU-404,,1,EUR,\n,92,1,USD,\n";

    expect((await post(shop, STAFF, (() => { const f = file(good); f.set("intent", "apply"); return f; })())).status).toBe(403);

    const previewBroken = file(broken);
    previewBroken.set("intent", "preview");
    const p = await post(shop, OWNER, previewBroken);
    expect(p.status).toBe(422);
    expect(p.data.plan).toMatchObject({ ok: false, rows: 5, changeCount: 2, errorCount: 3 });
    expect((p.data.plan!.errors as unknown[])).toEqual([
      { line: 4, message: "Duplicate: line 2 already sets this variant's cost from 2026-10-01." },
      { line: 5, message: 'SKU "SKU-404" is not a SKU of this store.' },
      { line: 6, message: "Currency USD is not the store's currency (EUR): costs are in EUR only." },
    ]);
    const applyBroken = file(broken);
    applyBroken.set("intent", "apply");
    expect((await post(shop, OWNER, applyBroken)).status).toBe(422);
    expect(await costRows(shop)).toEqual([]);
    expect(await costAudits(shop)).toEqual([]);

    const notCsv = file("\u0000\u0001binary");
    notCsv.set("intent", "preview");
    const refused = await post(shop, OWNER, notCsv);
    expect(refused.status).toBe(422);
    expect(String(refused.data.message)).toContain("The header row lacks");

    const noFile = new FormData();
    noFile.set("intent", "preview");
    expect(await post(shop, OWNER, noFile)).toMatchObject({ status: 400, data: { message: "Choose a CSV file to import." } });

    const tooBig = file("SKU,Unit cost,Currency\n" + "x".repeat(8 * 1024 * 1024 + 70_000));
    tooBig.set("intent", "preview");
    expect(await post(shop, OWNER, tooBig)).toMatchObject({ status: 413, data: { message: "The file is larger than 8 MB. Split it into smaller files." } });

    const apply = file(good);
    apply.set("intent", "apply");
    const applied = await post(shop, OWNER, apply);
    expect(applied.status).toBe(200);
    expect(applied.data.plan).toMatchObject({ ok: true, rows: 2, changeCount: 2, unchanged: 0, errorCount: 0 });
    expect(await costRows(shop)).toEqual([{ item: "991", cost: "1.7500", source: "csv" }, { item: "992", cost: "4.2500", source: "csv" }]);
    expect(await costAudits(shop)).toEqual([{ action: "costs.imported", actor_id: OWNER, meta: { rows: 2, changed: 2, unchanged: 0, currency: "EUR" } }]);

    const exported = await request(bearerRequest(shop, "/app/costs/export", { token: idToken(shop, { userId: STAFF }) }));
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const csv = await exported.text();
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("SKU,Product,Variant,Variant ID,Unit cost,Currency,Source,Effective date");
    expect(lines.some((l) => l.startsWith("'+SKU-91,'=Formula Mug,Large,91,1.75,EUR,CSV import,20"))).toBe(true);
    expect(lines).toContain("SKU-92,Plain Scarf,Red,92,4.25,EUR,CSV import,2026-10-01");
    expect(lines.some((l) => l.startsWith("SKU-93,Plain Scarf,Blue,93,,EUR,No cost recorded,"))).toBe(true);
    // Re-importing the export changes nothing (the row without a cost is the only error).
    const again = file(csv);
    again.set("intent", "preview");
    const back = await post(shop, OWNER, again);
    expect(back.data.plan).toMatchObject({ changeCount: 0, unchanged: 2, errorCount: 1 });
  });
});
