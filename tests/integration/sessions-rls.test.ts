/**
 * `sessions` has row level security, forced, with the tenant tables' role design
 * (drizzle/0018): app_tenant reaches its own shop's rows only, app_system every row
 * (key rotation, redaction), the owning login none; session storage keeps working.
 */
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, inject, it } from "vitest";

import { getDb, queryRows } from "~/db/client.server";
import { sessions } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { keyStatus } from "~/security/key-rotation.server";
import { createSessionStorage, shopOfSessionId } from "~/security/session-storage.server";

import { appHandler, embeddedRequest, install, startSimulator } from "../app-harness";
import { expectDbError } from "../expect-db-error";
import { newShop } from "../factories";
import type { ShopifySimulator } from "../mocks/shopify/simulator";

let simulator: ShopifySimulator;
beforeEach(() => {
  simulator = startSimulator();
});

async function twoInstalled() {
  const a = newShop("a");
  const b = newShop("b");
  await install(simulator, a);
  await install(simulator, b);
  return { a, b };
}

describe("sessions row level security", () => {
  it("is enabled and forced", async () => {
    const [row] = await asSystem("test", (tx) =>
      queryRows<{ rls: boolean; forced: boolean }>(tx, sql`select relrowsecurity as rls, relforcerowsecurity as forced from pg_class where relname = 'sessions' and relkind = 'r'`),
    );
    expect(row).toEqual({ rls: true, forced: true });
  });

  it("lets app_tenant reach its own shop's session only: no read, update, delete or insert of another's", async () => {
    const { a, b } = await twoInstalled();
    const seen = await withShop(a, (tx) => queryRows<{ shop_id: string }>(tx, sql`select shop_id from sessions`));
    expect(seen.map((r) => r.shop_id)).toEqual([a]);
    const updated = await withShop(a, (tx) => tx.update(sessions).set({ scope: "write_everything" }).where(eq(sessions.shopId, b)).returning({ id: sessions.id }));
    const deleted = await withShop(a, (tx) => tx.delete(sessions).where(eq(sessions.shopId, b)).returning({ id: sessions.id }));
    expect([updated, deleted]).toEqual([[], []]);
    const [bRow] = await asSystem("test", (tx) => tx.select().from(sessions).where(eq(sessions.shopId, b)));
    expect(bRow?.scope).not.toBe("write_everything");
    await expectDbError(
      withShop(a, (tx) => tx.insert(sessions).values({ ...bRow!, id: `offline_${b}x`, shopId: b })),
      /row-level security/,
    );
    // No shop set: nothing at all.
    const none = await (await getDb()).transaction(async (tx) => {
      await tx.execute(sql`set local role app_tenant`);
      return queryRows(tx, sql`select id from sessions`);
    });
    expect(none).toEqual([]);
  });

  it.runIf(inject("database").driver === "postgres")("shows the owning login no session (FORCE applies to the owner too)", async () => {
    await twoInstalled();
    expect(await queryRows(await getDb(), sql`select id from sessions`)).toEqual([]);
  });

  it("keeps session storage working: load by id, find by shop, reuse on the next request, key status as system", async () => {
    const { a, b } = await twoInstalled();
    const storage = createSessionStorage();
    const loaded = await storage.loadSession(`offline_${a}`);
    expect(loaded?.shop).toBe(a);
    expect(loaded?.accessToken).toBeTruthy();
    expect((await storage.findSessionsByShop(b)).map((s) => s.shop)).toEqual([b]);
    expect(await storage.loadSession("offline_not a shop")).toBeUndefined();
    expect(await storage.loadSession(`offline_${newShop()}`)).toBeUndefined();
    // The next embedded request reuses the stored session: no second token exchange.
    const exchanges = simulator.calls.tokenExchanges;
    expect((await (await appHandler())(embeddedRequest(a))).status).toBe(200);
    expect(simulator.calls.tokenExchanges).toBe(exchanges);
    // Key rotation counts sessions as app_system.
    const status = await keyStatus();
    expect(Object.values(status.rowsByKid).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2);
  });

  it("reads the shop from the library's session ids", () => {
    expect(shopOfSessionId("offline_a-1.myshopify.com")).toBe("a-1.myshopify.com");
    expect(shopOfSessionId("a-1.myshopify.com_12345")).toBe("a-1.myshopify.com");
    expect(shopOfSessionId("offline_evil.com")).toBeUndefined();
    expect(shopOfSessionId("whatever")).toBeUndefined();
  });
});
