// The home page: the tally of each closed vote, from the vote service (same origin).
(function () {
  "use strict";
  document.querySelectorAll(".award-home__results [data-ballot]").forEach(function (item) {
    var id = item.getAttribute("data-ballot");
    var out = item.querySelector(".award-home__tally");
    fetch("/api/ballots/" + encodeURIComponent(id) + "/results", { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.candidates || !out) return;
        var top = data.candidates.slice().sort(function (a, b) { return b.count - a.count; })
          .slice(0, 3).map(function (c) { return c.name + " " + c.count + " 票"; });
        out.textContent = "计入 " + data.counted_votes + " 票；得票最多：" + top.join("，");
      })
      .catch(function () {});
  });
})();
