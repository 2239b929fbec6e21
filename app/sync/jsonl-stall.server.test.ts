/**
 * A bulk download whose connection stops sending (no reset, no end) must not hang
 * the ingest job forever: the idle clock aborts it and the download resumes from
 * the last committed line; the job's own signal stops it at once.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { streamJsonl } from "./jsonl.server";

const LINES = Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `gid://shopify/Order/${i + 1}` }));
const FILE = `${LINES.join("\n")}\n`;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves the file; the first `stallTimes` requests send the first 40 lines, then nothing, without closing. */
async function stallingServer(stallTimes: number): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  server = createServer((_, response) => {
    requests++;
    response.writeHead(200, { "Content-Type": "application/jsonl" });
    if (requests <= stallTimes) {
      response.write(`${LINES.slice(0, 40).join("\n")}\n`);
      return; // stalls: the socket stays open and silent
    }
    response.end(FILE);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/bulk.jsonl`, requests: () => requests };
}

describe("streamJsonl on a stalled download", () => {
  it("aborts after the idle timeout and resumes from the last committed line, handing every line over once", async () => {
    const { url, requests } = await stallingServer(1);
    const handed: string[] = [];
    const started = Date.now();
    const total = await streamJsonl(url, {
      skip: 0,
      batchSize: 10,
      idleTimeoutMs: 300,
      retryDelayMs: 10,
      onBatch: async (lines) => void handed.push(...lines),
    });
    expect(total).toBe(100);
    expect(handed).toEqual(LINES);
    expect(requests()).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("does not count the caller's own slow commits as a stall", async () => {
    const { url, requests } = await stallingServer(0);
    const handed: string[] = [];
    await streamJsonl(url, {
      skip: 0,
      batchSize: 50,
      idleTimeoutMs: 100,
      onBatch: async (lines) => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        handed.push(...lines);
      },
    });
    expect(handed).toEqual(LINES);
    expect(requests()).toBe(1);
  });

  it("stops at once, without retrying, when the job's signal aborts during a stall", async () => {
    const { url, requests } = await stallingServer(10);
    const abort = new AbortController();
    const handed: string[] = [];
    const stream = streamJsonl(url, {
      skip: 0,
      batchSize: 10,
      idleTimeoutMs: 60_000,
      signal: abort.signal,
      onBatch: async (lines) => void handed.push(...lines),
    });
    setTimeout(() => abort.abort(new Error("worker stopped")), 200);
    const started = Date.now();
    await expect(stream).rejects.toThrow("worker stopped");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(requests()).toBe(1);
    expect(handed).toEqual(LINES.slice(0, 40));
  });
});
