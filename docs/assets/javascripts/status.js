// Applicant status lookup over the static index built with the site (no server involved).
(function () {
  "use strict";
  var form = document.getElementById("status-form");
  if (!form) return;
  var input = document.getElementById("status-query");
  var results = document.getElementById("status-results");
  var index = null;

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { index = data.entrants; return index; });
  }

  function normalise(text) {
    return text.replace(/\s+/g, "").toUpperCase();
  }

  function render(matches, query) {
    results.textContent = "";
    if (!matches.length) {
      var none = document.createElement("p");
      none.textContent = "已公布的名单中没有找到“" + query + "”。请检查名称或代码；名单以公告为准。";
      results.appendChild(none);
      return;
    }
    matches.slice(0, 20).forEach(function (row) {
      var section = document.createElement("section");
      section.className = "award-status";
      var heading = document.createElement("h2");
      heading.textContent = row.name + (row.project ? "（" + row.project + "）" : "");
      section.appendChild(heading);
      var facts = document.createElement("p");
      facts.textContent = row.year + "年度 · " + row.category + " · " + row.kind +
        "奖 · 统一社会信用代码 " + row.credit_code + (row.demo ? " · 演示数据" : "");
      section.appendChild(facts);
      if (row.status) {
        var standing = document.createElement("p");
        standing.className = "award-status__standing";
        standing.textContent = "目前状态：" + row.status;
        section.appendChild(standing);
      }
      var list = document.createElement("ol");
      list.className = "award-status__stages";
      var last = row.reached[row.reached.length - 1];
      row.stages.forEach(function (stage) {
        if (row.reached.indexOf(stage) < 0) return;
        var item = document.createElement("li");
        var note = row.stopped ? "（止于此阶段）" : "（目前已公布的最新阶段）";
        item.textContent = stage + (stage === last ? note : "");
        list.appendChild(item);
      });
      section.appendChild(list);
      results.appendChild(section);
    });
    if (matches.length > 20) {
      var more = document.createElement("p");
      more.textContent = "共 " + matches.length + " 条，仅显示前 20 条，请输入更完整的名称。";
      results.appendChild(more);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    if (query.length < 2) return;
    var needle = normalise(query);
    load().then(function (rows) {
      render(rows.filter(function (row) {
        return normalise(row.name).indexOf(needle) >= 0 ||
          (row.project && normalise(row.project).indexOf(needle) >= 0) ||
          // A credit code matches whole, or by a part of at least 6 characters.
          (needle.length >= 6 ? normalise(row.credit_code).indexOf(needle) >= 0
                              : row.credit_code === needle);
      }), query);
    }).catch(function () {
      results.textContent = "查询索引暂时无法加载，请稍后重试。";
    });
  });
})();
