import { Suspense } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { log } from "~/log.server";

import { renderDocument } from "./render-document.server";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const options = { allReady: false, status: 200, path: "/app", abortAfterMs: 6000 };

/** Suspends until `promise` settles (a loader's deferred data that has not arrived). */
function Pending({ promise }: { promise: Promise<never> }): never {
  throw promise;
}

function Broken(): never {
  throw new Error("the component failed");
}

describe("renderDocument", () => {
  it("streams the page and leaves no timer behind once it is complete", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const response = await renderDocument(<p>ready</p>, { ...options, headers: new Headers() });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("ready");
    // The abort timer ended with the render (it used to stay for abortAfterMs after every page).
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends the shell at once and, at the time limit, stops what is still pending with a warning naming the path, not an error", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const warn = vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const never = new Promise<never>(() => undefined);
    const response = await renderDocument(
      <main>
        <h1>Dashboard</h1>
        <Suspense fallback={<p>Loading the report…</p>}><Pending promise={never} /></Suspense>
      </main>,
      { ...options, headers: new Headers() },
    );
    expect(response.status).toBe(200);
    const reading = response.text();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(6000);
    const html = await reading;
    expect(html).toContain("Dashboard");
    expect(html).toContain("Loading the report…");
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ path: "/app", afterMs: 6000 }), expect.stringContaining("time limit"));
    expect(error).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("logs a component that throws as an error, and a crawler's whole page is then a 500", async () => {
    const warn = vi.spyOn(log, "warn").mockImplementation(() => undefined);
    const error = vi.spyOn(log, "error").mockImplementation(() => undefined);
    const response = await renderDocument(
      <main><Suspense fallback={<p>…</p>}><Broken /></Suspense></main>,
      { ...options, allReady: true, headers: new Headers() },
    );
    expect(response.status).toBe(500);
    await response.text();
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ path: "/app" }), "render error");
    expect(warn).not.toHaveBeenCalled();
  });
});
