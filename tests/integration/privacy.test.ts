/**
 * /privacy: the public privacy policy, written from the data inventory
 * (app/trust/data-inventory.ts) — no sign-in, cacheable, framed nowhere, limited per
 * address like /trust — and the operations notes on /trust.
 */
import { describe, expect, it } from "vitest";

import { NEVER_STORED, OPERATIONS_NOTES, STORED } from "~/trust/data-inventory";

import { appHandler, BROWSER_UA } from "../app-harness";
import { TEST_APP_URL } from "../setup/test-env";

const get = async (pathname: string, address?: string) =>
  (await appHandler())(new Request(`${TEST_APP_URL}${pathname}`, { headers: { "User-Agent": BROWSER_UA } }), address ? { remoteAddress: address } : undefined);

/** The page's text as a reader sees it: tags out, entities decoded. */
const text = (html: string) =>
  html.replace(/<!-- -->/g, "").replace(/<\/?(code|strong|span|a)\b[^>]*>/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ");

describe("/privacy", () => {
  it("is public and cacheable, framed nowhere, and says what is collected, why, for how long and what never is, from the inventory", async () => {
    const response = await get("/privacy");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    expect(response.headers.get("content-security-policy")).toMatch(/^frame-ancestors 'none';/);
    expect(response.headers.get("set-cookie")).toBeNull();
    const page = text(await response.text());
    expect(page).toContain("Privacy policy");
    for (const kind of STORED) expect(page).toContain(`${kind.kind} ${kind.why} ${kind.kept}`);
    for (const never of NEVER_STORED) expect(page).toContain(never);
  });

  it("names where data goes in this deployment (no Anthropic key, no SMTP here) and how to have it deleted", async () => {
    const page = text(await (await get("/privacy")).text());
    expect(page).toContain("Shopify (the platform your store runs on): API requests for orders and products");
    expect(page).toContain("Anthropic (Claude) (writes report narratives): not used by this deployment; it receives nothing");
    expect(page).toContain("Email (SMTP) provider (delivers weekly report emails): not used by this deployment");
    expect(page).toMatch(/Uninstall Margin Notes: .*shop\/redact, on which every row about your store is deleted/);
    expect(page).toContain("Delete my data now");
    expect(page).toContain("Questions about your data: security@margin-notes.test");
  });

  it("is linked from /trust, which also states incident response, backups and the egress allowlist", async () => {
    const html = await (await get("/trust")).text();
    expect(html).toMatch(/href="\/privacy"/);
    const page = text(html);
    for (const note of OPERATIONS_NOTES) expect(page).toContain(`${note.title} ${note.text}`);
  });

  it("shares the public pages' per-address limit: 429 with Retry-After, not cached", async () => {
    const address = `198.51.100.${1 + Math.floor(Math.random() * 254)}`;
    for (let i = 0; i < 100; i++) {
      const admitted = await get("/privacy", address);
      expect(admitted.status).toBe(200);
      await admitted.body?.cancel();
    }
    const refused = await get("/privacy", address);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    expect((await get("/privacy", "203.0.113.10")).status).toBe(200);
  });
});
