import { mkdirSync } from "node:fs";
import path from "node:path";

import { chromium, type Browser } from "playwright-core";

export const ARTIFACTS = path.resolve("tests/artifacts");

/** Debian's Chromium, headless; playwright cannot download browsers on these machines. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"],
  });
}
