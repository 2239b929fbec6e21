import { eq, sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";

import { getDatabase, openDatabase, queryRows } from "~/db/client.server";
import { shops, tenantTables } from "~/db/schema.server";
import { asSystem, withShop } from "~/db/tenant.server";
import { recordInstall } from "~/shops.server";

import { expectDbError } from "../expect-db-error";
import { newShop } from "../factories";

const profile = (name: string) => ({ name, myshopifyDomain: name, currencyCode: "EUR" as const, ianaTimezone: "Europe/Paris" });

async function installTwoShops() {
  const a = newShop("a");
  const b = newShop("b");
  await recordInstall(a, profile(a), "read_orders");
  await recordInstall(b, profile(b), "read_orders");
  return { a, b };
}

describe("tenant isolation (row level security, as the app role)", () => {
  it("runs tenant queries as a role that is neither superuser nor BYPASSRLS", async () => {
    const [role] = await withShop(newShop(), (tx) =>
      queryRows<{ user: string; rolsuper: boolean; rolbypassrls: boolean }>(
        tx,
        sql`select current_user as user, rolsuper, rolbypassrls from pg_roles where rolname = current_user`,
      ),
    );
    expect(role).toEqual({ user: "app_tenant", rolsuper: false, rolbypassrls: false });
  });

  it("shows a shop only its own rows, even to a query with no WHERE clause", async () => {
    const { a, b } = await installTwoShops();
    const seenByA = await withShop(a, (tx) => tx.select({ shopId: shops.shopId }).from(shops));
    expect(seenByA).toEqual([{ shopId: a }]);
    const bFromA = await withShop(a, (tx) => tx.select().from(shops).where(eq(shops.shopId, b)));
    expect(bFromA).toEqual([]);
  });

  it("refuses to write another shop's rows", async () => {
    const { a, b } = await installTwoShops();
    await expectDbError(
      withShop(a, (tx) => tx.insert(shops).values({ shopId: newShop("x"), currencyCode: "USD", ianaTimezone: "UTC" })),
      /row-level security/,
    );
    const updated = await withShop(a, (tx) =>
      tx.update(shops).set({ name: "hijacked" }).where(eq(shops.shopId, b)).returning(),
    );
    expect(updated).toEqual([]);
    const [bRow] = await asSystem("test: read back", (tx) => tx.select().from(shops).where(eq(shops.shopId, b)));
    expect(bRow?.name).toBe(b);
  });

  it("returns zero rows when no shop is set", async () => {
    await installTwoShops();
    const db = (await getDatabase()).db;
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`set local role app_tenant`);
      return tx.select().from(shops);
    });
    expect(rows).toEqual([]);
  });

  it("forces RLS on every tenant table, and every table with shop_id is a tenant table", async () => {
    const tables = await asSystem("test: catalogue", (tx) =>
      queryRows<{ table: string; rls: boolean; forced: boolean }>(
        tx,
        sql`select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind = 'r'
              and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'shop_id')`,
      ),
    );
    const tenant = Object.values(tenantTables).map((t) => t[Symbol.for("drizzle:Name") as never] as string);
    for (const name of tenant) expect(tables).toContainEqual({ table: name, rls: true, forced: true });
    // Every table with shop_id has RLS forced, sessions included (drizzle/0018).
    expect(tables.filter((t) => !t.forced).map((t) => t.table)).toEqual([]);
    expect(tables).toContainEqual({ table: "sessions", rls: true, forced: true });
  });

  it.runIf(inject("database").driver === "postgres")(
    "does not carry the shop setting to the next transaction on a pooled connection",
    async () => {
      const provided = inject("database");
      if (provided.driver !== "postgres") return;
      // One connection, so the second transaction certainly reuses the first one's.
      const single = await openDatabase({ url: provided.appUrl, migrate: false, maxConnections: 1, poolMode: provided.poolMode });
      try {
        const shop = newShop();
        await single.db.transaction(async (tx) => {
          await tx.execute(sql`set local role app_tenant`);
          await tx.execute(sql`select set_config('app.shop_id', ${shop}, true)`);
        });
        const [after] = await queryRows<{ shop: string | null; user: string }>(
          single.db,
          sql`select current_setting('app.shop_id', true) as shop, current_user as user`,
        );
        expect(after?.shop ?? "").toBe("");
        expect(after?.user).toBe("margin_notes_app");
        // And the login itself, without the role switch, sees no tenant rows (FORCE applies to the owner).
        const rows = await single.db.select().from(shops);
        expect(rows).toEqual([]);
      } finally {
        await single.close();
      }
    },
  );
});
