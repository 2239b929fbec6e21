/**
 * The job worker as a process of its own, so production runs web and workers
 * separately (JOBS_WORKER=off on the web processes):
 *
 *   npm run worker [-- --concurrency N] [--kinds a,b] [--shops a,b]
 *
 * Opens the database (running migrations under their advisory lock), registers
 * every job kind (~/jobs/kinds.server, as the app does), queues the daily
 * maintenance and runs the worker until SIGTERM or SIGINT: then it stops claiming,
 * waits up to 30 s for running jobs (the rest run again when their lease expires)
 * and exits 0. Environment as the app's (app/env.server.ts).
 */
import { parseArgs } from "node:util";

import { getDatabase } from "~/db/client.server";
import "~/jobs/kinds.server";
import { scheduleDailyMaintenance } from "~/jobs/maintenance.server";
import { startWorker } from "~/jobs/queue.server";
import { installConsoleScrubber, log } from "~/log.server";
import { scheduleLedgerBackfillSweep } from "~/sync/ledger-backfill.server";

const DRAIN_TIMEOUT_MS = 30_000;

const { values } = parseArgs({
  options: { concurrency: { type: "string", default: "4" }, kinds: { type: "string" }, shops: { type: "string" } },
});
const concurrency = Number(values.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
  console.error("--concurrency must be a whole number from 1 to 64");
  process.exit(2);
}
const list = (v: string | undefined) => (v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean));

installConsoleScrubber();
const database = await getDatabase();
const worker = startWorker({ concurrency, kinds: list(values.kinds), shops: list(values.shops) });
await scheduleDailyMaintenance().catch((error: Error) => log.error({ err: error.message }, "could not schedule daily maintenance"));
// After a deploy that reads more per order: the shops synced before it are backfilled.
await scheduleLedgerBackfillSweep().catch((error: Error) => log.error({ err: error.message }, "could not schedule the ledger backfill sweep"));
// The worker's own timers never keep a process alive (they live inside the web
// server's); here the worker is the process.
const keepAlive = setInterval(() => {}, 60_000);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker stopping: finishing running jobs");
  await worker.stop({ timeoutMs: DRAIN_TIMEOUT_MS });
  clearInterval(keepAlive);
  await database.close();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
