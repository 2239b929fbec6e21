import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

// getDatabase opens PGLITE_DATA_DIR; point it below a regular file so the first open fails.
const dir = mkdtempSync(path.join(tmpdir(), "mn-open-"));
const blocker = path.join(dir, "blocker");
writeFileSync(blocker, "");
process.env.PGLITE_DATA_DIR = path.join(blocker, "db");
delete process.env.DATABASE_URL;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("getDatabase", () => {
  it("does not keep a failed open: the next caller opens the database again", async () => {
    const { getDatabase, ping } = await import("./client.server");
    await expect(getDatabase()).rejects.toThrow(/ENOTDIR|not a directory/i);
    // The cause goes away (the disk is mounted, the server is up): the process recovers.
    rmSync(blocker);
    const database = await getDatabase();
    expect(await ping()).toBe(true);
    expect(await getDatabase()).toBe(database);
    await database.close();
  });
});
