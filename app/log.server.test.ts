import { describe, expect, it, vi } from "vitest";

import { createLogger, installConsoleScrubber, scrubSecrets } from "./log.server";

// Canaries shaped like the real things (built at runtime so no secret-shaped literal sits in the repo).
const hex32 = "0123456789abcdef".repeat(2);
const canaries = {
  accessToken: `shpat_${hex32}`,
  refreshToken: `shprt_${hex32}`,
  apiSecret: `shpss_${hex32}`,
  anthropicKey: `sk-ant-api03-${"Zx9".repeat(12)}`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ dest: "https://x.myshopify.com", sub: "42" })).toString("base64url")}.c2lnbmF0dXJlLXNpZ25hdHVyZQ`,
  sealed: `v1:k1:${"A".repeat(16)}:${"B".repeat(40)}`,
};
const levels = ["trace", "debug", "info", "warn", "error", "fatal"] as const;

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (line: string) => lines.push(line) }, "trace") };
}

function expectNoCanary(output: string) {
  for (const [name, value] of Object.entries(canaries)) expect(output, name).not.toContain(value);
}

describe("log redaction", () => {
  it("scrubs every secret shape from free text", () => {
    const text = Object.values(canaries).join(" and ") + ` Authorization: Bearer ${canaries.jwt}`;
    const scrubbed = scrubSecrets(text);
    expectNoCanary(scrubbed);
    expect(scrubbed).toContain("[shopify-token]");
    expect(scrubbed).toContain("[jwt]");
    expect(scrubbed).toContain("[anthropic-key]");
  });

  it("never writes a canary at any level, in messages, fields, nested objects or errors", () => {
    const { lines, logger } = capture();
    for (const level of levels) {
      logger[level](`request failed for ${canaries.accessToken} with ${canaries.jwt}`);
      logger[level]({ accessToken: canaries.accessToken, session: { refreshToken: canaries.refreshToken }, headers: { authorization: `Bearer ${canaries.jwt}` } }, "structured");
      logger[level]({ detail: `key=${canaries.anthropicKey} sealed=${canaries.sealed} secret=${canaries.apiSecret}` }, "nested");
      logger[level]({ err: new Error(`upstream said ${canaries.accessToken}`) }, "error object");
    }
    expect(lines.length).toBe(levels.length * 4);
    expectNoCanary(lines.join("\n"));
  });

  it("keeps the rest of the line useful", () => {
    const { lines, logger } = capture();
    logger.info({ shop: "a.myshopify.com", accessToken: canaries.accessToken }, "stored session");
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ shop: "a.myshopify.com", accessToken: "[redacted]", msg: "stored session" });
  });

  it("scrubs what Shopify's library logs through our logger", async () => {
    const writes: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      process.env.LOG_LEVEL = "debug";
      vi.resetModules();
      const { authenticate } = await import("~/shopify.server");
      // A document request carrying a token-shaped id_token: the library logs the
      // request and its failure at debug level, through the logger we configured.
      const shop = "canary-shop.myshopify.com";
      const host = Buffer.from(`admin.shopify.com/store/canary-shop`).toString("base64url");
      const url = `https://margin-notes.test/app?embedded=1&shop=${shop}&host=${host}&id_token=${canaries.jwt}`;
      await authenticate
        .admin(new Request(url, { headers: { "User-Agent": "Mozilla/5.0 Chrome/156.0", Authorization: `Bearer ${canaries.jwt}` } }))
        .catch(() => undefined);
    } finally {
      spy.mockRestore();
      process.env.LOG_LEVEL = "warn";
      vi.resetModules();
    }
    const output = writes.join("");
    // The library did log through us (so this test can fail), and nothing secret got out.
    expect(output).toContain('"source":"shopify"');
    expect(output).toContain("[jwt]");
    expectNoCanary(output);
  });
});

describe("credentials in URLs", () => {
  it("scrubs id_token, session, hmac and code values, also percent-encoded, and keeps the rest of the URL", () => {
    const url = `/app?embedded=1&id_token=abc.def.ghi&session=0f3a9b&hmac=1a2b3c4d&code=xyz789&shop=a.myshopify.com&shopify-reload=%2Fapp%3Fid_token%3Dopaque123%26x%3D1`;
    const scrubbed = scrubSecrets(`You should call navigate() in a React.useEffect(), not when your component is first rendered. ${url}`);
    for (const value of ["abc.def.ghi", "0f3a9b", "1a2b3c4d", "xyz789", "opaque123"]) expect(scrubbed).not.toContain(value);
    expect(scrubbed).toContain("/app?embedded=1&id_token=[redacted]&session=[redacted]");
    expect(scrubbed).toContain("shop=a.myshopify.com");
    expect(scrubbed).toContain("%3Fid_token%3D[redacted]%26x%3D1");
  });

  it("scrubs what third-party code writes through console, whatever the method and argument shape", () => {
    const written: string[] = [];
    const fake = { log: (...a: unknown[]) => written.push(a.join(" ")), info: (...a: unknown[]) => written.push(a.join(" ")), warn: (...a: unknown[]) => written.push(a.join(" ")), error: (...a: unknown[]) => written.push(a.join(" ")), debug: (...a: unknown[]) => written.push(a.join(" ")), trace: (...a: unknown[]) => written.push(a.join(" ")) } as unknown as Console;
    installConsoleScrubber(fake);
    installConsoleScrubber(fake); // idempotent: one layer of scrubbing, not two
    fake.warn("No routes matched location \"%s\"", `/app?id_token=${canaries.jwt}`);
    fake.error(new Error(`upstream said ${canaries.accessToken}`));
    fake.log({ url: `/auth?hmac=deadbeef&code=c0de`, token: canaries.refreshToken });
    fake.info("plain message");
    expect(written).toHaveLength(4);
    expectNoCanary(written.join("\n"));
    expect(written.join("\n")).not.toMatch(/deadbeef|c0de/);
    expect(written[3]).toBe("plain message");
  });
});

describe("request ids on log lines", () => {
  it("adds the request's id to pino lines and console output inside a request, and nothing outside one", async () => {
    const { runWithRequestId } = await import("./lib/request-id.server");
    const { lines, logger } = capture();
    const written: string[] = [];
    const target = { log: (text: string) => void written.push(text), info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, trace: () => {} } as unknown as Console;
    installConsoleScrubber(target);
    logger.info("outside");
    target.log("plain outside");
    await runWithRequestId("req-12345678", async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info({ n: 1 }, "inside");
      target.log("plain %s", "inside");
      target.log(JSON.stringify({ msg: "json inside" }));
    });
    expect(JSON.parse(lines[0]!)).not.toHaveProperty("requestId");
    expect(JSON.parse(lines[1]!)).toMatchObject({ requestId: "req-12345678", n: 1, msg: "inside" });
    expect(written).toEqual(["plain outside", "plain inside [requestId=req-12345678]", '{"requestId":"req-12345678","msg":"json inside"}']);
  });
});
