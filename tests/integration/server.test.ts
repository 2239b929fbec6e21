/**
 * The production server (server.ts, also the demo's): static files and Remix's own
 * answers carry the security headers, and the access log never has a query string.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

import express from "express";
import { http, passthrough } from "msw";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { importBuild, mountApp } from "../../server";
import { mswServer } from "../mocks/msw-server";

let server: Server;
let origin: string;

beforeAll(async () => {
  const build = await importBuild();
  server = mountApp(express(), build, { accessLog: true }).listen(0, "127.0.0.1");
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
