// Small behaviours shared by every page: the notice's print button.
(function () {
  "use strict";
  document.querySelectorAll("[data-award-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
