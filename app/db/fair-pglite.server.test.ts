/**
 * FairPGlite lets the event loop turn before each statement: a timer (a request's socket, a
 * static file's next chunk) waiting while a chain of statements runs gets its turn between
 * them. Plain PGlite is the control: its chained statements resolve one another without the
 * loop reaching its timers, which is what made the first open's stylesheet wait.
 */
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { FairPGlite } from "./fair-pglite.server";

/** How many statements of a 30-statement chain ran before a zero-delay timer set at its start fired. */
async function statementsBeforeTimer(db: PGlite): Promise<number> {
  let done = 0;
  let seen = -1;
  setTimeout(() => (seen = done), 0);
  for (let i = 0; i < 30; i++) {
    await db.query("select $1::int + 1 as n", [i]);
    done++;
  }
  await new Promise((resolve) => setTimeout(resolve, 0));
  return seen;
}

describe("FairPGlite", () => {
  let fair: FairPGlite;
  let plain: PGlite;
  beforeAll(async () => {
    // `new`, as client.server.ts opens it: PGlite.create() would build the base class.
    [fair, plain] = [new FairPGlite(), new PGlite()];
    await Promise.all([fair.waitReady, plain.waitReady]);
  });
  afterAll(async () => {
    await Promise.all([fair?.close(), plain?.close()]);
  });

  it("lets a waiting timer run between statements", async () => {
    expect(await statementsBeforeTimer(fair)).toBeLessThan(30);
  });

  it("(control) plain PGlite runs the whole chain before the timer", async () => {
    expect(await statementsBeforeTimer(plain)).toBe(30);
  });

  it("answers queries, transactions and errors as PGlite does", async () => {
    expect((await fair.query<{ n: number }>("select 41 + 1 as n")).rows).toEqual([{ n: 42 }]);
    await fair.exec("create table t (id int primary key)");
    await fair.transaction(async (tx) => {
      await tx.query("insert into t values (1)");
      await tx.query("insert into t values (2)");
    });
    await expect(fair.query("insert into t values (1)")).rejects.toThrow(/duplicate key/);
    expect((await fair.query<{ count: number }>("select count(*)::int as count from t")).rows).toEqual([{ count: 2 }]);
  });
});
