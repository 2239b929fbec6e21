/**
 * What both blocks' tests share: Shopify's tester set up for a block with a resource
 * selected and the block's own locale file behind shopify.i18n.translate (the
 * tester's mock echoes keys; asserting on the merchant's words also checks every key
 * the block uses exists), a fetch that answers as the app's backend does, a wait for
 * the block to settle, and the tests of the frame both blocks share (MarginBlock in
 * block-parts.tsx: the request, loading, errors with a retry, not synced).
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { getExtension } from "@shopify/ui-extensions-tester";
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

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

type BlockTarget = "admin.product-details.block.render" | "admin.order-details.block.render";

/**
 * Shopify's tester for the block in `extensionDir` (its shopify.extension.toml), set
 * up before each test with `gid` selected and the block's locale file, torn down
 * (and the block unmounted) after each.
 */
export function blockUnderTest<T extends BlockTarget>(target: T, gid: string, extensionDir: string) {
  const extension = getExtension(target, { configSearchDir: extensionDir });
  beforeEach(() => {
    extension.setUp();
    const shopify = extension.shopify as unknown as { data: { selected: Array<{ id: string }> }; i18n: { translate: unknown } };
    shopify.data.selected = [{ id: gid }];
    shopify.i18n.translate = localeTranslate(extensionDir);
  });
  afterEach(() => {
    render(null, document.body);
    extension.tearDown();
  });
  return extension;
}

export interface BlockFrameCase {
  extension: { fetch: unknown; render(): Promise<unknown> };
  /** The backend path the block asks, for the selected GID. */
  url: string;
  /** A backend answer the block shows, and a selector present only once it is shown. */
  ready: unknown;
  readySelector: string;
  /** Text of the shown figures (absent while loading or on an error). */
  readyText: string;
  /** The block's own words: its loading label, error heading and 404 message. */
  loading: string;
  errorHeading: string;
  notFound: string;
}

/** The frame's behaviour, the same in both blocks, asserted in the block's own words. */
export function describeBlockFrame(c: BlockFrameCase) {
  describe("the block's frame", () => {
    it("asks the app's backend for the selected resource, by its GID, once", async () => {
      const fetch = answering(200, c.ready);
      c.extension.fetch = fetch;
      await c.extension.render();
      await settled(c.readySelector);
      expect(fetch).toHaveBeenCalledTimes(1);
      expect(fetch.mock.calls[0]![0]).toBe(c.url);
    });

    it("shows the loading state while the app answers, and nothing else", async () => {
      c.extension.fetch = pending();
      await c.extension.render();
      const spinner = await settled("s-spinner");
      expect(spinner.getAttribute("accessibilityLabel")).toBe(c.loading);
      expect(blockText()).toContain(c.loading);
      expect(blockText()).not.toContain(c.readyText);
      expect(document.body.querySelector("s-banner")).toBeNull();
      expect(document.body.querySelector("s-link")).toBeNull();
    });

    it("shows an error with a retry that asks again, and the figures once the app answers", async () => {
      const fetch = answering(500, "Internal Server Error");
      c.extension.fetch = fetch;
      await c.extension.render();
      const banner = await settled("s-banner");
      expect(banner.getAttribute("tone")).toBe("critical");
      expect(banner.getAttribute("heading")).toBe(c.errorHeading);
      expect(blockText()).toContain("Margin Notes did not answer. Try again.");
      expect(blockText()).not.toContain(c.readyText);
      fetch.mockImplementation(async () => new Response(JSON.stringify(c.ready), { status: 200 }));
      (document.body.querySelector("s-button") as HTMLElement).click();
      await settled(c.readySelector);
      expect(fetch).toHaveBeenCalledTimes(2);
      expect(blockText()).toContain(c.readyText);
      expect(document.body.querySelector('s-banner[tone="critical"]')).toBeNull();
    });

    it("tells a refused session and a rate limit apart from a failure", async () => {
      c.extension.fetch = answering(401, "Unauthorized");
      await c.extension.render();
      await settled("s-banner");
      expect(blockText()).toContain("Your session could not be verified.");
      expect(blockText()).not.toContain("did not answer");
      render(null, document.body);
      c.extension.fetch = answering(429, "Too many requests");
      await c.extension.render();
      await settled("s-banner");
      expect(blockText()).toContain("Margin Notes is busy right now.");
      expect(blockText()).not.toContain("did not answer");
    });

    it("says the resource is not synced yet on a 404, without an error", async () => {
      c.extension.fetch = answering(404, "Not Found");
      await c.extension.render();
      await settled("s-paragraph");
      expect(blockText()).toContain(c.notFound);
      expect(document.body.querySelector("s-banner")).toBeNull();
      expect(blockText()).not.toContain(c.readyText);
    });
  });
}
