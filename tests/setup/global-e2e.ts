// Starts `npm run demo`'s server (built app + Shopify simulator) on free loopback
// ports with a throwaway data dir, for the browser tests (tests/demo-process.ts).
import type { TestProject } from "vitest/node";

import { startDemoProcess } from "../demo-process";

export default async function setup(project: TestProject) {
  const demo = await startDemoProcess();
  project.provide("e2e", { adminUrl: demo.adminUrl });
  return () => demo.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: { adminUrl: string };
  }
}
