/**
 * The build's client assets (`public/build`: fingerprinted scripts and styles, ~2 MB) served
 * from memory, each gzip-compressed once when the server starts.
 *
 * Why not serve-static (still the fallback, below): a first open asks for ~25 of these at the
 * moment the server is busiest (the token exchange, the install and the first report read run
 * just after the page's shell), and serve-static answers each in several event-loop turns (a
 * stat, an open, reads, compression chunks). On the embedded database, which runs in this
 * thread, every turn may wait behind a statement: Polaris' 442 KB stylesheet, which the browser
 * needs before it paints anything, took ~250 ms to arrive (issue 13, first-sync.test.ts). From
 * memory each answer is one write: the stylesheet is ~60 KB gzipped and leaves in the turn its
 * request arrives in.
 *
 * Runs under Node's type stripping (server.ts imports it): erasable TypeScript only.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

import type { NextFunction, Request, Response } from "express";

const compress = promisify(gzip);

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".woff2": "font/woff2",
};
/** Compressing these saves nothing worth a decoder's time. */
const ALREADY_COMPRESSED = new Set([".woff2"]);
const CACHE_CONTROL = "public, max-age=31536000, immutable";

interface Asset {
  body: Buffer;
  gzipped: Buffer | null;
  type: string;
  etag: string;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

async function loadAsset(file: string): Promise<Asset | null> {
  const extension = path.extname(file);
  const type = TYPES[extension];
  if (!type) return null;
  const body = await readFile(file);
  const packed = ALREADY_COMPRESSED.has(extension) || body.length < 1024 ? null : await compress(body, { level: 9 });
  return {
    body,
    gzipped: packed && packed.length < body.length ? packed : null,
    type,
    etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
  };
}

export interface BuildAssets {
  /** Express middleware for the build's public path; anything not in memory goes to `next`. */
  handler: (req: Request, res: Response, next: NextFunction) => void;
  /** Settles once every asset is in memory (until then requests fall through). */
  ready: Promise<void>;
}

/** Loads `dir` into memory (in the background) and serves it from there. */
export function serveBuildAssets(dir: string): BuildAssets {
  const assets = new Map<string, Asset>();
  const ready = (async () => {
    for (const file of await filesUnder(dir)) {
      const asset = await loadAsset(file);
      if (asset) assets.set(`/${path.relative(dir, file).split(path.sep).join("/")}`, asset);
    }
  })().catch((error: unknown) => {
    // Nothing lost: serve-static answers instead.
    console.error(JSON.stringify({ level: 40, time: new Date().toISOString(), app: "margin-notes", msg: "build assets not loaded into memory", err: String(error) }));
  });

  function handler(req: Request, res: Response, next: NextFunction): void {
    const asset = req.method === "GET" || req.method === "HEAD" ? assets.get(req.path) : undefined;
    if (!asset) {
      next();
      return;
    }
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Cache-Control", CACHE_CONTROL);
    res.setHeader("ETag", asset.etag);
    res.setHeader("Vary", "Accept-Encoding");
    if (req.headers["if-none-match"] === asset.etag) {
      res.status(304).end();
      return;
    }
    const gzipped = asset.gzipped !== null && req.acceptsEncodings("gzip") === "gzip";
    const body = gzipped ? asset.gzipped! : asset.body;
    if (gzipped) res.setHeader("Content-Encoding", "gzip");
    res.setHeader("Content-Length", body.length);
    res.status(200).end(req.method === "HEAD" ? undefined : body);
  }

  return { handler, ready };
}
