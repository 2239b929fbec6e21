// Gives each integration test file its own database handle: a PGlite loaded from
// the migrated snapshot, or a pool on the real server logged in as the app.
import { readFile } from "node:fs/promises";

import { afterAll, inject } from "vitest";

import { openDatabase, setDatabase, type Database } from "~/db/client.server";

const provided = inject("database");
let database: Database;
if (provided.driver === "pglite") {
  database = await openDatabase({ pgliteSnapshot: new Blob([await readFile(provided.snapshot)]), migrate: false });
} else {
  database = await openDatabase({ url: provided.appUrl, migrate: false, maxConnections: 4, poolMode: provided.poolMode });
}
setDatabase(database);

afterAll(() => database.close());
