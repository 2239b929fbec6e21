/**
 * Migrations run at every process start (web and workers): on PostgreSQL they run
 * one process at a time, under an advisory lock, so processes starting together
 * never apply a migration twice or fail half-way.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import postgres from "postgres";
import { describe, expect, inject, it } from "vitest";

import { openDatabase, queryRows } from "~/db/client.server";
import { sql } from "drizzle-orm";

const provided = inject("database");
const journal = JSON.parse(readFileSync(path.resolve("drizzle/meta/_journal.json"), "utf8")) as { entries: unknown[] };

describe.runIf(provided.driver === "postgres")("migrations on PostgreSQL", () => {
  it("four processes starting at once on an empty database all open it, and each migration is applied once", async () => {
    if (provided.driver !== "postgres") return;
    const name = `margin_notes_mig_${randomBytes(4).toString("hex")}`;
    const superuser = postgres(provided.superuserUrl, { max: 1, onnotice: () => {} });
    const appUrl = new URL(provided.appUrl);
    await superuser.unsafe(`CREATE DATABASE ${name} OWNER ${appUrl.username}`);
    try {
      const inDb = new URL(provided.superuserUrl);
      inDb.pathname = `/${name}`;
      const owner = postgres(inDb.toString(), { max: 1, onnotice: () => {} });
      await owner.unsafe(`ALTER SCHEMA public OWNER TO ${appUrl.username}`);
      await owner.end();
      appUrl.pathname = `/${name}`;

      const opened = await Promise.allSettled(Array.from({ length: 4 }, () => openDatabase({ url: appUrl.toString(), maxConnections: 2, poolMode: provided.poolMode })));
      const failures = opened.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason));
      expect(failures).toEqual([]);
      const databases = opened.map((o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openDatabase>>>).value);
      const [applied] = await queryRows<{ n: number; distinct: number }>(databases[0]!.db,
        sql`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`);
      expect(applied).toEqual({ n: journal.entries.length, distinct: journal.entries.length });
      await Promise.all(databases.map((d) => d.close()));
    } finally {
      await superuser.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await superuser.end();
    }
  });
});
