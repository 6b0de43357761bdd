// Small behaviours shared by every page: the notice's print button, the 关怀模式 switch.
(function () {
  "use strict";
  document.querySelectorAll("[data-award-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // 关怀模式: larger text, more line spacing, higher contrast, larger controls (care.css);
  // the choice is kept in this browser only.
  var root = document.documentElement;
  document.querySelectorAll("[data-award-care]").forEach(function (button) {
    button.setAttribute("aria-pressed", String(root.classList.contains("award-care")));
    button.addEventListener("click", function () {
      var on = !root.classList.contains("award-care");
      root.classList.toggle("award-care", on);
      try { localStorage.setItem("award-care", on ? "on" : "off"); } catch (e) { /* private mode */ }
      document.querySelectorAll("[data-award-care]").forEach(function (each) {
        each.setAttribute("aria-pressed", String(on));
      });
    });
  });

  // A year page's stage lists are folded under their headings: an address that names a stage
  // (#stage-…) opens its list; printing opens them all.
  function openStage() {
    var heading = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    var list = heading && heading.nextElementSibling;
    if (list && list.classList.contains("award-stage") && !list.open) {
      list.open = true;
      heading.scrollIntoView();
    }
  }
  openStage();
  window.addEventListener("hashchange", openStage);
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.award-stage").forEach(function (list) { list.open = true; });
  });
})();
