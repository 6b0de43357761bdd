// Runs before the theme's bundle, which would otherwise fetch two scripts from a public CDN:
// a ResizeObserver polyfill (when the browser has none) and Mermaid (when a page has a
// diagram). This site loads nothing from another host, so both are provided here.
(function () {
  "use strict";

  // A small ResizeObserver for browsers without one: it checks the observed elements'
  // sizes on window resize and a few times a second, and reports the ones that changed.
  if (typeof window.ResizeObserver === "undefined") {
    var SizeWatcher = function (callback) {
      this.callback = callback;
      this.targets = [];
      this.timer = null;
    };
    SizeWatcher.prototype.observe = function (element) {
      if (this.targets.some(function (t) { return t.element === element; })) return;
      this.targets.push({ element: element, width: -1, height: -1 });
      this.start();
      this.check();
    };
    SizeWatcher.prototype.unobserve = function (element) {
      this.targets = this.targets.filter(function (t) { return t.element !== element; });
      if (!this.targets.length) this.stop();
    };
    SizeWatcher.prototype.disconnect = function () {
      this.targets = [];
      this.stop();
    };
    SizeWatcher.prototype.start = function () {
      if (this.timer) return;
      var self = this;
      this.onResize = function () { self.check(); };
      window.addEventListener("resize", this.onResize);
      this.timer = window.setInterval(this.onResize, 250);
    };
    SizeWatcher.prototype.stop = function () {
      if (!this.timer) return;
      window.clearInterval(this.timer);
      window.removeEventListener("resize", this.onResize);
      this.timer = null;
    };
    SizeWatcher.prototype.check = function () {
      var entries = [];
      this.targets.forEach(function (target) {
        var box = target.element.getBoundingClientRect();
        if (box.width !== target.width || box.height !== target.height) {
          target.width = box.width;
          target.height = box.height;
          entries.push({ target: target.element, contentRect: box });
        }
      });
      if (entries.length) this.callback(entries, this);
    };
    window.ResizeObserver = SizeWatcher;
  }

  // Diagrams are not drawn on this site: a Mermaid block is shown as its source text.
  if (typeof window.mermaid === "undefined" || window.mermaid instanceof Element) {
    var escapeHtml = function (text) {
      return String(text).replace(/[&<>"]/g, function (c) {
        return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;" }[c];
      });
    };
    window.mermaid = {
      initialize: function () {},
      render: function (id, source) {
        return Promise.resolve({ svg: "<pre>" + escapeHtml(source) + "</pre>" });
      }
    };
  }
})();
