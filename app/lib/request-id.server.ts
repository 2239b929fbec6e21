/**
 * Request ids: one per request, in the `X-Request-Id` response header and on every
 * log line written while serving it, so a merchant's report ("it failed at 10:02,
 * request 5f0c…") leads to the lines that matter.
 *
 * server.ts assigns the id and runs the request inside `runWithRequestId`; the log
 * (app/log.server.ts) reads it back. server.ts loads this file itself and the build
 * bundles its own copy, so the store lives on globalThis: both copies share one.
 * No `~` imports: server.ts runs on Node's type stripping.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "X-Request-Id";

interface RequestContext {
  requestId: string;
}

const STORE = Symbol.for("margin-notes.request-context");
const shared = globalThis as unknown as Record<symbol, AsyncLocalStorage<RequestContext> | undefined>;
const store: AsyncLocalStorage<RequestContext> = (shared[STORE] ??= new AsyncLocalStorage<RequestContext>());

/**
 * A proxy's or load balancer's id is kept, so one id follows the request through
 * both logs — but only a plain token: 8-64 letters, digits and `._:-`, nothing that
 * could forge a log field or a header line.
 */
const INBOUND = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$/;

export function requestIdFor(inbound: string | null | undefined): string {
  return inbound && INBOUND.test(inbound) ? inbound : randomUUID();
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return store.run({ requestId }, fn);
}

/** The id of the request being served, or undefined outside one (jobs, start-up). */
export function currentRequestId(): string | undefined {
  return store.getStore()?.requestId;
}
