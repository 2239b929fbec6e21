/**
 * The simulated admin (admin-server.ts) in a worker thread of its own. The demo's app runs the
 * embedded database in its event loop, so every query holds whatever else that loop serves; the
 * admin's page, App Bridge's script and the session tokens App Bridge asks for before each of
 * the app's fetches are Shopify's, served by Shopify's servers and CDN, and must not wait for it
 * (measured before: the App Bridge script took ~120-400 ms to arrive during a first sync, and the
 * frame paints nothing before it has run).
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import { startAdminServer, type AdminServerOptions } from "./admin-server";

interface Ready {
  origin: string;
}

export interface AdminThread {
  origin: string;
  adminUrl(shop: string): string;
  stop(): Promise<void>;
}

export async function startAdminThread(options: AdminServerOptions): Promise<AdminThread> {
  // This module, run again as the thread's entry, through tsx: `npm run demo` runs under tsx (its
  // loader comes with the inherited execArgv); a test that starts the demo in vitest's process does not.
  const execArgv = process.execArgv.some((arg) => arg.includes("tsx")) ? process.execArgv : [...process.execArgv, "--import", "tsx"];
  const worker = new Worker(new URL(import.meta.url), { workerData: { adminServer: options }, execArgv });
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the simulated admin's thread exited with ${code}`)));
  });
  worker.unref();
  return {
    origin: ready.origin,
    adminUrl: (shop) => `${ready.origin}/store/${shop.replace(".myshopify.com", "")}/apps/margin-notes`,
    stop: async () => void (await worker.terminate()),
  };
}

const asThread = !isMainThread && (workerData as { adminServer?: AdminServerOptions } | null)?.adminServer;
if (asThread) {
  const { origin } = await startAdminServer(asThread);
  parentPort!.postMessage({ origin } satisfies Ready);
}
