import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { testEnv } from "../tests/setup/test-env";

import { EnvError, parseEnv } from "./env.server";

const withEnv = (changes: Record<string, string | undefined>) => {
  const next: Record<string, string | undefined> = { ...testEnv, ...changes };
  return next;
};

function errorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    return error as EnvError;
  }
  throw new Error("expected parseEnv to throw");
}

describe("env", () => {
  it("parses a complete environment with defaults", () => {
    const env = parseEnv(withEnv({ LOG_LEVEL: undefined, SCOPES: undefined }));
    expect(env.SCOPES).toEqual(["read_orders", "read_all_orders", "read_products"]);
    expect(env.LOG_LEVEL).toBe("info");
    expect(env.SHOPIFY_API_VERSION).toBe("2026-10");
    expect(Object.isFrozen(env)).toBe(true);
  });

  it("defaults SCOPES to exactly what shopify.app.toml requests (read_all_orders included)", () => {
    const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");
    const requested = /^scopes = "([^"]*)"$/m.exec(toml)?.[1]?.split(",");
    expect(parseEnv(withEnv({ SCOPES: undefined })).SCOPES).toEqual(requested);
  });

  it.each([
    ["SHOPIFY_API_SECRET", { SHOPIFY_API_SECRET: undefined }],
    ["SHOPIFY_APP_URL", { SHOPIFY_APP_URL: "not a url" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/db" }],
    ["DATABASE_POOL_MODE", { DATABASE_POOL_MODE: "statement" }],
    ["TOKEN_KEYS", { TOKEN_KEYS: "{not json" }],
    ["TOKEN_KEYS", { TOKEN_KEYS: JSON.stringify({ k1: Buffer.alloc(16).toString("base64") }) }],
    ["TOKEN_PRIMARY_KID", { TOKEN_PRIMARY_KID: "missing-kid" }],
    ["AUDIT_KEYS", { AUDIT_KEYS: undefined }],
    ["AUDIT_KEYS", { AUDIT_KEYS: JSON.stringify({ a1: Buffer.alloc(31).toString("base64") }) }],
    ["AUDIT_PRIMARY_KID", { AUDIT_PRIMARY_KID: "missing-kid" }],
    ["LOG_LEVEL", { LOG_LEVEL: "loud" }],
    ["SIMULATED_ADMIN_ORIGIN", { NODE_ENV: "production", SIMULATED_ADMIN_ORIGIN: "http://127.0.0.1:3001" }],
    // The demo flag does not open the simulator to an app on a real (https) URL.
    ["SIMULATED_ADMIN_ORIGIN", { NODE_ENV: "production", SIMULATED_ADMIN_ORIGIN: "http://127.0.0.1:3001", DEMO_SIMULATOR: "on" }],
    ["DEMO_SIMULATOR", { DEMO_SIMULATOR: "on" }],
    ["DEMO_SIMULATOR", { DEMO_SIMULATOR: "on", SHOPIFY_APP_URL: "http://app.example.com" }],
    // A loopback app URL alone is not the flag.
    ["SIMULATED_ADMIN_ORIGIN", { NODE_ENV: "production", SIMULATED_ADMIN_ORIGIN: "http://127.0.0.1:3001", SHOPIFY_APP_URL: "http://127.0.0.1:3000" }],
  ])("names %s when it is missing or malformed", (key, changes) => {
    const error = errorOf(withEnv(changes));
    expect(error).toBeInstanceOf(EnvError);
    expect(error.keys).toContain(key);
    expect(error.message).toContain(key);
  });

  it("accepts the simulator in production only for the loopback demo", () => {
    const demo = parseEnv(withEnv({
      NODE_ENV: "production", SHOPIFY_APP_URL: "http://127.0.0.1:3000", SIMULATED_ADMIN_ORIGIN: "http://127.0.0.1:3001", DEMO_SIMULATOR: "on",
    }));
    expect(demo.SIMULATED_ADMIN_ORIGIN).toBe("http://127.0.0.1:3001");
    expect(parseEnv(withEnv({})).DEMO_SIMULATOR).toBe("off");
  });

  it("names every bad key at once and never echoes a secret value", () => {
    const secretish = JSON.stringify({ k1: "c2VjcmV0LWJ1dC1zaG9ydA==" });
    const error = errorOf(withEnv({ SHOPIFY_API_KEY: undefined, TOKEN_KEYS: secretish }));
    expect(error.keys).toEqual(expect.arrayContaining(["SHOPIFY_API_KEY", "TOKEN_KEYS"]));
    expect(error.message).not.toContain("c2VjcmV0LWJ1dC1zaG9ydA==");
  });

  it.runIf(existsSync("build/index.js"))("stops the production server at start-up, naming the bad key", () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOST: "127.0.0.1", PORT: "0", NODE_ENV: "production" };
    for (const [k, v] of Object.entries(testEnv)) if (k !== "SHOPIFY_API_SECRET" && k !== "NODE_ENV") env[k] = v;
    const result = spawnSync(path.resolve("node_modules/.bin/node"), ["server.ts", "build/index.js"], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toContain("SHOPIFY_API_SECRET");
  });
});
