/**
 * Through PgBouncer in transaction mode (the integration-pgbouncer project only):
 * consecutive transactions of one client connection run on whichever server
 * connection is free, so anything kept in a session — a setting, a role, a lock, a
 * named prepared statement — would surface in another client's transaction.
 */
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { getDatabase, openDatabase, queryRows, setDatabase, type Database } from "~/db/client.server";
import { shops } from "~/db/schema.server";
import { withShop } from "~/db/tenant.server";
import { recordInstall } from "~/shops.server";

import { newShop } from "../factories";

const provided = inject("database");
const pooled = provided.driver === "postgres" && provided.poolMode === "transaction";

/** The same database as the superuser, through the pooler: a pool of its own (PgBouncer pools per database × user). */
function pooledSuperuserUrl(): string {
  if (provided.driver !== "postgres") throw new Error("postgres only");
  const url = new URL(provided.superuserUrl);
  url.port = new URL(provided.appUrl).port;
  return url.toString();
}

/** Settles within `ms`: "ok", the error's message, or "timed out" (PgBouncer 1.18 leaves a lost statement hanging). */
async function within(ms: number, work: Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => { timer = setTimeout(() => resolve("timed out"), ms); });
  try {
    return await Promise.race([work.then(() => "ok", (error: unknown) => (error instanceof Error ? error.message : String(error))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function parameterisedLoad(run: (i: number) => Promise<unknown>): Promise<void> {
  await Promise.all(Array.from({ length: 120 }, (_, i) => run(i)));
  for (let i = 0; i < 30; i++) await run(i);
}

describe.runIf(pooled)("behind PgBouncer in transaction mode", () => {
  it("postgres.js's default named prepared statements break behind the pooler; the app's transaction pool mode does not use them", async () => {
    const url = pooledSuperuserUrl();
    // Without prepare: false — what the app did before DATABASE_POOL_MODE.
    const named = postgres(url, { max: 4, onnotice: () => {} });
    try {
      const outcome = await within(5_000, parameterisedLoad((i) => named`select ${i}::int + 1 as n, pg_backend_pid() as pid`));
      expect(outcome).not.toBe("ok");
    } finally {
      await within(3_000, named.end({ timeout: 1 }));
    }
    // The app's own handle, opened as DATABASE_POOL_MODE=transaction opens it.
    const app = await openDatabase({ url, migrate: false, maxConnections: 4, poolMode: "transaction" });
    try {
      const outcome = await within(20_000, parameterisedLoad(async (i) => {
        const [row] = await queryRows<{ n: number }>(app.db, sql`select ${i}::int + 1 as n`);
        expect(row?.n).toBe(i + 1);
      }));
      expect(outcome).toBe("ok");
    } finally {
      await app.close();
    }
  });

  describe("tenant settings, roles and locks never cross to another client's transaction", () => {
    const SHOPS = 8;
    const PER_SHOP = 10;
    let own: Database;
    let suite: Database;
    const list: string[] = [];

    beforeAll(async () => {
      if (provided.driver !== "postgres") return;
      // More client connections (12) than PgBouncer has server connections (6, .ci/pgbouncer.ini).
      suite = await getDatabase();
      own = await openDatabase({ url: provided.appUrl, migrate: false, maxConnections: 12, poolMode: "transaction" });
      setDatabase(own);
      for (let i = 0; i < SHOPS; i++) {
        const shop = newShop(`pool${i}`);
        list.push(shop);
        await recordInstall(shop, { name: shop, myshopifyDomain: shop, currencyCode: "EUR", ianaTimezone: "Europe/Paris" }, "read_orders");
      }
    });

    afterAll(async () => {
      setDatabase(suite);
      await own?.close();
    });

    it(`${SHOPS * PER_SHOP} concurrent withShop transactions over a shared pool each see only their own shop`, async () => {
      const seen = await Promise.all(
        list.flatMap((shop) => Array.from({ length: PER_SHOP }, () =>
          withShop(shop, async (tx) => {
            const [first] = await queryRows<{ shop: string; role: string; pid: number }>(tx,
              sql`select current_setting('app.shop_id') as shop, current_user as role, pg_backend_pid() as pid`);
            // Held to the end of the transaction; interleaves the transactions on the server connections.
            await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`pool-test:${shop}`})), pg_sleep(0.005)`);
            const visible = await tx.select({ shopId: shops.shopId }).from(shops);
            const [last] = await queryRows<{ shop: string; pid: number }>(tx, sql`select current_setting('app.shop_id') as shop, pg_backend_pid() as pid`);
            return { shop, first, visible: visible.map((v) => v.shopId), last };
          }),
        )),
      );
      for (const s of seen) {
        expect(s.first).toEqual({ shop: s.shop, role: "app_tenant", pid: s.last?.pid });
        expect(s.last?.shop).toBe(s.shop);
        expect(s.visible).toEqual([s.shop]);
      }
      // The pooler really did share server connections between shops.
      const shopsPerBackend = new Map<number, Set<string>>();
      for (const s of seen) shopsPerBackend.set(s.first!.pid, (shopsPerBackend.get(s.first!.pid) ?? new Set()).add(s.shop));
      expect(shopsPerBackend.size).toBeLessThanOrEqual(6);
      expect(Math.max(...[...shopsPerBackend.values()].map((v) => v.size))).toBeGreaterThan(1);

      // And afterwards, outside any transaction, no server connection carries a shop,
      // a role or a lock: each query below lands on whichever server connection is free.
      const after = await Promise.all(Array.from({ length: 24 }, () =>
        queryRows<{ shop: string | null; role: string; locks: number }>(own.db,
          sql`select coalesce(current_setting('app.shop_id', true), '') as shop, current_user as role,
                (select count(*)::int from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())) as locks`),
      ));
      for (const [row] of after) expect(row).toEqual({ shop: "", role: "margin_notes_app", locks: 0 });
      // The login itself sees no tenant row (RLS is forced for the owner too).
      expect(await own.db.select().from(shops)).toEqual([]);
    });
  });
});
