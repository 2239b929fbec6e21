/**
 * prepareStatements (app/db/prepared.server.ts): on PostgreSQL outside a transaction
 * pooler, a transaction's raw statements become named prepared statements — one per
 * text, reused — and answer exactly as unprepared ones do; elsewhere it changes nothing.
 * Pipeline (app/db/pipeline.server.ts): prepared statements sent without awaiting each
 * other run in the order they were made, and a failure is reported as its own error.
 */
import { randomUUID } from "node:crypto";

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { affectedRows, getDatabase, queryRows, type Tx } from "~/db/client.server";
import { Pipeline } from "~/db/pipeline.server";
import { prepareStatements } from "~/db/prepared.server";
import { withShop } from "~/db/tenant.server";

import { newShop } from "../factories";

describe("prepareStatements", () => {
  it("prepares each text once, reuses it, and answers as an unprepared statement does", async () => {
    const database = await getDatabase();
    // A comment in the text (not a parameter) finds this test's statements among the connection's.
    const marker = `prepared_probe_${randomUUID().replaceAll("-", "")}`;
    const probe = (n: number) => sql`select ${n}::int * 2 as doubled ${sql.raw(`/* ${marker} */`)}`;
    const insert = (shop: string) => sql`insert into sync_runs (shop_id, run_id, kind, status) ${sql.raw(`/* ${marker} */`)}
      values (${shop}, ${randomUUID()}, 'orders', 'failed'), (${shop}, ${randomUUID()}, 'orders', 'failed')`;
    const named = async (tx: Tx) => database.driver === "postgres"
      ? (await queryRows<{ n: number }>(tx, sql`select count(*)::int as n from pg_prepared_statements where statement like ${`%${marker}%`} and not from_sql`))[0]!.n
      : 0;

    // Each run as a shop of its own (the app's role may add sync runs, not delete them).
    const run = (prepare: boolean, shop = newShop("prepared")) => withShop(shop, async (tx) => {
      if (prepare) prepareStatements(tx, database.prepares);
      const rows = [...(await queryRows<{ doubled: number }>(tx, probe(21))), ...(await queryRows<{ doubled: number }>(tx, probe(5)))];
      const inserted = affectedRows(await tx.execute(insert(shop)));
      return { rows, inserted, prepared: await named(tx) };
    });

    const plain = await run(false);
    expect(plain).toEqual({ rows: [{ doubled: 42 }, { doubled: 10 }], inserted: 2, prepared: 0 });
    const prepared = await run(true);
    // PostgreSQL with session pooling: the probe's text once (it ran twice) and the insert's.
    // PGlite, or behind a transaction pooler: nothing is prepared, nothing changes.
    expect(prepared).toEqual({ rows: [{ doubled: 42 }, { doubled: 10 }], inserted: 2, prepared: database.prepares ? 2 : 0 });
  });

  it("pipelined: statements run in the order made, whatever awaits them; the first failure is the one reported, and nothing commits", async () => {
    const database = await getDatabase();
    const shop = newShop("pipelined");
    const runs = (tx: Tx) => queryRows<{ run_id: string }>(tx, sql`select run_id from sync_runs where shop_id = ${shop} order by started_at, run_id`);
    // Each insert reads what the ones before it wrote: their order is visible in the rows.
    const insertNext = (tx: Tx) => tx.execute(sql`insert into sync_runs (shop_id, run_id, kind, status)
      select ${shop}, 'run-' || (select count(*) from sync_runs where shop_id = ${shop}), 'orders', 'failed'`);
    const order = await withShop(shop, async (tx) => {
      prepareStatements(tx, database.prepares);
      const pipeline = database.prepares ? new Pipeline() : undefined;
      for (let i = 0; i < 5; i++) {
        // A deeper chain (an async function) before a shallow one must not change the order.
        const work = i % 2 ? (async () => insertNext(tx))() : Promise.resolve(insertNext(tx));
        if (pipeline) pipeline.add(work);
        else await work;
      }
      await pipeline?.settle();
      return (await runs(tx)).map((r) => r.run_id);
    });
    expect(order).toEqual(["run-0", "run-1", "run-2", "run-3", "run-4"]);

    const failing = newShop("pipelined-fails");
    const outcome = await withShop(failing, async (tx) => {
      prepareStatements(tx, database.prepares);
      const pipeline = database.prepares ? new Pipeline() : undefined;
      const works = [
        () => tx.execute(sql`insert into sync_runs (shop_id, run_id, kind, status) values (${failing}, 'kept?', 'orders', 'failed')`),
        () => (async () => queryRows(tx, sql`select 1 / ${0}::int as boom`))(),
        () => tx.execute(sql`select ${1}::int as after`),
      ];
      for (const work of works) {
        if (pipeline) pipeline.add(work());
        else await work();
      }
      await pipeline?.settle();
    }).then(() => "committed", (error: unknown) => String((error as { cause?: unknown }).cause ?? error));
    expect(outcome).toMatch(/division by zero/);
    expect(await withShop(failing, runs)).toEqual([]);
  });
});
