// The AI narrative's and the weekly email's settings (app/env.server.ts).
import { describe, expect, it } from "vitest";

import { testEnv } from "../tests/setup/test-env";

import { EnvError, parseEnv } from "./env.server";

const parse = (changes: Record<string, string | undefined>) => parseEnv({ ...testEnv, ...changes });

describe("env: Anthropic and SMTP", () => {
  it("works offline by default: no key, a current Sonnet model, a 30 s timeout, no SMTP", () => {
    const env = parse({});
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(env.ANTHROPIC_MODEL).toBe("claude-sonnet-5-5");
    expect(env.ANTHROPIC_TIMEOUT_MS).toBe(30_000);
    expect(env.SMTP_URL).toBeUndefined();
  });

  it("treats an empty key as unset, and takes a model and key when given", () => {
    expect(parse({ ANTHROPIC_API_KEY: "" }).ANTHROPIC_API_KEY).toBeUndefined();
    const env = parse({ ANTHROPIC_API_KEY: "sk-ant-api03-abcdefghijklmnopqrstuvwxyz", ANTHROPIC_MODEL: "claude-opus-5" });
    expect(env.ANTHROPIC_MODEL).toBe("claude-opus-5");
  });

  it.each([
    ["ANTHROPIC_MODEL", { ANTHROPIC_MODEL: "gpt-4o" }],
    ["ANTHROPIC_API_KEY", { ANTHROPIC_API_KEY: "sk-ant-xyz" }],
    ["ANTHROPIC_TIMEOUT_MS", { ANTHROPIC_TIMEOUT_MS: "50" }],
    ["SMTP_URL", { SMTP_URL: "https://mail.example.com", SMTP_FROM: "a@example.com" }],
    ["SMTP_FROM", { SMTP_URL: "smtp://mail.example.com:587" }],
    ["SMTP_FROM", { SMTP_URL: "smtp://mail.example.com:587", SMTP_FROM: "not an address" }],
  ])("names %s when it is malformed", (key, changes) => {
    let error: unknown;
    try {
      parse(changes);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    expect((error as EnvError).keys).toContain(key);
    // Never the key's value.
    expect((error as EnvError).message).not.toContain("sk-ant-xyz");
  });
});
