// Case follow-up: the case number and key go to the service in a POST body, never in the URL.
(function () {
  "use strict";
  var form = document.getElementById("follow-up-form");
  if (!form) return;
  var api = form.getAttribute("data-api") || "/api";
  var errorsBox = document.getElementById("follow-up-errors");
  var result = document.getElementById("follow-up-result");
  var caseInput = document.getElementById("follow-up-case");
  var keyInput = document.getElementById("follow-up-key");
  var preset = new URLSearchParams(window.location.search).get("case");
  if (preset) caseInput.value = preset;

  function text(id, value) { document.getElementById(id).textContent = value; }

  function when(iso) {
    if (!iso) return "—";
    var date = new Date(iso);
    return date.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  }

  function fail(message) {
    errorsBox.textContent = message;
    errorsBox.hidden = false;
    result.hidden = true;
    errorsBox.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorsBox.hidden = true;
    var number = caseInput.value.trim();
    var key = keyInput.value.trim();
    if (!number || !key) {
      fail("请填写案件编号和查询密钥。");
      return;
    }
    fetch(api + "/objections/" + encodeURIComponent(number), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ key: key }),
      cache: "no-store"
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return [response, body];
        });
      })
      .then(function (pair) {
        var body = pair[1];
        if (!pair[0].ok) {
          fail(body.message || "查询未成功（" + pair[0].status + "），请稍后重试。");
          return;
        }
        text("follow-up-number", body.case_number);
        text("follow-up-notice", body.notice_title);
        text("follow-up-entrant", body.entrant_name);
        text("follow-up-status", body.status_label);
        text("follow-up-received", when(body.received_at));
        text("follow-up-updated", when(body.updated_at));
        var reply = body.reply;
        if (body.purged) reply = "本案已办结并超过保存期限，答复和个人信息已按规定清除。";
        text("follow-up-reply", reply || "秘书处尚未答复，请稍后再查。");
        result.hidden = false;
        result.focus();
      })
      .catch(function () {
        fail("网络连接失败，请稍后重试。");
      });
  });
})();
