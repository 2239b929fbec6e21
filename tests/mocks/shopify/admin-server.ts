/**
 * The simulated Shopify admin: a page that frames the app as the real admin does
 * (`/app?embedded=1&shop&host&id_token`), the App Bridge stand-in script, and the
 * session-token endpoint the stand-in calls. Binds to loopback only.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { mintSessionToken } from "./session-token";
import type { ShopifySimulator } from "./simulator";

const standIn = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "app-bridge-stand-in.js"), "utf8");

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function adminPage(appSrc: string, storeName: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(storeName)} · Shopify admin (simulated)</title>
<style>
  body { margin: 0; font-family: system-ui, sans-serif; display: grid; grid-template-columns: 220px 1fr; grid-template-rows: 48px 1fr; height: 100vh; background: #ebebeb; }
  header { grid-column: 1 / 3; background: #1a1a1a; color: #fff; display: flex; align-items: center; padding: 0 16px; gap: 12px; font-size: 14px; }
  header .badge { background: #ffd79d; color: #1a1a1a; border-radius: 8px; padding: 2px 8px; font-size: 12px; }
  nav { padding: 12px; font-size: 14px; }
  nav a { display: block; padding: 6px 8px; border-radius: 8px; color: #303030; text-decoration: none; }
  nav a:hover, nav a:focus { background: #fafafa; }
  main { display: flex; flex-direction: column; min-width: 0; }
  #title { padding: 10px 16px; font-weight: 600; min-height: 20px; }
  iframe { flex: 1; border: 0; background: #f1f1f1; }
</style></head>
<body>
  <header><strong>${escapeHtml(storeName)}</strong><span class="badge">Simulated admin</span></header>
  <nav aria-label="App navigation"><div id="app-nav"></div></nav>
  <main><div id="title"></div><iframe id="app-frame" title="Margin Notes" src="${escapeHtml(appSrc)}"></iframe></main>
<script>
  const frame = document.getElementById("app-frame");
  const appOrigin = new URL(frame.src).origin;
  window.addEventListener("message", (event) => {
    if (event.origin !== appOrigin || !event.data) return;
    if (event.data.type === "sim:frame") {
      document.getElementById("title").textContent = event.data.title || "";
      const nav = document.getElementById("app-nav");
      nav.replaceChildren(...event.data.nav.map((item) => {
        const a = document.createElement("a");
        a.href = "#"; a.textContent = item.label;
        a.addEventListener("click", (e) => { e.preventDefault(); frame.contentWindow.postMessage({ type: "sim:navigate", href: item.href }, appOrigin); });
        return a;
      }));
    }
  });
</script>
</body></html>`;
}

export interface AdminServerOptions {
  simulator: ShopifySimulator;
  appUrl: string;
  port: number;
}

export async function startAdminServer({ simulator, appUrl, port }: AdminServerOptions): Promise<{ server: Server; origin: string; adminUrl(shop: string): string }> {
  const appOrigin = new URL(appUrl).origin;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://admin.local");
    const match = /^\/store\/([a-z0-9-]+)\/apps\/margin-notes\/?$/.exec(url.pathname);
    if (match) {
      const shop = `${match[1]}.myshopify.com`;
      const store = simulator.stores.get(shop);
      if (!store) return void res.writeHead(404).end("No such store");
      const host = Buffer.from(`admin.shopify.com/store/${match[1]}`).toString("base64url");
      const idToken = mintSessionToken({ shop, apiKey: simulator.apiKey, secret: simulator.apiSecret });
      const src = `${appUrl}/app?${new URLSearchParams({ embedded: "1", shop, host, id_token: idToken, locale: "en" })}`;
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(adminPage(src, store.shop.name));
      return;
    }
    if (url.pathname === "/app-bridge.js") {
      res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-store" }).end(standIn);
      return;
    }
    if (url.pathname === "/id-token") {
      const shop = url.searchParams.get("shop") ?? "";
      const cors = { "Access-Control-Allow-Origin": appOrigin, "Cache-Control": "no-store" };
      if (!simulator.stores.has(shop)) return void res.writeHead(404, cors).end();
      res.writeHead(200, { ...cors, "Content-Type": "text/plain" }).end(
        mintSessionToken({ shop, apiKey: simulator.apiKey, secret: simulator.apiSecret }),
      );
      return;
    }
    res.writeHead(404).end("Not found");
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
  return { server, origin, adminUrl: (shop) => `${origin}/store/${shop.replace(".myshopify.com", "")}/apps/margin-notes` };
}
