/**
 * The embedded app is a third-party frame (the admin is admin.shopify.com, the app its own
 * site). A browser that blocks third-party storage (every private window of Chrome, a merchant's
 * stricter settings) throws a SecurityError on *reading* `window.sessionStorage` there. Remix's
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
