import { mkdirSync } from "node:fs";
import path from "node:path";

import { chromium, type Browser } from "playwright-core";

export const ARTIFACTS = path.resolve("tests/artifacts");

/**
 * Headless Chromium says "HeadlessChrome" in its user agent, which Shopify's
 * library (isbot) answers with 410 Gone. Merchants use ordinary browsers: so do we.
 */
export const MERCHANT_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/** Debian's Chromium, headless; playwright cannot download browsers on these machines. */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update", "--no-first-run"],
  });
}
