/* global HTMLElement, Event, customElements */
// A local stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js, served by
// the simulator's admin. It does what the app relies on App Bridge for:
//  - window.shopify.idToken(): a fresh session token from the (simulated) admin;
//  - every same-origin fetch carries `Authorization: Bearer <id_token>`;
//  - <ui-nav-menu> and <ui-title-bar> (its title and its buttons) are shown by the admin frame
//    around the app; a title-bar button pressed in the admin clicks the app's own button;
//  - <ui-save-bar> and shopify.saveBar: the contextual save bar, drawn by the admin above the
//    frame (https://shopify.dev/docs/api/app-bridge-library/web-components/ui-save-bar); its Save
//    and Discard click the app's buttons (the `variant="primary"` one is Save); while it shows,
//    leaving (an admin nav click, shopify.saveBar.leaveConfirmation()) asks the merchant first;
//  - admin navigation reaches the app as a `shopify:navigate` event.
(function () {
  var script = document.currentScript;
  var adminOrigin = new URL(script.src).origin;
  var params = new URLSearchParams(location.search);
  // The shop and host outlive a document load inside the frame (a link followed without them).
  // The admin is another site than the app, so where a browser blocks a third-party frame's
  // storage (Chromium as Playwright runs it: third-party cookies blocked, storage partitioning
  // off) sessionStorage throws: the frame's window.name, which lives as long as the frame, keeps them then.
  var remembered = (function () {
    try {
      sessionStorage.getItem("sim-shop");
      return {
        get: function (key) { return sessionStorage.getItem(key); },
        set: function (key, value) { sessionStorage.setItem(key, value); },
      };
    } catch {
      var read = function () { try { return JSON.parse(window.name) || {}; } catch { return {}; } };
      return {
        get: function (key) { return read()[key] || null; },
        set: function (key, value) { var all = read(); all[key] = value; window.name = JSON.stringify(all); },
      };
    }
  })();
  var shop = params.get("shop") || remembered.get("sim-shop");
  var host = params.get("host") || remembered.get("sim-host");
  if (shop) remembered.set("sim-shop", shop);
  if (host) remembered.set("sim-host", host);

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

  // The save bars shown, by element; the admin draws the first.
  var showing = [];
  class SaveBar extends HTMLElement {
    get showing() { return showing.indexOf(this) >= 0; }
    get discardConfirmation() { return this.hasAttribute("discardConfirmation") || this.hasAttribute("discard-confirmation"); }
    set discardConfirmation(on) { if (on) this.setAttribute("discardConfirmation", ""); else this.removeAttribute("discardConfirmation"); }
    show() {
      if (!this.showing) { showing.push(this); this.dispatchEvent(new Event("show")); report(); }
      return Promise.resolve();
    }
    hide() {
      var i = showing.indexOf(this);
      if (i >= 0) { showing.splice(i, 1); this.dispatchEvent(new Event("hide")); report(); }
      return Promise.resolve();
    }
    toggle() { return this.showing ? this.hide() : this.show(); }
    disconnectedCallback() { this.hide(); }
  }
  customElements.define("ui-save-bar", SaveBar);
  var byId = function (id) { var el = document.getElementById(id); return el && el.tagName === "UI-SAVE-BAR" ? el : null; };

  // Resolved once the merchant chose to leave (or at once when nothing is unsaved).
  var pendingLeave = null;
  function leaveConfirmation() {
    if (showing.length === 0) return Promise.resolve();
    parent.postMessage({ type: "sim:leave-confirmation" }, adminOrigin);
    return new Promise(function (resolve) { pendingLeave = resolve; });
  }

  window.shopify = {
    config: { apiKey: script.getAttribute("data-api-key"), shop: shop, host: host },
    idToken: idToken,
    toast: { show: function (message) { parent.postMessage({ type: "sim:toast", message: String(message) }, adminOrigin); } },
    loading: function () {},
    saveBar: {
      show: function (id) { var el = byId(id); return el ? el.show() : Promise.resolve(); },
      hide: function (id) { var el = byId(id); return el ? el.hide() : Promise.resolve(); },
      toggle: function (id) { var el = byId(id); return el ? el.toggle() : Promise.resolve(); },
      leaveConfirmation: leaveConfirmation,
    },
  };

  function describe(button) {
    return { label: (button.textContent || "").trim(), disabled: button.disabled || button.hasAttribute("disabled"), loading: button.hasAttribute("loading"), tone: button.getAttribute("tone") };
  }
  // Save is the button with variant="primary", Discard the one without (App Bridge's rule).
  function saveBarButtons(bar) {
    var buttons = Array.prototype.slice.call(bar.querySelectorAll("button"));
    return {
      save: buttons.find(function (b) { return b.getAttribute("variant") === "primary"; }) || null,
      discard: buttons.find(function (b) { return b.getAttribute("variant") !== "primary"; }) || null,
    };
  }
  function titleBarButtons(titleBar) {
    return titleBar ? Array.prototype.filter.call(titleBar.querySelectorAll("button, a"), function (b) { return b.getAttribute("variant") !== "breadcrumb"; }) : [];
  }

  function report() {
    var items = Array.prototype.map.call(document.querySelectorAll("ui-nav-menu a"), function (a) {
      return { label: a.textContent, href: a.getAttribute("href"), home: a.getAttribute("rel") === "home" };
    });
    var titleBar = document.querySelector("ui-title-bar");
    var bar = showing[0];
    var saveBar = null;
    if (bar) {
      var b = saveBarButtons(bar);
      saveBar = { id: bar.id, save: b.save ? describe(b.save) : null, discard: b.discard ? describe(b.discard) : null, discardConfirmation: bar.discardConfirmation };
    }
    parent.postMessage({
      type: "sim:frame",
      nav: items,
      title: titleBar ? titleBar.getAttribute("title") : null,
      actions: titleBarButtons(titleBar).map(function (b) { var d = describe(b); d.primary = b.getAttribute("variant") === "primary"; return d; }),
      saveBar: saveBar,
    }, adminOrigin);
  }
  new MutationObserver(report).observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener("DOMContentLoaded", report);

  function navigate(href) {
    var anchor = Array.prototype.find.call(document.querySelectorAll("ui-nav-menu a"), function (a) {
      return a.getAttribute("href") === href;
    });
    if (anchor) anchor.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  }
  // Set by an admin nav click made while a save bar showed, until the merchant answers.
  var navigationAfterLeave = null;

  window.addEventListener("message", function (event) {
    if (event.origin !== adminOrigin || !event.data) return;
    var data = event.data;
    if (data.type === "sim:navigate") {
      if (showing.length === 0) return navigate(data.href);
      navigationAfterLeave = data.href;
      parent.postMessage({ type: "sim:leave-confirmation" }, adminOrigin);
    } else if (data.type === "sim:leave-answer") {
      var href = navigationAfterLeave;
      var resolve = pendingLeave;
      navigationAfterLeave = null;
      pendingLeave = null;
      if (!data.leave) return;
      // Leaving discards: the bars go without their Discard being pressed, as in the admin.
      showing.slice().forEach(function (bar) { bar.hide(); });
      if (resolve) resolve();
      if (href) navigate(href);
    } else if (data.type === "sim:save-bar") {
      var bar = showing[0];
      if (!bar || bar.id !== data.id) return;
      var target = saveBarButtons(bar)[data.action === "save" ? "save" : "discard"];
      if (target && !target.disabled) target.click();
    } else if (data.type === "sim:title-action") {
      var button = titleBarButtons(document.querySelector("ui-title-bar"))[data.index];
      if (button && !button.disabled) button.click();
    }
  });
})();
