import { EventEmitter } from "node:events";

import { afterEach, describe, expect, it, vi } from "vitest";

import { afterRequestsInFlight, countRequest, requestsInFlight } from "./requests-in-flight.server";
import type * as RequestsInFlight from "./requests-in-flight.server";

/** A response as countRequest sees it: something that emits "close" once. */
const response = () => new EventEmitter();

const settledWithin = async (promise: Promise<void>, ms: number) => {
  let settled = false;
  void promise.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
};

afterEach(() => {
  vi.useRealTimers();
});

describe("requests in flight", () => {
  it("counts a request until its response closes, once", () => {
    const before = requestsInFlight();
    const a = response();
    const b = response();
    countRequest(a);
    countRequest(b);
    expect(requestsInFlight()).toBe(before + 2);
    a.emit("close");
    a.emit("close"); // a second close of the same response changes nothing
    expect(requestsInFlight()).toBe(before + 1);
    b.emit("close");
    expect(requestsInFlight()).toBe(before);
  });

  it("lets background work go at once when no request is in flight", async () => {
    vi.useFakeTimers();
    expect(await settledWithin(afterRequestsInFlight(1_000), 0)).toBe(true);
  });

  it("holds background work until the last request in flight is answered, not the first", async () => {
    vi.useFakeTimers();
    const a = response();
    const b = response();
    countRequest(a);
    countRequest(b);
    const waiting = afterRequestsInFlight(1_000);
    a.emit("close");
    expect(await settledWithin(waiting, 10)).toBe(false);
    b.emit("close");
    expect(await settledWithin(waiting, 0)).toBe(true);
  });

  it("never holds it longer than its bound (a page that streams for long, requests back to back)", async () => {
    vi.useFakeTimers();
    const open = response();
    countRequest(open);
    const waiting = afterRequestsInFlight(250);
    expect(await settledWithin(waiting, 249)).toBe(false);
    expect(await settledWithin(waiting, 1)).toBe(true);
    open.emit("close");
  });

  it("is one count for the process, whichever copy of the module counts (server.ts and the server build)", async () => {
    const before = requestsInFlight();
    vi.resetModules();
    const copy = (await import("./requests-in-flight.server?copy" as string)) as typeof RequestsInFlight;
    const r = response();
    copy.countRequest(r);
    expect(requestsInFlight()).toBe(before + 1);
    r.emit("close");
    expect(requestsInFlight()).toBe(before);
  });
});
