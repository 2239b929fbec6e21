// The PostgreSQL integration suite again, through PgBouncer in transaction mode
// (.ci/pgbouncer.ini, 127.0.0.1:6432): the database is created and migrated directly
// on the server, then the tests reach it only through the pooler, as the app would
// behind one, with DATABASE_POOL_MODE=transaction.
import type { TestProject } from "vitest/node";

import { createTestDatabase } from "./global-postgres";

export const PGBOUNCER_PORT = Number(process.env.TEST_PGBOUNCER_PORT ?? 6432);

export default async function setup(project: TestProject) {
  const { appUrl, superuserUrl, drop } = await createTestDatabase();
  const pooled = new URL(appUrl);
  pooled.hostname = "127.0.0.1";
  pooled.port = String(PGBOUNCER_PORT);
  project.provide("database", { driver: "postgres", appUrl: pooled.toString(), superuserUrl: superuserUrl.toString(), poolMode: "transaction" });
  return drop;
}
