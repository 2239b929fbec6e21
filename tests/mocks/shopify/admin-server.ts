/**
 * The simulated Shopify admin: a page that frames the app as the real admin does
 * (`/app?embedded=1&shop&host&id_token`), the App Bridge stand-in script, and the
 * session-token endpoint the stand-in calls. Binds to loopback only.
 *
 * As in production, the admin is another site than the app (`localhost` beside the app's
 * `127.0.0.1`): the browser runs the frame in a renderer process of its own and treats it as a
 * third-party frame (its storage blocked where the browser blocks third-party storage). And it runs in a thread of its
 * own (admin-thread.ts): Shopify's admin and App Bridge's CDN never wait for the app's event loop,
 * which on the embedded database is held by every query (PGlite runs in it).
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { mintSessionToken } from "./session-token";

const standIn = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), "app-bridge-stand-in.js"), "utf8");

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function adminPage(appSrc: string, storeName: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(storeName)} · Shopify admin (simulated)</title>
<style>
  body { margin: 0; font-family: system-ui, sans-serif; display: grid; grid-template-columns: 220px 1fr; grid-template-rows: 48px 1fr; height: 100vh; background: #ebebeb; }
  header { grid-column: 1 / 3; grid-row: 1; background: #1a1a1a; color: #fff; display: flex; align-items: center; padding: 0 16px; gap: 12px; font-size: 14px; }
  header .badge { background: #ffd79d; color: #1a1a1a; border-radius: 8px; padding: 2px 8px; font-size: 12px; }
  #menu { display: none; background: none; border: 1px solid #616161; color: #fff; border-radius: 8px; padding: 4px 10px; font: inherit; }
  nav { padding: 12px; font-size: 14px; }
  nav a { display: block; padding: 6px 8px; border-radius: 8px; color: #303030; text-decoration: none; }
  nav a:hover, nav a:focus { background: #fafafa; }
  main { display: flex; flex-direction: column; min-width: 0; }
  #title-bar { display: flex; align-items: center; gap: 8px; padding: 6px 16px; min-height: 32px; }
  #title { font-weight: 600; flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  #title-actions { display: flex; gap: 8px; }
  .sim-button { font: inherit; font-size: 13px; border-radius: 8px; padding: 5px 12px; border: 1px solid #c9c9c9; background: #fff; color: #303030; cursor: pointer; }
  .sim-button.primary { background: #303030; border-color: #303030; color: #fff; }
  .sim-button:disabled { opacity: .5; cursor: default; }
  #save-bar { grid-column: 1 / 3; grid-row: 1; z-index: 2; background: #1a1a1a; color: #fff; display: flex; align-items: center; gap: 8px; padding: 0 16px; font-size: 14px; }
  #save-bar[hidden] { display: none; }
  #save-bar .label { flex: 1; font-weight: 600; }
  #save-bar .sim-button { border-color: #616161; background: #303030; color: #fff; }
  #save-bar .sim-button.primary { background: #fff; color: #1a1a1a; border-color: #fff; }
  dialog { border: 0; border-radius: 12px; padding: 16px; max-width: 380px; box-shadow: 0 8px 32px rgba(0,0,0,.3); }
  dialog h2 { font-size: 16px; margin: 0 0 8px; }
  dialog p { margin: 0 0 16px; font-size: 14px; }
  dialog .buttons { display: flex; gap: 8px; justify-content: flex-end; }
  #toast { position: fixed; bottom: 24px; left: 50%; transform: translateX(-50%); background: #1a1a1a; color: #fff; padding: 8px 16px; border-radius: 8px; font-size: 14px; }
  #toast[hidden] { display: none; }
  iframe { flex: 1; border: 0; background: #f1f1f1; }
  /* The admin on a phone: no sidebar; the app's navigation opens from the header. */
  @media (max-width: 768px) {
    body { grid-template-columns: 1fr; }
    header { grid-column: 1; }
    #save-bar { grid-column: 1; }
    #menu { display: inline-block; margin-left: auto; }
    nav { display: none; position: fixed; top: 48px; left: 0; right: 0; z-index: 1; background: #fff; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
    nav.open { display: block; }
    main { grid-column: 1; grid-row: 2; }
  }
</style></head>
<body>
  <header><strong>${escapeHtml(storeName)}</strong><span class="badge">Simulated admin</span><button id="menu" type="button" aria-expanded="false" aria-controls="app-nav-region">Menu</button></header>
  <div id="save-bar" role="region" aria-label="Unsaved changes" hidden><span class="label">Unsaved changes</span><button type="button" class="sim-button" id="save-bar-discard">Discard</button><button type="button" class="sim-button primary" id="save-bar-save">Save</button></div>
  <nav id="app-nav-region" aria-label="App navigation"><div id="app-nav"></div></nav>
  <main><div id="title-bar"><div id="title"></div><div id="title-actions"></div></div><iframe id="app-frame" title="Margin Notes" src="${escapeHtml(appSrc)}"></iframe></main>
  <dialog id="leave-dialog" aria-labelledby="leave-title"><h2 id="leave-title">Leave page with unsaved changes?</h2><p>Leaving this page will delete all unsaved changes.</p>
    <div class="buttons"><button type="button" class="sim-button" id="leave-stay">Stay</button><button type="button" class="sim-button primary" id="leave-go">Leave page</button></div></dialog>
  <dialog id="discard-dialog" aria-labelledby="discard-title"><h2 id="discard-title">Discard all unsaved changes</h2><p>If you discard changes, you'll delete any edits you made since you last saved.</p>
    <div class="buttons"><button type="button" class="sim-button" id="discard-keep">Keep editing</button><button type="button" class="sim-button primary" id="discard-go">Discard changes</button></div></dialog>
  <div id="toast" role="status" hidden></div>
<script>
  const frame = document.getElementById("app-frame");
  const appOrigin = new URL(frame.src).origin;
  const post = (message) => frame.contentWindow.postMessage(message, appOrigin);
  const nav = document.getElementById("app-nav-region");
  const menu = document.getElementById("menu");
  const setMenu = (open) => { nav.classList.toggle("open", open); menu.setAttribute("aria-expanded", String(open)); };
  menu.addEventListener("click", () => setMenu(!nav.classList.contains("open")));
  let saveBar = null;
  const saveBarEl = document.getElementById("save-bar");
  const saveButton = document.getElementById("save-bar-save");
  const discardButton = document.getElementById("save-bar-discard");
  saveButton.addEventListener("click", () => saveBar && post({ type: "sim:save-bar", id: saveBar.id, action: "save" }));
  discardButton.addEventListener("click", () => {
    if (!saveBar) return;
    if (saveBar.discardConfirmation) document.getElementById("discard-dialog").showModal();
    else post({ type: "sim:save-bar", id: saveBar.id, action: "discard" });
  });
  document.getElementById("discard-keep").addEventListener("click", () => document.getElementById("discard-dialog").close());
  document.getElementById("discard-go").addEventListener("click", () => {
    document.getElementById("discard-dialog").close();
    if (saveBar) post({ type: "sim:save-bar", id: saveBar.id, action: "discard" });
  });
  const leave = document.getElementById("leave-dialog");
  document.getElementById("leave-stay").addEventListener("click", () => { leave.close(); post({ type: "sim:leave-answer", leave: false }); });
  document.getElementById("leave-go").addEventListener("click", () => { leave.close(); post({ type: "sim:leave-answer", leave: true }); });
  let toastTimer;
  window.addEventListener("message", (event) => {
    if (event.origin !== appOrigin || !event.data) return;
    if (event.data.type === "sim:toast") {
      const toast = document.getElementById("toast");
      toast.textContent = event.data.message;
      toast.hidden = false;
      clearTimeout(toastTimer);
      toastTimer = setTimeout(() => { toast.hidden = true; }, 5000);
    }
    if (event.data.type === "sim:leave-confirmation" && !leave.open) leave.showModal();
    if (event.data.type === "sim:frame") {
      document.getElementById("title").textContent = event.data.title || "";
      document.getElementById("title-actions").replaceChildren(...(event.data.actions || []).map((action, index) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "sim-button" + (action.primary ? " primary" : "");
        b.textContent = action.label;
        b.disabled = action.disabled || action.loading;
        if (action.loading) b.setAttribute("aria-busy", "true");
        b.addEventListener("click", () => post({ type: "sim:title-action", index }));
        return b;
      }));
      saveBar = event.data.saveBar || null;
      saveBarEl.hidden = !saveBar;
      if (saveBar) {
        saveButton.disabled = !saveBar.save || saveBar.save.disabled || saveBar.save.loading;
        discardButton.disabled = !saveBar.discard || saveBar.discard.disabled || saveBar.save?.loading;
        if (saveBar.save?.loading) saveButton.setAttribute("aria-busy", "true"); else saveButton.removeAttribute("aria-busy");
      }
      const list = document.getElementById("app-nav");
      list.replaceChildren(...event.data.nav.map((item) => {
        const a = document.createElement("a");
        a.href = "#"; a.textContent = item.label;
        a.addEventListener("click", (e) => { e.preventDefault(); setMenu(false); post({ type: "sim:navigate", href: item.href }); });
        return a;
      }));
    }
  });
</script>
</body></html>`;
}

export interface AdminServerOptions {
  /** The app's client id and secret, which sign the session tokens. */
  apiKey: string;
  apiSecret: string;
  /** The simulated stores (domain → the store's name) the admin opens. */
  stores: Record<string, string>;
  appUrl: string;
  port: number;
}

export async function startAdminServer({ apiKey, apiSecret, stores, appUrl, port }: AdminServerOptions): Promise<{ server: Server; origin: string }> {
  const appOrigin = new URL(appUrl).origin;
  const has = (shop: string) => Object.hasOwn(stores, shop);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://admin.local");
    const match = /^\/store\/([a-z0-9-]+)\/apps\/margin-notes\/?$/.exec(url.pathname);
    if (match) {
      const shop = `${match[1]}.myshopify.com`;
      if (!has(shop)) return void res.writeHead(404).end("No such store");
      const host = Buffer.from(`admin.shopify.com/store/${match[1]}`).toString("base64url");
      const idToken = mintSessionToken({ shop, apiKey, secret: apiSecret });
      const src = `${appUrl}/app?${new URLSearchParams({ embedded: "1", shop, host, id_token: idToken, locale: "en" })}`;
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(adminPage(src, stores[shop]!));
      return;
    }
    if (url.pathname === "/app-bridge.js") {
      res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-store" }).end(standIn);
      return;
    }
    if (url.pathname === "/id-token") {
      const shop = url.searchParams.get("shop") ?? "";
      const cors = { "Access-Control-Allow-Origin": appOrigin, "Cache-Control": "no-store" };
      if (!has(shop)) return void res.writeHead(404, cors).end();
      res.writeHead(200, { ...cors, "Content-Type": "text/plain" }).end(mintSessionToken({ shop, apiKey, secret: apiSecret }));
      return;
    }
    res.writeHead(404).end("Not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address();
  return { server, origin: `http://localhost:${typeof address === "object" && address ? address.port : port}` };
}
