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

/**
 * Why a statement sent to PostgreSQL unprepared costs two round trips, not one:
 * postgres.js sends a query with parameters that it has not prepared on this
 * connection as Parse/Describe first, waits for the parameter types, then Bind/Execute
 * (and sends nothing else on the connection meanwhile). A named statement it has
 * prepared before goes as Bind/Execute at once: one round trip, no parse, no plan
 * after the first executions. That is most of what a short statement costs.
 */
export function prepareStatements(tx: Tx, prepares: boolean): void {
  if (!prepares) return;
  const client = postgresClient(tx);
  if (!client) return;
  (tx as { execute: unknown }).execute = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    // Queued on the connection now, not when first awaited: statements go out in the
    // order they were made, whatever awaits them (db/pipeline.server.ts relies on it).
    return started(client.unsafe(text, params, { prepare: true }) as PendingQuery);
  };
}

/**
 * Sends one statement prepared, now, ahead of anything the transaction sends after
 * it (PostgreSQL runs a connection's statements in the order they arrive), without
 * waiting for its answer: the caller goes on and awaits the promise later. Used for
 * the transaction preamble (tenant.server.ts), whose answer nobody reads. Returns
 * null where there is no postgres.js client or prepares is off: the caller runs the
 * statement itself, awaited (PGlite runs one statement at a time anyway).
 */
export function sendPrepared(tx: Tx, query: SQL, prepares: boolean): Promise<unknown> | null {
  const client = prepares ? postgresClient(tx) : null;
  if (!client) return null;
  const { sql: text, params } = dialect.sqlToQuery(query);
  // postgres.js queues a query on the connection when it is first awaited or executed;
  // `execute()` queues it here, before fn's first statement exists.
  return started(client.unsafe(text, params, { prepare: true }) as PendingQuery);
}

const started = (query: PendingQuery): Promise<unknown> => (typeof query.execute === "function" ? query.execute() : query);

interface PendingQuery extends Promise<unknown> {
  execute?(): Promise<unknown>;
}
