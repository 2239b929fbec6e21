/**
 * One database handle for the process: postgres.js when DATABASE_URL is a
 * postgres:// URL, embedded PGlite otherwise (a data dir under ./data, created on
 * first run, or `pglite://memory`). Migrations from ./drizzle run before the
 * handle is handed out, on either driver.
 *
 * Invariant: application code never queries through this handle directly; it goes
 * through withShop/asSystem (tenant.server.ts) or the session storage.
 * PGlite is a single connection: never use the outer handle inside a transaction.
 *
 * Behind a transaction pooler (PgBouncer pool_mode=transaction, `poolMode:
 * "transaction"`), consecutive transactions of one client connection run on
 * different server connections. The app keeps no state outside a transaction
 * (tenant settings and roles are set_config(…, true), locks are
 * pg_advisory_xact_lock, no LISTEN, no temporary tables); the one thing postgres.js
 * would keep is its named prepared statements, so that mode turns them off.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import { FairPGlite } from "./fair-pglite.server";
import * as schema from "./schema.server";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type Queryable = Db | Tx;

export interface Database {
  readonly db: Db;
  readonly driver: "pglite" | "postgres";
  /** Named prepared statements are safe on this handle (PostgreSQL, not behind a transaction pooler): prepared.server.ts. */
  readonly prepares: boolean;
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
  /** "transaction" behind a transaction pooler: no named prepared statements. */
  poolMode?: "session" | "transaction";
}

// The app, its CLI and its tests all run from the repository root (remix-serve,
// tsx, vitest), and the migrations ship beside the build, not inside it.
const resolveMigrationsFolder = () => path.resolve(process.cwd(), "drizzle");

export async function openDatabase(options: OpenOptions): Promise<Database> {
  const { url, migrate = true } = options;
  if (url?.startsWith("postgres")) {
    // A named statement is prepared on one server connection; behind a transaction
    // pooler the next Bind may reach another one, where it does not exist (PgBouncer
    // 1.18 leaves the query hanging). drizzle's raw `execute` never prepares anyway;
    // the live path opts in where it is safe (prepared.server.ts).
    const prepare = options.poolMode !== "transaction";
    const client = postgres(url, { max: options.maxConnections ?? 10, prepare, onnotice: () => {} });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    try {
      if (migrate) await migrateUnderLock(url, prepare);
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {});
      throw error;
    }
    return { db, driver: "postgres", prepares: prepare, close: () => client.end({ timeout: 5 }) };
  }

  let client: FairPGlite;
  if (options.pgliteSnapshot) {
    client = new FairPGlite({ loadDataDir: options.pgliteSnapshot });
  } else if (url === "pglite://memory") {
    client = new FairPGlite();
  } else {
    // pglite:///abs/dir or pglite://rel/dir name a data dir; otherwise PGLITE_DATA_DIR.
    const fromUrl = url?.startsWith("pglite://") ? url.slice("pglite://".length) : undefined;
    const dir = path.resolve(fromUrl || options.pgliteDataDir || "./data/pglite");
    mkdirSync(dir, { recursive: true });
    client = new FairPGlite(dir);
  }
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  if (migrate) await migratePglite(drizzlePglite(client), { migrationsFolder: resolveMigrationsFolder() });
  return { db, driver: "pglite", prepares: false, close: () => client.close() };
}

/** Any fixed number: every process of this app agrees on it, nothing else uses it. */
export const MIGRATION_LOCK_KEY = 7_301_885_226;

/**
 * Every app and worker process migrates at start-up: one at a time, so two
 * processes starting together never apply the same migration twice. The lock and
 * every migration run in ONE transaction on a connection of its own: the lock is
 * transaction-scoped, so it ends with that transaction even if the process dies and
 * never outlives it on a pooled server connection (PgBouncer in transaction mode),
 * as a session-level lock could; and a process waiting for the lock holds no server
 * connection the migrating one needs (with migrations on the pool instead, N
 * processes waiting behind a pooler with N server connections would starve it).
 */
async function migrateUnderLock(url: string, prepare: boolean): Promise<void> {
  const locker = postgres(url, { max: 1, prepare, onnotice: () => {} });
  try {
    const db = drizzlePostgres(locker, { schema }) as unknown as Db;
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const config = { migrationsFolder: resolveMigrationsFolder() };
      // drizzle's own migrator (same journal table, same checks), handed this
      // transaction as its session: its inner transaction becomes a savepoint. A
      // process that waited sees the migrations the first one committed.
      const session = {
        execute: (query: SQL) => tx.execute(query),
        all: (query: SQL) => queryRows(tx, query),
        transaction: <T>(fn: (inner: Tx) => Promise<T>) => tx.transaction(fn),
      };
      await (db as unknown as { dialect: { migrate(m: unknown, s: unknown, c: unknown): Promise<void> } }).dialect.migrate(readMigrationFiles(config), session, config);
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

/** Rows a write statement touched, whichever driver ran it (no RETURNING needed). */
export function affectedRows(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number; rowCount?: number } | null;
  return Number(r?.count ?? r?.affectedRows ?? r?.rowCount ?? 0);
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
      return openDatabase({ url: env.DATABASE_URL, pgliteDataDir: env.PGLITE_DATA_DIR, poolMode: env.DATABASE_POOL_MODE });
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
