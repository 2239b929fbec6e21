/**
 * What the merchant sees while a backfill runs: how far it is in orders (or
 * products), not JSONL lines, and about how long is left.
 *
 * Phases: Shopify prepares the export (no counts yet: Shopify gives none until the
 * operation completes), the app imports it (orders staged of Shopify's
 * rootObjectCount), then finishes (the file is read; the ledger and the reports
 * are being written). The estimate is the current attempt's own rate over the
 * lines still to read — lines, because every batch is 5,000 lines whatever the
 * orders in it — and is only given once a few seconds of rate exist.
 */
export type SyncPhase = "exporting" | "importing" | "finishing";

export interface SyncRunProgress {
  status: string;
  linesProcessed: number;
  /** Shopify's objectCount: lines in the file. */
  objectCount: number | null;
  rootsProcessed: number;
  /** Shopify's rootObjectCount: orders (or products) in the file. */
  rootObjectCount: number | null;
  ingestStartedAt: Date | null;
  ingestStartedLines: number | null;
}

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  total: number | null;
  /** Whole seconds left in the import, or null while there is too little to go on. */
  etaSeconds: number | null;
}

/** Seconds of import before an estimate is given (the first batches include warm-up). */
const MIN_ELAPSED_S = 3;

export function describeProgress(run: SyncRunProgress, now: Date): SyncProgress {
  if (run.status !== "ingesting") return { phase: "exporting", done: 0, total: null, etaSeconds: null };
  const total = run.rootObjectCount;
  if (run.objectCount !== null && run.linesProcessed >= run.objectCount) {
    return { phase: "finishing", done: total ?? run.rootsProcessed, total, etaSeconds: null };
  }
  let etaSeconds: number | null = null;
  if (run.ingestStartedAt && run.objectCount !== null) {
    const elapsed = (now.getTime() - run.ingestStartedAt.getTime()) / 1000;
    const read = run.linesProcessed - (run.ingestStartedLines ?? 0);
    if (elapsed >= MIN_ELAPSED_S && read > 0) etaSeconds = Math.ceil((run.objectCount - run.linesProcessed) / (read / elapsed));
  }
  return { phase: "importing", done: Math.min(run.rootsProcessed, total ?? Infinity), total, etaSeconds };
}

/** "about 40 seconds", "about 3 minutes", "about 1 hour 10 minutes". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(5, Math.ceil(seconds / 5) * 5)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} hour${hours === 1 ? "" : "s"}${rest ? ` ${rest} minute${rest === 1 ? "" : "s"}` : ""}`;
}
