/**
 * The embedded app is a third-party frame (the admin is admin.shopify.com, the app its own
 * site). Where a browser blocks a third-party frame's storage (third-party cookies blocked with
 * storage partitioning off, as Playwright runs Chromium; some browsers' privacy settings), *reading*
 * `window.sessionStorage` there throws a SecurityError. Remix's
 * <ScrollRestoration> script reads it at every document load, and its catch block reads it again,
 * so the error escaped as an uncaught page error (seen once the simulated admin was made another
 * site than the app, as the real one is: tests/e2e/first-sync.test.ts). React Router's own scroll
 * positions use it too.
 *
 * This script, at the top of an embedded page's body (app/root.tsx), leaves a working sessionStorage alone and otherwise gives the
 * frame an in-memory one for the document's life: scroll positions are kept across the page's
 * client navigations, nothing is persisted, nothing else changes. The app itself stores nothing
 * in the browser.
 */
export const STORAGE_FALLBACK_SCRIPT = `(function(){try{window.sessionStorage;return}catch(blocked){}
var items=new Map();
var memory={get length(){return items.size},key:function(i){return Array.from(items.keys())[i]??null},
getItem:function(k){k=String(k);return items.has(k)?items.get(k):null},
setItem:function(k,v){items.set(String(k),String(v))},removeItem:function(k){items.delete(String(k))},
clear:function(){items.clear()}};
Object.defineProperty(window,"sessionStorage",{value:memory,configurable:true,enumerable:true})})();`;
