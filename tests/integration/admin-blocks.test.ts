/**
 * The admin blocks' endpoints (/api/extensions/product/:id, /api/extensions/order/:id)
 * through the production build: the extension's ID token (valid, forged, expired,
 * another shop's, wrong audience, missing), CORS for Shopify's extension origin only,
 * the per-shop limit, and the figures to the cent from rollups and ledger rows.
 */
import { createHmac, randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";

import { costHistory, dailyRollups, gatewayFeeRates, orders, orderTransactions, products, sales, variants } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { addDays, todayIn } from "~/reports/period";
import { EXTENSION_ORIGIN } from "~/security/extension-door.server";
import { policies } from "~/security/rate-limit.server";

import { appHandler, bearerRequest, BROWSER_UA, idToken, install, startSimulator } from "../app-harness";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";
import { TEST_API_KEY, TEST_API_SECRET, TEST_APP_URL } from "../setup/test-env";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

const TZ = "Pacific/Auckland";
const CANARY = "OTHER-SHOP-CANARY";

const productPath = (id: string) => `/api/extensions/product/${encodeURIComponent(id)}`;
const orderPath = (id: string) => `/api/extensions/order/${encodeURIComponent(id)}`;

/** A fetch from the admin block: Shopify's extension origin, the ID token as a bearer. */
function blockRequest(shop: string, pathname: string, init: RequestInit & { token?: string; origin?: string | null } = {}): Request {
  const request = bearerRequest(shop, pathname, init);
  if (init.origin !== null) request.headers.set("Origin", init.origin ?? EXTENSION_ORIGIN);
  return request;
}

const call = async (request: Request) => (await appHandler())(request);

/** Installs the app for `shop`, reading the first page to its end (an unread render would be aborted later, mid-test). */
const installShop = async (shop: string) => void (await (await install(simulator, shop)).text());

/** An HS256 token signed with the app's secret, with claims as given (for the audience test). */
function tokenWith(claims: Record<string, unknown>): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ iat: now - 5, nbf: now - 5, exp: now + 60, jti: randomUUID(), sid: randomUUID(), sub: "42", ...claims })}`;
  return `${body}.${createHmac("sha256", TEST_API_SECRET).update(body).digest("base64url")}`;
}

/**
 * Shop A's product 501 ("Linen Shirt", two variants, one without cost) and product
 * 502 (no sales); product 501's sales on days of the last 30 and the 30 before, in
 * the shop's zone; order 9001 (a costed and an uncosted line, a refund) and order 9002.
 */
async function seedShop(shop: string, title = "Linen Shirt") {
  const today = todayIn(TZ);
  const day = (n: number) => addDays(today, -n);
  await asSystem("test: the shop's zone and currency", (tx) =>
    tx.execute(sql`update shops set iana_timezone = ${TZ}, currency_code = 'EUR' where shop_id = ${shop}`));
  await withShop(shop, async (tx) => {
    await tx.insert(products).values([
      { shopId: shop, productId: 501, title },
      { shopId: shop, productId: 502, title: "Unsold Scarf" },
    ]);
    await tx.insert(variants).values([
      { shopId: shop, variantId: 5011, productId: 501, inventoryItemId: 7011 },
      { shopId: shop, variantId: 5012, productId: 501, inventoryItemId: 7012 },
      { shopId: shop, variantId: 5021, productId: 502, inventoryItemId: 7021 },
    ]);
    await tx.insert(costHistory).values([
      { shopId: shop, inventoryItemId: 7011, effectiveAt: new Date("2026-01-01T00:00:00Z"), unitCost: "12.5000", source: "backfill" },
      { shopId: shop, inventoryItemId: 7012, effectiveAt: new Date("2026-01-01T00:00:00Z"), unitCost: null, source: "backfill" },
      { shopId: shop, inventoryItemId: 7021, effectiveAt: new Date("2026-01-01T00:00:00Z"), unitCost: "3.0000", source: "backfill" },
    ]);
    const row = (d: string, productId: number, v: Partial<typeof dailyRollups.$inferInsert>) => ({ shopId: shop, day: d, productId, ...v });
    await tx.insert(dailyRollups).values([
      // Last 30 days (today and 29 before): 100.0050 + 60 − 10.0025 − 20 = 130.0025 net; with cost 90.0025.
      row(day(0), 501, { grossSales: "100.0050", discounts: "-10.0025", units: 3, cogs: "37.5000", netSalesWithCost: "90.0025" }),
      row(day(29), 501, { grossSales: "60.0000", returns: "-20.0000", units: 1, cogs: "0", netSalesWithCost: "0" }),
      // The 30 before (days 30–59): net 80.00, all costed.
      row(day(30), 501, { grossSales: "80.0000", units: 2, cogs: "25.0000", netSalesWithCost: "80.0000" }),
      // Outside both.
      row(day(60), 501, { grossSales: "9999.0000", units: 99, cogs: "1.0000", netSalesWithCost: "9999.0000" }),
    ]);
    const placed = new Date(Date.now() - 3 * 86_400_000);
    await tx.insert(orders).values([
      { shopId: shop, orderId: 9001, createdAt: placed, placedAt: placed, currencyCode: "EUR", sourceUpdatedAt: placed },
      { shopId: shop, orderId: 9002, createdAt: placed, placedAt: placed, currencyCode: "EUR", sourceUpdatedAt: placed, test: true },
    ]);
    const sale = (saleId: number, v: Partial<typeof sales.$inferInsert>) => ({
      shopId: shop, saleId, orderId: 9001, agreementId: 1, agreementReason: "ORDER", happenedAt: placed,
      actionType: "ORDER", lineType: "PRODUCT", ...v,
    });
    await tx.insert(sales).values([
      // Costed line: 2 × 25.005 gross, −5.0049 discount, COGS 2 × 12.50.
      sale(1, { lineItemId: 11, productId: 501, variantId: 5011, quantity: 2, grossSales: "50.0100", discounts: "-5.0049", units: 2, unitCost: "12.5000", costSource: "at_sale", cogs: "25.0000" }),
      // Uncosted line: 30.00.
      sale(2, { lineItemId: 12, productId: 501, variantId: 5012, quantity: 1, grossSales: "30.0000", units: 1 }),
      // Shipping (not net sales) and its tax.
      sale(3, { lineType: "SHIPPING", shipping: "7.0000", taxes: "1.4000" }),
      // A refund of one costed unit later: returns −22.50, COGS back −12.50.
      sale(4, { agreementId: 2, agreementReason: "REFUND", actionType: "RETURN", lineItemId: 11, productId: 501, variantId: 5011, quantity: -1, returns: "-22.5000", units: -1, unitCost: "12.5000", costSource: "at_sale", cogs: "-12.5000" }),
    ]);
    // Order 9001's payments: Shopify Payments with its fee (and part of it given back
    // on the refund, signed as the sync stores it), and a PayPal sale without fee data.
    const payment = (transactionId: number, v: Pick<typeof orderTransactions.$inferInsert, "kind" | "gateway" | "amount" | "fee">) => ({
      shopId: shop, transactionId, orderId: 9001, status: "SUCCESS", processedAt: placed, currencyCode: "EUR", ...v,
    });
    await tx.insert(orderTransactions).values([
      payment(81, { kind: "SALE", gateway: "shopify_payments", amount: "60.0000", fee: "2.0400" }),
      payment(82, { kind: "SALE", gateway: "paypal", amount: "15.0000", fee: null }),
      payment(83, { kind: "REFUND", gateway: "shopify_payments", amount: "22.5000", fee: "-0.3000" }),
    ]);
  });
}

describe("admin block endpoints: authentication and tenancy", () => {
  it("serves the product block with a valid token from the extension origin, CORS for that origin only", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    const response = await call(blockRequest(shop, productPath("gid://shopify/Product/501")));
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(EXTENSION_ORIGIN);
    expect(response.headers.get("vary")).toContain("Origin");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await response.json();
    expect(body).toMatchObject({ productId: "501", title: "Linen Shirt", currencyCode: "EUR" });
    // 130.0025 → 130.00; with cost 90.0025 → 90.00; COGS 37.50; profit 52.50; margin 52.50/90.00.
    expect(body.current).toMatchObject({
      netSales: "130.00", units: 4, cogs: "37.50", grossProfit: "52.50", grossMarginPercent: "58.33",
      costCoveragePercent: "69.23", netSalesWithoutCost: "40.00",
    });
    expect(body.current.display).toMatchObject({ netSales: "€130.00", grossProfit: "€52.50", grossMargin: "58.3%", costCoverage: "69.2%" });
    expect(body.previous).toMatchObject({ netSales: "80.00", units: 2, cogs: "25.00", grossProfit: "55.00", costCoveragePercent: "100.00" });
    // +62.50% net sales, +100% units, −4.55% gross profit (half-even to −4.6), margin 58.33 vs 68.75: −10.42 points.
    expect(body.changes).toMatchObject({
      netSales: { text: "62.5%", direction: "up", tone: "success" },
      units: { text: "100.0%", direction: "up" },
      grossProfit: { text: "4.6%", direction: "down", tone: "critical" },
      grossMargin: { text: "10.4 pts", direction: "down", tone: "critical" },
    });
    expect(body.period).toEqual({ from: addDays(todayIn(TZ), -29), to: todayIn(TZ) });
    expect(body.variants).toEqual({ total: 2, withoutCost: 1 });
    expect(body.completeFrom).toBeNull();
    // A bare numeric id is the same product.
    const numeric = await call(blockRequest(shop, productPath("501")));
    expect(await numeric.json()).toEqual(body);
  });

  it("withholds the product's changes when the app's history starts inside the previous 30 days", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    // Without read_all_orders the history starts 40 days ago: the previous period is partly unread.
    const from = new Date(Date.now() - 40 * 86_400_000);
    await asSystem("test: history window", (tx) => tx.execute(sql`update shops set history_from = ${from.toISOString()}::timestamptz where shop_id = ${shop}`));
    const body = await (await call(blockRequest(shop, productPath("501")))).json();
    expect(body.current.netSales).toBe("130.00");
    expect(body.changes).toEqual({ netSales: null, units: null, grossProfit: null, grossMargin: null });
    expect(body.completeFrom.day).toBe(addDays(todayIn(TZ, from), 1));
  });

  it("serves the order block from the ledger's sales, uncosted lines counted", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    const response = await call(blockRequest(shop, orderPath("gid://shopify/Order/9001")));
    expect(response.status).toBe(200);
    const body = await response.json();
    // Net: 50.01 − 5.0049 + 30 − 22.50 = 52.5051 → 52.51; with cost 50.01 − 5.0049 − 22.50 = 22.5051 → 22.51;
    // COGS 25 − 12.50 = 12.50; gross profit 22.51 − 12.50 = 10.01.
    expect(body).toMatchObject({ orderId: "9001", currencyCode: "EUR", test: false, cancelled: false, uncostedLines: 1, productLines: 2 });
    expect(body.figures).toMatchObject({ netSales: "52.51", cogs: "12.50", grossProfit: "10.01", netSalesWithoutCost: "30.00", units: 2 });
    // Fees 2.04 − 0.30 given back = 1.74; profit after them 10.01 − 1.74 = 8.27; PayPal's 15.00 has no fee data.
    // No rate for PayPal: nothing estimated, its fee left out and named.
    expect(body.paymentFees).toEqual({
      transactions: 3, actual: "1.74", estimated: "0.00", amount: "1.74", profitAfterFees: "8.27", estimatedGateways: [],
      withoutFeeData: { gateways: ["paypal"], transactions: 1, amount: "15.00" },
      display: { actual: "€1.74", estimated: "€0.00", amount: "€1.74", profitAfterFees: "€8.27", amountWithoutFeeData: "€15.00" },
    });
    const test = await (await call(blockRequest(shop, orderPath("9002")))).json();
    expect(test).toMatchObject({ orderId: "9002", test: true, figures: { netSales: "0.00" }, productLines: 0, paymentFees: null });
  });

  it("estimates a gateway's fees from the merchant's rate in the shop's currency, labelled as such", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    await withShop(shop, (tx) => tx.insert(gatewayFeeRates).values([
      { shopId: shop, rateId: randomUUID(), gateway: "PayPal", percent: "3.4900", fixedAmount: "0.4900", currencyCode: "EUR", effectiveFrom: "2026-01-01" },
      // In another currency (entered before a currency change): never applied.
      { shopId: shop, rateId: randomUUID(), gateway: "paypal", percent: "50.0000", fixedAmount: "9.0000", currencyCode: "USD", effectiveFrom: "2026-02-01" },
    ]));
    const body = await (await call(blockRequest(shop, orderPath("9001")))).json();
    // 15.00 × 3.49% + 0.49 = 1.0135 → 1.01; fees 1.74 + 1.01 = 2.75; profit after 10.01 − 2.75 = 7.26.
    expect(body.paymentFees).toMatchObject({
      actual: "1.74", estimated: "1.01", amount: "2.75", profitAfterFees: "7.26", estimatedGateways: ["paypal"],
      withoutFeeData: { gateways: [], transactions: 0, amount: "0.00" },
    });
  });

  it("refuses a forged signature, an expired token, a wrong audience and a missing token with 401, reading nothing", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    const tokens = {
      forged: idToken(shop, { secret: "not-the-app-secret" }),
      expired: idToken(shop, { expiresIn: -300 }),
      audience: tokenWith({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: "someone-elses-client-id" }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const response = await call(blockRequest(shop, productPath("501"), { token }));
      expect(response.status, name).toBe(401);
      const text = await response.text();
      expect(text, name).not.toContain("Linen");
      expect(text, name).not.toContain("130");
      // A refusal still reaches the block (so it can show its error), never as `*`.
      expect(response.headers.get("access-control-allow-origin"), name).toBe(EXTENSION_ORIGIN);
    }
    const bare = new Request(`${TEST_APP_URL}${productPath("501")}`, { headers: { Origin: EXTENSION_ORIGIN, "User-Agent": BROWSER_UA } });
    const missing = await call(bare);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("location")).toBeNull();
    expect(await missing.text()).toContain("ID token");
    // The same claims with the app's own client id as audience are accepted: only the audience differed.
    const right = await call(blockRequest(shop, productPath("501"), { token: tokenWith({ iss: `https://${shop}/admin`, dest: `https://${shop}`, aud: TEST_API_KEY }) }));
    expect(right.status).toBe(200);
  });

  it("answers another shop's token with that shop's view only: 404 for A's product and order, nothing of A leaked", async () => {
    const a = newShop("blocks-a");
    const b = newShop("blocks-b");
    await installShop(a);
    await installShop(b);
    await seedShop(a, CANARY);
    for (const path of [productPath("501"), orderPath("9001")]) {
      const response = await call(blockRequest(b, path));
      expect(response.status, path).toBe(404);
      const text = await response.text();
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain("130");
      expect(text).toContain("no such");
    }
    // And A still sees its own.
    expect((await call(blockRequest(a, productPath("501")))).status).toBe(200);
  });

  it("refuses a signed token of a shop where the app is not installed (401, no exchange kept)", async () => {
    const stranger = newShop("blocks-stranger");
    const response = await call(blockRequest(stranger, productPath("501")));
    expect(response.status).toBe(401);
  });

  it("validates the id: another resource's GID or text is a 400, an unknown id of this shop a 404", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    for (const bad of ["gid://shopify/Order/501", "abc", "0", "1".repeat(25), "501; drop table sales"]) {
      const response = await call(blockRequest(shop, productPath(bad)));
      expect(response.status, bad).toBe(400);
      expect(await response.text(), bad).not.toContain("drop table");
    }
    expect((await call(blockRequest(shop, productPath("123456")))).status).toBe(404);
    expect((await call(blockRequest(shop, orderPath("gid://shopify/Product/9001")))).status).toBe(400);
    // A product this shop holds with no sales: 200 with zeros (the block's empty state).
    const unsold = await (await call(blockRequest(shop, productPath("502")))).json();
    expect(unsold).toMatchObject({ title: "Unsold Scarf", current: { netSales: "0.00", units: 0 }, variants: { total: 1, withoutCost: 0 } });
  });
});

describe("admin block endpoints: CORS and methods", () => {
  it("answers the preflight for the extension origin only, before authentication", async () => {
    const preflight = (origin: string) =>
      new Request(`${TEST_APP_URL}${productPath("501")}`, {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization", "User-Agent": BROWSER_UA },
      });
    const ok = await call(preflight(EXTENSION_ORIGIN));
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(EXTENSION_ORIGIN);
    expect(ok.headers.get("access-control-allow-headers")).toContain("Authorization");
    expect(ok.headers.get("access-control-allow-methods")).toBe("GET");
    for (const origin of ["https://evil.example", "https://extensions.shopifycdn.com.evil.example", "null"]) {
      const refused = await call(preflight(origin));
      expect(refused.status, origin).toBe(403);
      expect(refused.headers.get("access-control-allow-origin"), origin).toBeNull();
    }
  });

  it("gives no CORS grant to another origin (never *), even on a served answer", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    await seedShop(shop);
    for (const origin of ["https://evil.example", null]) {
      const response = await call(blockRequest(shop, productPath("501"), { origin }));
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-allow-headers")).toBeNull();
    }
    const refused = await call(blockRequest(shop, productPath("501"), { origin: "https://evil.example", token: idToken(shop, { expiresIn: -300 }) }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses other methods with 405", async () => {
    const shop = newShop("blocks");
    await installShop(shop);
    const response = await call(blockRequest(shop, productPath("501"), { method: "POST", body: "x" }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, OPTIONS");
  });
});

describe("admin block endpoints: rate limit", () => {
  it("answers 429 with Retry-After (readable by the block) once the shop's window is used, another shop unaffected", async () => {
    const shop = newShop("blocks");
    const other = newShop("blocks-other");
    await installShop(shop);
    await installShop(other);
    await seedShop(shop);
    // This window and the next used up, so a window boundary mid-test changes nothing.
    const key = `shop:${shop}:admin-block`;
    const window = policies.adminBlock.windowSeconds;
    await asSystem("test: use up the admin block window", (tx) => tx.execute(sql`
      insert into rate_limits (key, window_start, count)
      select ${key}, to_timestamp((floor(extract(epoch from now()) / ${window}::int) * ${window}::int + w * ${window}::int)::float8), ${policies.adminBlock.limit}
      from generate_series(0, 1) w`));
    const response = await call(blockRequest(shop, productPath("501")));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(response.headers.get("access-control-allow-origin")).toBe(EXTENSION_ORIGIN);
    expect(response.headers.get("access-control-expose-headers")).toContain("Retry-After");
    expect(await response.text()).not.toContain("Linen");
    expect((await call(blockRequest(other, productPath("501")))).status).toBe(404);
  });
});
