/**
 * Streams a bulk operation's JSONL result: never the whole file in memory, lines
 * handed over in batches, and a download that breaks (dropped connection, a file
 * cut mid-line) is resumed from the last batch the caller committed.
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
}

async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<{ line: string; complete: boolean }> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline !== -1) {
      yield { line: pending.slice(0, newline), complete: true };
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) yield { line: pending, complete: false };
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
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(url);
      if (!response.ok || !response.body) throw new Error(`download answered HTTP ${response.status}`);
      let seen = 0;
      let batch: string[] = [];
      for await (const { line, complete } of readLines(response.body)) {
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
      if (batch.length) await commit(options.onBatch, batch, seen);
      committed = seen;
      if (options.expectedLines !== undefined && seen < options.expectedLines) throw new TruncatedFileError(seen, options.expectedLines);
      return seen;
    } catch (error) {
      // A stop request, or a batch the caller could not commit, is not a broken
      // download: give up at once; the caller's job resumes from what it committed.
      if (error instanceof CommitError) throw error.cause;
      if ((error as Error).name === "AbortError" || attempt >= maxAttempts) throw error;
      // The same incomplete file twice: it is the file, not the connection.
      if (error instanceof TruncatedFileError && attempt >= 2) throw error;
      log.warn({ attempt, committed, err: (error as Error).message }, "bulk download interrupted; resuming");
      await sleep((options.retryDelayMs ?? 1000) * attempt);
    }
  }
}
