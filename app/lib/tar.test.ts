import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { TAR_END, tarEntry } from "./tar";

describe("tar writer", () => {
  it("writes an archive the system tar lists and extracts byte for byte", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tar-test-"));
    const files = { "a/readme.txt": Buffer.from("héllo\n"), "b.json": Buffer.alloc(513, 7), "empty.csv": Buffer.alloc(0) };
    const archive = Buffer.concat([...Object.entries(files).map(([name, body]) => tarEntry(name, body, new Date("2026-12-01T00:00:00Z"))), TAR_END]);
    expect(archive.length % 512).toBe(0);
    writeFileSync(path.join(dir, "x.tar"), archive);
    expect(execFileSync("tar", ["-tf", "x.tar"], { cwd: dir, encoding: "utf8" }).trim().split("\n")).toEqual(Object.keys(files));
    execFileSync("tar", ["-xf", "x.tar"], { cwd: dir });
    for (const [name, body] of Object.entries(files)) expect(readFileSync(path.join(dir, name)).equals(body), name).toBe(true);
  });

  it("refuses names a ustar header cannot hold or that could escape the folder", () => {
    for (const name of ["", "x".repeat(101), "../etc/passwd", "/abs.txt", "a//b", "a b.txt"]) {
      expect(() => tarEntry(name, Buffer.alloc(1), new Date()), name).toThrow(/unsupported file name/);
    }
  });
});
