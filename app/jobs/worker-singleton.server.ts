/**
 * Starts the job worker once per process, with the app: entry.server.tsx calls
 * `ensureWorkerStarted()` when remix-serve (or the demo server) imports the build.
 * Off when JOBS_WORKER=off (tests; a deployment that runs workers elsewhere).
 *
 * Handlers register themselves when their modules are imported; the server build
 * imports every route and, through them, the modules that own job kinds.
 *
 * On SIGTERM the worker stops claiming and waits for running handlers; its timers
 * never keep the process alive. The process that starts it must handle SIGTERM
 * itself (remix-serve and tests/mocks/demo-server.ts do): a listener here replaces
 * Node's default exit-on-SIGTERM.
 */
import { env } from "~/env.server";

import { log } from "~/log.server";

import { scheduleLedgerBackfillSweep } from "~/sync/ledger-backfill.server";

import { scheduleDailyMaintenance } from "./maintenance.server";
import { startWorker, type WorkerHandle } from "./queue.server";

const holder = globalThis as unknown as { __marginNotesWorker?: WorkerHandle };

export function ensureWorkerStarted(): WorkerHandle | undefined {
  if (env.JOBS_WORKER === "off") return undefined;
  if (holder.__marginNotesWorker) return holder.__marginNotesWorker;
  const worker = startWorker();
  holder.__marginNotesWorker = worker;
  process.once("SIGTERM", () => void worker.stop());
  // Keyed per date, so every instance may ask; one run per day happens.
  scheduleDailyMaintenance().catch((error: Error) => log.error({ err: error.message }, "could not schedule daily maintenance"));
  // After a deploy that reads more per order: the shops synced before it are backfilled.
  scheduleLedgerBackfillSweep().catch((error: Error) => log.error({ err: error.message }, "could not schedule the ledger backfill sweep"));
  return worker;
}
