/**
 * One database handle for the process: postgres.js when DATABASE_URL is a
 * postgres:// URL, embedded PGlite otherwise (a data dir under ./data, created on
 * first run, or `pglite://memory`). Migrations from ./drizzle run before the
 * handle is handed out, on either driver.
 *
 * Invariant: application code never queries through this handle directly; it goes
 * through withShop/asSystem (tenant.server.ts) or the session storage.
 * PGlite is a single connection: never use the outer handle inside a transaction.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import * as schema from "./schema.server";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Queryable = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly driver: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://…, pglite://memory, pglite://<dir>, or undefined for PGLITE_DATA_DIR. */
  url?: string;
  pgliteDataDir?: string;
  /** A migrated PGlite data dir dump (tests start from it instead of running initdb). */
  pgliteSnapshot?: Blob;
  migrate?: boolean;
  /** postgres.js pool size. */
  maxConnections?: number;
}

// The app, its CLI and its tests all run from the repository root (remix-serve,
// tsx, vitest), and the migrations ship beside the build, not inside it.
const resolveMigrationsFolder = () => path.resolve(process.cwd(), "drizzle");

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const { url, migrate = true } = options;
  if (url?.startsWith("postgres")) {
    const client = postgres(url, { max: options.maxConnections ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    try {
      if (migrate) await migrateUnderLock(url, client);
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {});
      throw error;
    }
    return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }

  let client: PGlite;
  if (options.pgliteSnapshot) {
    client = new PGlite({ loadDataDir: options.pgliteSnapshot });
  } else if (url === "pglite://memory") {
    client = new PGlite();
  } else {
    // pglite:///abs/dir or pglite://rel/dir name a data dir; otherwise PGLITE_DATA_DIR.
    const fromUrl = url?.startsWith("pglite://") ? url.slice("pglite://".length) : undefined;
    const dir = path.resolve(fromUrl || options.pgliteDataDir || "./data/pglite");
    mkdirSync(dir, { recursive: true });
    client = new PGlite(dir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (migrate) await migratePglite(drizzlePglite(client), { migrationsFolder: resolveMigrationsFolder() });
  return { db, driver: "pglite", close: () => client.close() };
}

/** Any fixed number: every process of this app agrees on it, nothing else uses it. */
export const MIGRATION_LOCK_KEY = 7_301_885_226;

/**
 * Every app and worker process migrates at start-up: one at a time, so two
 * processes starting together never apply the same migration twice. The lock is
 * transaction-scoped, held by a transaction on a connection of its own for as long
 * as the migrations run (on the pool's connections): it ends with that transaction
 * even if the process dies, and it never outlives it on a pooled server connection
 * (PgBouncer in transaction mode), as a session-level lock could.
 */
async function migrateUnderLock(url: string, client: postgres.Sql): Promise<void> {
  const locker = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await locker.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
      await migratePostgres(drizzlePostgres(client), { migrationsFolder: resolveMigrationsFolder() });
    });
  } finally {
    await locker.end({ timeout: 5 });
  }
}

/** Rows of a raw query, whichever driver ran it. */
export async function queryRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result = (await q.execute(query)) as unknown as { rows?: T[] } | T[];
  return Array.isArray(result) ? [...result] : (result.rows ?? []);
}

const holder = globalThis as unknown as { __marginNotesDb?: Promise<Database> };

/** Replaces the process database (tests, the demo). */
export function setDatabase(database: Promise<Database> | Database): void {
  holder.__marginNotesDb = Promise.resolve(database);
}

export async function getDatabase(): Promise<Database> {
  if (!holder.__marginNotesDb) {
    const opening = (async () => {
      // Imported lazily so that tests which inject a database never need a full env.
      const { env } = await import("~/env.server");
      return openDatabase({ url: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR });
    })();
    holder.__marginNotesDb = opening;
    // A database that was down at start-up (or a failed migration) must not fail
    // every later request for the life of the process: the next caller opens again.
    opening.catch(() => {
      if (holder.__marginNotesDb === opening) holder.__marginNotesDb = undefined;
    });
  }
  return holder.__marginNotesDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

export const ping = async (): Promise<boolean> => {
  const rows = await queryRows<{ ok: number }>(await getDb(), sql`select 1 as ok`);
  return rows[0]?.ok === 1;
};
