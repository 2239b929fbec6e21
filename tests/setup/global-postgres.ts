// A fresh database per run on the real server, owned by an unprivileged login
// (NOSUPERUSER NOBYPASSRLS, as in production) that runs the migrations itself.
import { randomBytes } from "node:crypto";
import path from "node:path";

import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { TestProject } from "vitest/node";

const APP_LOGIN = "margin_notes_app";

/** Creates and migrates the run's database directly on the server; returns its URLs and the drop. */
export async function createTestDatabase() {
  const adminUrl = new URL(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test");
  const database = `margin_notes_test_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${APP_LOGIN}') THEN
      CREATE ROLE ${APP_LOGIN} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS NOINHERIT;
    END IF;
  END $$`);
  // NOINHERIT: membership lets the login SET ROLE, but it gets none of the roles' policies by itself.
  await admin.unsafe(`ALTER ROLE ${APP_LOGIN} NOINHERIT`);
  await admin.unsafe(`CREATE DATABASE ${database} OWNER ${APP_LOGIN}`);

  // NOINHERIT also drops pg_database_owner's rights on schema public: own it directly.
  const superuserUrl = new URL(adminUrl);
  superuserUrl.pathname = `/${database}`;
  const superuserInDb = postgres(superuserUrl.toString(), { max: 1, onnotice: () => {} });
  await superuserInDb.unsafe(`ALTER SCHEMA public OWNER TO ${APP_LOGIN}`);
  await superuserInDb.end();

  const appUrl = new URL(adminUrl);
  appUrl.username = APP_LOGIN;
  appUrl.pathname = `/${database}`;
  const owner = postgres(appUrl.toString(), { max: 1, onnotice: () => {} });
  await migrate(drizzle(owner), { migrationsFolder: path.resolve("drizzle") });
  await owner.end();

  return {
    appUrl,
    superuserUrl,
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export default async function setup(project: TestProject) {
  const { appUrl, superuserUrl, drop } = await createTestDatabase();
  project.provide("database", { driver: "postgres", appUrl: appUrl.toString(), superuserUrl: superuserUrl.toString(), poolMode: "session" });
  return drop;
}
