import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { installScriptProblems, lockfileProblems, packageName, type Lockfile } from "./supply-chain";

const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as Lockfile;
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { allowScripts?: Record<string, boolean> };

describe("package-lock.json", () => {
  it("pins every package with a sha512 integrity hash, from the npm registry only", () => {
    expect(Object.keys(lock.packages ?? {}).length).toBeGreaterThan(100);
    expect(lockfileProblems(lock)).toEqual([]);
  });

  it("runs install scripts only for allow-listed packages", () => {
    expect(installScriptProblems(lock, pkg.allowScripts ?? {})).toEqual([]);
  });
});

const good = { version: "1.2.3", integrity: "sha512-abc" };

describe("lockfile checks", () => {
  it("flag a package without integrity, from git, from a tarball URL or linked", () => {
    const problems = lockfileProblems({
      lockfileVersion: 3,
      packages: {
        "": { version: "0.1.0" },
        "node_modules/ok": { ...good, resolved: "https://registry.npmjs.org/ok/-/ok-1.2.3.tgz" },
        "node_modules/no-hash": { version: "1.0.0" },
        "node_modules/sha1": { version: "1.0.0", integrity: "sha1-abc" },
        "node_modules/from-git": { ...good, version: "git+https://github.com/a/b.git#abc" },
        "node_modules/tarball": { ...good, resolved: "https://evil.example/t.tgz" },
        "node_modules/linked": { link: true, resolved: "../linked" },
      },
    });
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "node_modules/no-hash", "node_modules/sha1", "node_modules/from-git", "node_modules/tarball", "node_modules/linked", "node_modules/linked",
    ]);
    expect(lockfileProblems({ lockfileVersion: 1 })).toHaveLength(1);
  });

  it("flag an install script from a package that is not allow-listed", () => {
    const withScripts: Lockfile = {
      lockfileVersion: 3,
      packages: {
        "node_modules/esbuild": { ...good, hasInstallScript: true },
        "node_modules/tsx/node_modules/esbuild": { ...good, hasInstallScript: true },
        "node_modules/@evil/postinstall": { ...good, hasInstallScript: true },
        "node_modules/quiet": good,
      },
    };
    expect(installScriptProblems(withScripts, { esbuild: true })).toEqual(["@evil/postinstall runs an install script but is not in package.json's allowScripts"]);
    expect(installScriptProblems(withScripts, { esbuild: true, "@evil/postinstall": false })).toHaveLength(1);
    expect(packageName("node_modules/a/node_modules/@s/b")).toBe("@s/b");
  });
});
