/**
 * The requests this process is answering, so that background work sharing the process can
 * let them go first.
 *
 * On the embedded database (PGlite) the job worker runs inside the web process: one
 * JavaScript thread and one database connection serve both the merchant's pages and an
 * import. A job about to be claimed, and an import between two batches, first wait until no
 * request is in flight — for at most a bound, so a steady stream of requests slows background
 * work down but never stops it. Measured (decision 0017 point 6): pages during a first sync
 * answer in about half the time; the frame's first paint did not move.
 *
 * server.ts counts every request (documents, data, the build's assets). It and the server
 * build are two module graphs (server.ts imports this file; the build bundles its own copy),
 * so the count lives on globalThis under one registered symbol.
 */
const KEY = Symbol.for("margin-notes.requests-in-flight");

interface Count {
  inFlight: number;
  /** Called when the count drops to zero. */
  waiters: Set<() => void>;
}

function count(): Count {
  const holder = globalThis as unknown as Record<symbol, Count | undefined>;
  return (holder[KEY] ??= { inFlight: 0, waiters: new Set() });
}

/** Counts a request until its response closes (sent, or the connection dropped). */
export function countRequest(response: { once(event: "close", listener: () => void): unknown }): void {
  const c = count();
  c.inFlight++;
  response.once("close", () => {
    c.inFlight--;
    if (c.inFlight > 0) return;
    for (const wake of [...c.waiters]) wake();
  });
}

export const requestsInFlight = (): number => count().inFlight;

/**
 * Resolves once no request is in flight, or after `maxWaitMs` whatever happens (a page that
 * streams for long, or requests arriving back to back, delay background work by that much).
 */
export function afterRequestsInFlight(maxWaitMs: number): Promise<void> {
  const c = count();
  if (c.inFlight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, maxWaitMs);
    timer.unref();
    function done() {
      clearTimeout(timer);
      c.waiters.delete(done);
      resolve();
    }
    c.waiters.add(done);
  });
}
