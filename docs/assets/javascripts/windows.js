// Keeps time-bound content honest after the build: a window shown as open at build time
// is hidden once it closes, and an upcoming one appears when it opens.
(function () {
  "use strict";
  var STATE_TEXT = { upcoming: "未开始", open: "进行中", closed: "已结束" };

  function stateOf(element, now) {
    var start = Date.parse(element.getAttribute("data-window-start"));
    var end = Date.parse(element.getAttribute("data-window-end"));
    if (now < start) return "upcoming";
    if (now >= end) return "closed";
    return "open";
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-window-start][data-window-end]").forEach(function (el) {
      var state = stateOf(el, now);
      el.setAttribute("data-window-state", state);
      if (el.classList.contains("award-banner__item")) {
        el.hidden = state !== "open";
      }
      if (el.classList.contains("award-window-state")) {
        el.textContent = "（" + STATE_TEXT[state] + "）";
      }
    });
    var banner = document.querySelector(".md-banner");
    if (banner) {
      var visible = banner.querySelector(".award-banner__item:not([hidden]), [data-award-demo]");
      banner.hidden = !visible;
    }
  }

  refresh();
  window.setInterval(refresh, 30000);
})();
