/**
 * The production server: `npm start` (node server.ts [build/index.js]), and the
 * app half of `npm run demo`. It replaces remix-serve, which cannot be configured
 * and (1) logged every request line with morgan, query string included, so
 * `?id_token=…` session tokens reached stdout unscrubbed; (2) served static files,
 * and passed Remix's own answers (/__manifest, last-resort errors), without our
 * security headers; (3) gave loaders no client address for per-source limits.
 *
 * It serves what remix-serve served, the same way (express, /build immutable for a
 * year, public/ for an hour, the build's request handler), plus:
 *  - the build's scripts and styles come from memory, gzipped once at start
 *    (app/lib/build-assets.server.ts);
 *  - every response, static ones included, carries the security header set: the
 *    headers a response lacks are filled in just before they are written, so a
 *    document's per-shop CSP is never replaced (app/security/headers.server.ts);
 *  - the load context carries the TCP peer (`remoteAddress`);
 *  - every request gets an id (a sane inbound X-Request-Id, else a fresh UUID), sent
 *    back in X-Request-Id and carried by every log line written while serving it
 *    (app/lib/request-id.server.ts);
 *  - one JSON access line per request with the path only, never the query string,
 *    written through the console the build scrubs (app/log.server.ts);
 *  - an error Remix's adapter cannot turn into a response is a plain 400/500 with
 *    no stack trace.
 *
 * Runs on Node 22's type stripping: erasable TypeScript only, relative imports with
 * their extension, nothing from the `~` alias.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express, { type Express, type NextFunction, type Request, type Response } from "express";

import { serveBuildAssets } from "./app/lib/build-assets.server.ts";
import { REQUEST_ID_HEADER, requestIdFor, runWithRequestId } from "./app/lib/request-id.server.ts";
import { countRequest } from "./app/lib/requests-in-flight.server.ts";
import { fillSecurityHeaders } from "./app/security/headers.server.ts";

/** First: everything after it (handlers, logs, the access line) runs with the request's id. */
function requestId(req: Request, res: Response, next: NextFunction): void {
  const id = requestIdFor(req.get(REQUEST_ID_HEADER));
  res.locals.requestId = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  runWithRequestId(id, next);
}

/** Fills the security headers a response lacks when its head is written (as on-headers does). */
function securityHeadersOnEveryResponse(_req: Request, res: Response, next: NextFunction): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    fillSecurityHeaders((name) => this.hasHeader(name), (name, value) => this.setHeader(name, value));
    this.removeHeader("X-Powered-By");
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  next();
}

function accessLog(req: Request, res: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  res.once("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // The path only: query strings carry session tokens (?id_token=, ?hmac=).
    console.log(JSON.stringify({ level: 30, time: new Date().toISOString(), app: "margin-notes", requestId: res.locals.requestId as string, msg: "request", method: req.method, path: req.originalUrl.split("?")[0], status: res.statusCode, ms: Math.round(ms) }));
  });
  next();
}

function lastResort(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  // Express's own handler would print the stack outside production; say nothing instead.
  const badInput = error instanceof TypeError || (error as { code?: string })?.code === "ERR_INVALID_URL";
  console.error(JSON.stringify({ level: 50, time: new Date().toISOString(), app: "margin-notes", requestId: res.locals.requestId as string, msg: "request failed before the app answered", err: String(error) }));
  res.status(badInput ? 400 : 500).type("text/plain").send(badInput ? "Bad Request" : "Internal Server Error");
}

export interface MountOptions {
  /** Remix's mode; anything but "production" shows error details in responses. */
  mode?: "production" | "development";
  /** One line per request; by default when LOG_LEVEL is info or more verbose. */
  accessLog?: boolean;
}

/** Adds the app (static files, the build's handler and the hardening above) to `app`. */
export function mountApp(app: Express, build: ServerBuild, options: MountOptions = {}): Express {
  const { mode = "production", accessLog: logRequests = !["warn", "error", "fatal", "silent"].includes(process.env.LOG_LEVEL ?? "info") } = options;
  app.disable("x-powered-by");
  // Counted until answered: background work in this process lets requests go first.
  app.use((_req, res, next) => {
    countRequest(res);
    next();
  });
  app.use(requestId);
  app.use(securityHeadersOnEveryResponse);
  if (logRequests) app.use(accessLog);
  // The build's scripts and styles from memory, gzipped once (app/lib/build-assets.server.ts);
  // serve-static answers anything else under the path (a 404 included). Documents are never
  // compressed here: they stream (the dashboard's shell before its figures).
  const assets = serveBuildAssets(build.assetsBuildDirectory);
  app.locals.assetsLoaded = assets.ready;
  app.use(build.publicPath, assets.handler, express.static(build.assetsBuildDirectory, { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
  app.all("*", createRequestHandler({ build, mode, getLoadContext: (req: IncomingMessage) => ({ remoteAddress: req.socket.remoteAddress }) }));
  app.use(lastResort);
  return app;
}

/** Settles once mountApp's in-memory copy of the build's assets is loaded (requests do not wait for it). */
export function assetsLoaded(app: Express): Promise<void> {
  return (app.locals.assetsLoaded as Promise<void> | undefined) ?? Promise.resolve();
}

export async function importBuild(buildPath = "build/index.js"): Promise<ServerBuild> {
  return (await import(pathToFileURL(path.resolve(buildPath)).href)) as ServerBuild;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  // As remix-serve: production unless told otherwise, before the build (and its env) loads.
  process.env.NODE_ENV ??= "production";
  const build = await importBuild(process.argv[2]);
  const app = mountApp(express(), build, { mode: process.env.NODE_ENV === "development" ? "development" : "production" });
  await assetsLoaded(app);
  const port = Number(process.env.PORT ?? 3000);
  const server = process.env.HOST ? app.listen(port, process.env.HOST) : app.listen(port);
  server.once("listening", () => {
    const { address, port: bound } = server.address() as AddressInfo;
    console.log(JSON.stringify({ level: 30, time: new Date().toISOString(), app: "margin-notes", msg: "listening", address, port: bound }));
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => server.close());
}
