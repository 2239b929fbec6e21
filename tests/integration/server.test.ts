/**
 * The production server (server.ts, also the demo's): static files and Remix's own
 * answers carry the security headers, the access log never has a query string, and
 * every request has an id, in a header and on its log lines.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

import express from "express";
import { http, passthrough } from "msw";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { assetsLoaded, importBuild, mountApp } from "../../server";
import { mswServer } from "../mocks/msw-server";
import { signedWebhook } from "../mocks/shopify/webhooks";
import { TEST_API_SECRET } from "../setup/test-env";

let server: Server;
let origin: string;

beforeAll(async () => {
  const build = await importBuild();
  const app = mountApp(express(), build, { accessLog: true });
  await assetsLoaded(app);
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
// Requests to our own server are real: msw lets them through.
beforeEach(() => mswServer.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough())));

function expectHeaderSet(response: Response, label: string) {
  expect(response.headers.get("strict-transport-security"), label).toMatch(/max-age=\d{7,}/);
  expect(response.headers.get("x-content-type-options"), label).toBe("nosniff");
  expect(response.headers.get("referrer-policy"), label).toBe("strict-origin-when-cross-origin");
  expect(response.headers.get("permissions-policy"), label).toContain("camera=()");
  expect(response.headers.get("content-security-policy"), label).toContain("frame-ancestors 'none'");
  expect(response.headers.get("x-powered-by"), label).toBeNull();
}

describe("server.ts", () => {
  it("sets the header set on static files, /__manifest's 204 and 404s", async () => {
    const manifest = (await fetch(`${origin}/`).then((r) => r.text())).match(/\/build\/manifest-[A-Z0-9]+\.js/)?.[0];
    expect(manifest).toBeDefined();
    const cases: Array<[string, number]> = [
      [manifest!, 200],
      ["/images/empty-state.svg", 200],
      ["/__manifest?version=not-this-one", 204],
      ["/nowhere", 404],
      ["/build/nothing-here.js", 404],
    ];
    for (const [path, status] of cases) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(status);
      expectHeaderSet(response, path);
      await response.body?.cancel();
    }
  });

  it("serves the build's scripts and styles compressed for a browser that accepts it, and nothing else", async () => {
    const html = await fetch(`${origin}/`).then((r) => r.text());
    const manifest = html.match(/\/build\/manifest-[A-Z0-9]+\.js/)?.[0];
    expect(manifest).toBeDefined();
    // node's http client, not fetch: fetch decodes the body and hides what was sent.
    const raw = async (path: string, encoding: string | null) => {
      const { request } = await import("node:http");
      return new Promise<{ status: number; encoding: string | undefined; bytes: number; vary: string | undefined; cache: string | undefined }>((resolve, reject) => {
        const req = request(`${origin}${path}`, { headers: encoding ? { "Accept-Encoding": encoding } : {} }, (res) => {
          let bytes = 0;
          res.on("data", (chunk: Buffer) => (bytes += chunk.length));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, encoding: res.headers["content-encoding"], bytes, vary: res.headers.vary, cache: res.headers["cache-control"] }));
        });
        req.on("error", reject);
        req.end();
      });
    };
    const plain = await raw(manifest!, null);
    const gzipped = await raw(manifest!, "gzip, deflate, br");
    expect(plain.status).toBe(200);
    expect(plain.encoding).toBeUndefined();
    expect(gzipped.status).toBe(200);
    expect(gzipped.encoding).toMatch(/^(gzip|br|deflate)$/);
    expect(gzipped.bytes).toBeLessThan(plain.bytes);
    expect(gzipped.vary).toMatch(/Accept-Encoding/i);
    expect(gzipped.cache).toContain("immutable");
    // Polaris' stylesheet (a public page links it; the landing page has none), too; a
    // revalidation with its ETag is a 304.
    const polarisPage = await fetch(`${origin}/privacy`).then((r) => r.text());
    const stylesheet = polarisPage.match(/\/build\/_assets\/styles-[A-Z0-9]+\.css/)?.[0];
    expect(stylesheet).toBeDefined();
    const css = await fetch(`${origin}${stylesheet}`);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    const etag = css.headers.get("etag");
    expect(etag).toBeTruthy();
    expectHeaderSet(css, stylesheet!);
    await css.body?.cancel();
    expect((await fetch(`${origin}${stylesheet}`, { headers: { "If-None-Match": etag! } })).status).toBe(304);
    // Pages are never compressed here: a document streams (the dashboard's shell first).
    const page = await raw("/healthz", "gzip, deflate, br");
    expect(page.encoding).toBeUndefined();
    const svg = await raw("/images/empty-state.svg", "gzip");
    expect(svg.encoding).toBeUndefined();
  });

  it("keeps the app's own CSP instead of replacing it", async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.headers.get("content-security-policy")?.match(/frame-ancestors/g)).toHaveLength(1);
  });

  it("logs the path of each request, never its query string", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly94In0.c2lnbmF0dXJl";
    try {
      await fetch(`${origin}/app?shop=a.myshopify.com&id_token=${token}&hmac=abc123`).then((r) => r.body?.cancel());
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      spy.mockRestore();
    }
    const access = lines.filter((l) => l.includes('"msg":"request"'));
    expect(access.length).toBeGreaterThan(0);
    expect(access.join("\n")).toContain('"path":"/app"');
    expect(lines.join("\n")).not.toMatch(/eyJ|abc123|id_token=|a\.myshopify\.com/);
  });
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Every line written to stdout and through console.log while `fn` runs. */
async function captureLines(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  }) as typeof process.stdout.write);
  const consoleLog = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
  try {
    await fn();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    stdout.mockRestore();
    consoleLog.mockRestore();
  }
  return lines;
}

describe("request ids", () => {
  it("answers every request with an X-Request-Id: a fresh UUID, a sane inbound one kept, anything else replaced", async () => {
    const fresh = await Promise.all([fetch(`${origin}/healthz`), fetch(`${origin}/healthz`), fetch(`${origin}/nowhere`)]);
    const ids = fresh.map((r) => r.headers.get("x-request-id"));
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);

    const kept = await fetch(`${origin}/healthz`, { headers: { "X-Request-Id": "lb-7f3a.2026:abc_def" } });
    expect(kept.headers.get("x-request-id")).toBe("lb-7f3a.2026:abc_def");
    for (const bad of ["short", "a".repeat(65), 'x","level":60,"msg":"forged', "id with spaces here", "-starts-with-dash"]) {
      const replaced = await fetch(`${origin}/healthz`, { headers: { "X-Request-Id": bad } });
      expect(replaced.headers.get("x-request-id"), bad).toMatch(UUID);
    }
    await Promise.all([...fresh, kept].map((r) => r.body?.cancel()));
  });

  it("puts the request's id on every log line written while serving it, also for requests served at the same time", async () => {
    // A signed webhook triggered 30 days ago: the app logs a warning (and audits it) while serving it.
    const stale = (id: string) => {
      const request = signedWebhook({ appUrl: origin, secret: TEST_API_SECRET, topic: "orders/create", shop: `reqid-${id}.myshopify.com`, payload: { id: 1 }, triggeredAt: new Date(Date.now() - 30 * 86_400_000) });
      request.headers.set("X-Request-Id", `test-request-${id}`);
      return fetch(request);
    };
    const lines = await captureLines(async () => {
      const responses = await Promise.all([stale("one"), stale("two")]);
      expect(responses.map((r) => r.status)).toEqual([401, 401]);
      expect(responses.map((r) => r.headers.get("x-request-id"))).toEqual(["test-request-one", "test-request-two"]);
    });
    for (const id of ["one", "two"]) {
      const mine = lines.filter((l) => l.includes(`reqid-${id}`) || l.includes(`test-request-${id}`));
      const warning = mine.filter((l) => l.includes("signed webhook refused"));
      const access = mine.filter((l) => l.includes('"msg":"request"'));
      expect(warning, id).toHaveLength(1);
      expect(access, id).toHaveLength(1);
      for (const line of [...warning, ...access]) expect(JSON.parse(line), id).toMatchObject({ requestId: `test-request-${id}` });
    }
    // Outside a request (no id in context) nothing invents one.
    expect(lines.filter((l) => l.includes("signed webhook refused") && !l.includes('"requestId"'))).toEqual([]);
  });
});
