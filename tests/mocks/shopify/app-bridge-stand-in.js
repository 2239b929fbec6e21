// A local stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js, served by
// the simulator's admin. It does what the app relies on App Bridge for:
//  - window.shopify.idToken(): a fresh session token from the (simulated) admin;
//  - every same-origin fetch carries `Authorization: Bearer <id_token>`;
//  - <ui-nav-menu> and <ui-title-bar> are shown by the admin frame around the app;
//  - admin navigation reaches the app as a `shopify:navigate` event.
(function () {
  var script = document.currentScript;
  var adminOrigin = new URL(script.src).origin;
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("sim-shop");
  var host = params.get("host") || sessionStorage.getItem("sim-host");
  if (shop) sessionStorage.setItem("sim-shop", shop);
  if (host) sessionStorage.setItem("sim-host", host);

  function idToken() {
    return window.__sim_fetch(adminOrigin + "/id-token?shop=" + encodeURIComponent(shop)).then(function (r) {
      if (!r.ok) throw new Error("id token refused: " + r.status);
      return r.text();
    });
  }

  // The real App Bridge renders these elements in the admin, never inside the app.
  var style = document.createElement("style");
  style.textContent = "ui-nav-menu, ui-title-bar, ui-modal, ui-save-bar { display: none !important; }";
  document.head.appendChild(style);

  window.__sim_fetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var request = new Request(input, init);
    if (new URL(request.url, location.href).origin !== location.origin || request.headers.has("Authorization")) {
      return window.__sim_fetch(request);
    }
    return idToken().then(function (token) {
      var headers = new Headers(request.headers);
      headers.set("Authorization", "Bearer " + token);
      return window.__sim_fetch(new Request(request, { headers: headers }));
    });
  };

  window.shopify = {
    config: { apiKey: script.getAttribute("data-api-key"), shop: shop, host: host },
    idToken: idToken,
    toast: { show: function (message) { parent.postMessage({ type: "sim:toast", message: String(message) }, adminOrigin); } },
    loading: function () {},
  };

  function report() {
    var items = Array.prototype.map.call(document.querySelectorAll("ui-nav-menu a"), function (a) {
      return { label: a.textContent, href: a.getAttribute("href"), home: a.getAttribute("rel") === "home" };
    });
    var titleBar = document.querySelector("ui-title-bar");
    parent.postMessage({ type: "sim:frame", nav: items, title: titleBar ? titleBar.getAttribute("title") : null }, adminOrigin);
  }
  new MutationObserver(report).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
  document.addEventListener("DOMContentLoaded", report);

  window.addEventListener("message", function (event) {
    if (event.origin !== adminOrigin || !event.data || event.data.type !== "sim:navigate") return;
    var anchor = Array.prototype.find.call(document.querySelectorAll("ui-nav-menu a"), function (a) {
      return a.getAttribute("href") === event.data.href;
    });
    if (anchor) anchor.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  });
})();
