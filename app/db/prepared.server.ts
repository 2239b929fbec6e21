/**
 * Named prepared statements for one transaction's raw SQL.
 *
 * drizzle's postgres-js session runs `tx.execute(sql)` as an unnamed statement
 * (it prepares only queries given a name), so PostgreSQL parses and plans it on
 * every execution. For the live path's statements — a fixed set of texts, each
 * with many CTEs — parse and plan are most of their time: a live finalize of one
 * order measured ~20 ms unprepared and ~10 ms prepared (same data, same machine).
 *
 * `prepareStatements(tx)` makes that transaction's `execute` go through
 * postgres.js with `prepare: true`: one named statement per distinct text, kept
 * per connection (postgres.js re-prepares after a reconnect; PostgreSQL re-plans
 * after DDL). Use it only where the texts are a small fixed set (parameters bound,
 * never literals spliced in), and never behind a transaction pooler, where the
 * next Bind may reach a server connection that never saw the Parse
 * (client.server.ts turns `prepares` off there). PGlite: a no-op.
 */
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

import type { Tx } from "./client.server";

const dialect = new PgDialect();

interface PostgresJsClient {
  unsafe(query: string, params: unknown[], options: { prepare: boolean }): Promise<unknown>;
}

/** The transaction's postgres.js client, when there is one (drizzle keeps it on the session). */
function postgresClient(tx: Tx): PostgresJsClient | null {
  const client = (tx as unknown as { session?: { client?: unknown } }).session?.client;
  return client && typeof (client as PostgresJsClient).unsafe === "function" ? (client as PostgresJsClient) : null;
}

export function prepareStatements(tx: Tx, prepares: boolean): void {
  if (!prepares) return;
  const client = postgresClient(tx);
  if (!client) return;
  (tx as { execute: unknown }).execute = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return client.unsafe(text, params, { prepare: true });
  };
}
