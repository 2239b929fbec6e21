/**
 * What both blocks' tests share: the block's own locale file behind
 * shopify.i18n.translate (the tester's mock echoes keys; asserting on the merchant's
 * words also checks every key the block uses exists), a fetch that answers as the
 * app's backend does, and a wait for the block to settle.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { vi } from "vitest";

type Messages = { [key: string]: string | Messages };

/** translate() over `extensions/<name>/locales/en.default.json`, with {{name}} replacements; throws on a missing key. */
export function localeTranslate(extensionDir: string) {
  const messages = JSON.parse(readFileSync(path.join(extensionDir, "locales", "en.default.json"), "utf8")) as Messages;
  return (key: string, replacements: Record<string, unknown> = {}): string => {
    const found = key.split(".").reduce<string | Messages | undefined>((node, part) => (typeof node === "object" ? node[part] : undefined), messages);
    if (typeof found !== "string") throw new Error(`missing translation: ${key}`);
    return found.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in replacements)) throw new Error(`missing replacement ${name} for ${key}`);
      return String(replacements[name]);
    });
  };
}

/** A fetch mock answering `body` as JSON with `status`, recording each URL asked. */
export function answering(status: number, body: unknown) {
  return vi.fn(async (_input: RequestInfo | URL) =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } }));
}

/** A fetch that never answers (the loading state), and its URL. */
export function pending() {
  return vi.fn((_input: RequestInfo | URL) => new Promise<Response>(() => undefined));
}

/** Text of the block as a merchant reads it: each element's text apart, whitespace collapsed. */
export function blockText(): string {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.textContent ?? "");
  return parts.join(" ").replace(/\s+/g, " ").trim();
}

/** Waits until `selector` is in the block (Preact renders after the fetch resolves). */
export async function settled(selector: string): Promise<Element> {
  return vi.waitFor(() => {
    const found = document.body.querySelector(selector);
    if (!found) throw new Error(`no ${selector} yet`);
    return found;
  });
}
