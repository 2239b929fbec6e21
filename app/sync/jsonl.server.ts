/**
 * Streams a bulk operation's JSONL result: never the whole file in memory, lines
 * handed over in batches, and a download that breaks (dropped connection, a file
 * cut mid-line, a connection that stops sending: no byte for `idleTimeoutMs`) is
 * resumed from the last batch the caller committed. The job's signal stops it at
 * once (worker stopping, lease lost): heartbeats keep a lease alive, so a download
 * that hung without a timeout would hold the job forever.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { log } from "~/log.server";

export class TruncatedFileError extends Error {
  constructor(lines: number, expected?: number) {
    super(`bulk result ended early: ${lines} lines${expected !== undefined ? ` of ${expected}` : ""}`);
    this.name = "TruncatedFileError";
  }
}

export interface StreamOptions {
  /** Lines already committed by an earlier attempt: skipped, not handed over again. */
  skip: number;
  batchSize: number;
  /** Shopify's objectCount: a shorter file is an incomplete download. */
  expectedLines?: number;
  /** Must commit the batch; resolves with nothing. Lines are raw JSON strings. */
  onBatch(lines: string[], linesDone: number): Promise<void>;
  maxAttempts?: number;
  retryDelayMs?: number;
  /** Stops the download and the stream (the caller's job resumes from what it committed). */
  signal?: AbortSignal;
  /** No byte for this long while we wait for one: the connection is dead (default 60 s). */
  idleTimeoutMs?: number;
}

export class StalledDownloadError extends Error {
  constructor(ms: number) {
    super(`bulk download sent nothing for ${ms} ms`);
    this.name = "StalledDownloadError";
  }
}

/**
 * Chunks of the body; the idle clock runs only while we wait for the next one (not
 * while the caller commits a batch, which is our own pace, not the connection's).
 */
async function* chunks(body: ReadableStream<Uint8Array>, idleMs: number, stalled: AbortController): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new StalledDownloadError(idleMs);
          stalled.abort(error);
          reject(error);
        }, idleMs);
      });
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await Promise.race([reader.read(), idle]);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/**
 * The body's lines, a chunk's worth at a time: one await per chunk, not per line, and
 * each chunk scanned once from where the last newline was found. (Measured at 100k
 * orders: no faster than a step per line; the download's cost is the HTTP stream.)
 */
async function* readLines(body: AsyncIterable<Uint8Array>): AsyncGenerator<{ lines: string[]; complete: boolean }> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of body) {
    const text = pending + decoder.decode(chunk, { stream: true });
    const lines: string[] = [];
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      lines.push(text.slice(start, newline));
      start = newline + 1;
    }
    pending = text.slice(start);
    if (lines.length) yield { lines, complete: true };
  }
  pending += decoder.decode();
  if (pending.length > 0) yield { lines: [pending], complete: false };
}

class CommitError extends Error {
  constructor(readonly cause: unknown) {
    super("onBatch failed");
  }
}

async function commit(onBatch: StreamOptions["onBatch"], lines: string[], done: number): Promise<void> {
  try {
    await onBatch(lines, done);
  } catch (error) {
    throw new CommitError(error);
  }
}

/** Returns the total number of lines in the file once every one is committed. */
export async function streamJsonl(url: string, options: StreamOptions): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 5;
  let committed = options.skip;
  const idleMs = options.idleTimeoutMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    // Aborted by the job's signal, or by our idle clock (this attempt only).
    const stalled = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stalled.signal]) : stalled.signal;
    try {
      options.signal?.throwIfAborted();
      const headers = setTimeout(() => stalled.abort(new StalledDownloadError(idleMs)), idleMs);
      const response = await fetch(url, { signal }).finally(() => clearTimeout(headers));
      if (!response.ok || !response.body) throw new Error(`download answered HTTP ${response.status}`);
      let seen = 0;
      let batch: string[] = [];
      for await (const { lines, complete } of readLines(chunks(response.body, idleMs, stalled))) {
        for (const line of lines) {
          seen++;
          if (seen <= committed) continue;
          if (!complete) {
            // A last line without its newline is either the file's real last line or
            // a cut one; only a line that parses is accepted.
            try {
              JSON.parse(line);
            } catch {
              throw new TruncatedFileError(seen - 1, options.expectedLines);
            }
          }
          if (line.trim()) batch.push(line);
          if (batch.length >= options.batchSize) {
            await commit(options.onBatch, batch, seen);
            committed = seen;
            batch = [];
          }
        }
      }
      if (batch.length) await commit(options.onBatch, batch, seen);
      committed = seen;
      if (options.expectedLines !== undefined && seen < options.expectedLines) throw new TruncatedFileError(seen, options.expectedLines);
      return seen;
    } catch (error) {
      // A stop request, or a batch the caller could not commit, is not a broken
      // download: give up at once; the caller's job resumes from what it committed.
      if (error instanceof CommitError) throw error.cause;
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      if (attempt >= maxAttempts) throw error;
      // The same incomplete file twice: it is the file, not the connection.
      if (error instanceof TruncatedFileError && attempt >= 2) throw error;
      log.warn({ attempt, committed, err: (error as Error).message }, "bulk download interrupted; resuming");
      await sleep((options.retryDelayMs ?? 1000) * attempt);
    }
  }
}
