// Applicant status lookup over the index built with the site (no server involved). The index
// lists no one: each record is found under SHA-256 of the build's salt and a full credit code or
// an exact name, and opened with a key derived from the same (site_plugins/status_lookup.py).
(function () {
  "use strict";
  var form = document.getElementById("status-form");
  if (!form) return;
  var input = document.getElementById("status-query");
  var results = document.getElementById("status-results");
  var FORMAT = "szmqa-status-1";
  var SPACES = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/g;
  var index = null;

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index"))
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { index = data; return index; });
  }

  function normalise(text) {
    return text.normalize("NFKC").replace(SPACES, "").toUpperCase();
  }

  function derive(purpose, salt, query) {
    var text = FORMAT + "\n" + purpose + "\n" + salt + "\n" + query;
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  // The records filed under exactly this query, or [] when there are none.
  function lookUp(data, query) {
    return derive("id", data.salt, query).then(function (id) {
      var sealed = data.entries[hex(id)];
      if (!sealed) return [];
      var raw = Uint8Array.from(atob(sealed), function (c) { return c.charCodeAt(0); });
      return derive("key", data.salt, query)
        .then(function (key) {
          return crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
        })
        .then(function (key) {
          return crypto.subtle.decrypt({ name: "AES-GCM", iv: raw.slice(0, 12) }, key, raw.slice(12));
        })
        .then(function (plain) { return JSON.parse(new TextDecoder().decode(plain)); });
    });
  }

  function render(matches, query) {
    results.textContent = "";
    if (!matches.length) {
      var none = document.createElement("p");
      none.textContent = "已公布的名单中没有找到“" + query + "”。请输入完整的统一社会信用代码（18 位），" +
        "或申报组织、项目的准确全称；名单以公告为准。";
      results.appendChild(none);
      return;
    }
    matches.forEach(function (row) {
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
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = input.value.trim();
    if (query.length < 2) return;
    if (!(window.crypto && crypto.subtle)) {
      results.textContent = "本查询需要浏览器的加密功能：请通过 https 访问本站，或使用较新的浏览器。";
      return;
    }
    load().then(function (data) {
      return lookUp(data, normalise(query));
    }).then(function (rows) {
      render(rows, query);
    }).catch(function () {
      results.textContent = "查询索引暂时无法加载，请稍后重试。";
    });
  });
})();
