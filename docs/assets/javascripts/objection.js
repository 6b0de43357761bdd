// The objection form: loads the notice and its entrants from the service, gives hints as the
// person types, and submits as multipart/form-data. The service checks every rule again.
(function () {
  "use strict";
  var app = document.getElementById("objection-app");
  if (!app) return;
  var api = app.getAttribute("data-api") || "/api";
  var form = document.getElementById("objection-form");
  var loading = document.getElementById("objection-loading");
  var errorsBox = document.getElementById("objection-errors");
  var progress = document.getElementById("objection-progress");
  var submit = document.getElementById("objection-submit");
  var statement = document.getElementById("objection-statement");
  var counter = document.getElementById("objection-statement-count");
  var evidence = document.getElementById("objection-evidence");
  var evidenceList = document.getElementById("objection-evidence-list");
  var captchaImage = document.getElementById("objection-captcha-image");
  var captchaAudio = document.getElementById("objection-captcha-audio");
  var captchaAnswer = document.getElementById("objection-captcha-answer");
  var noticeId = new URLSearchParams(window.location.search).get("notice");
  var rules = null;
  var captchaId = null;
  var captchaKind = "image";
  var widget = null;  // a vendor's human check (humancheck.js), when the service uses one
  var chosenFiles = [];  // the evidence files, kept here so that one can be removed

  // Which field a refusal from the service is about, to mark it invalid.
  var FIELD_OF_CODE = {
    entrant_not_listed: "objection-entrant",
    reason_missing: "objection-reasons",
    reason_invalid: "objection-reasons",
    statement_too_short: "objection-statement",
    id_number_invalid: "objection-id-number",
    id_type_invalid: "objection-id-type",
    phone_invalid: "objection-phone",
    email_invalid: "objection-email",
    letter_missing: "objection-letter",
    captcha_wrong: "objection-captcha-answer",
    captcha_invalid: "objection-captcha-answer",
    captcha_expired: "objection-captcha-answer"
  };
  var ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var ID_CHECK = "10X98765432";

  function show(element, visible) { element.hidden = !visible; }

  function text(id, value) { document.getElementById(id).textContent = value; }

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB" : Math.ceil(bytes / 1024) + " KB";
  }

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  var ID_HINTS = {
    id_card: "18 位居民身份证号码，最后一位可能是 X。",
    hk_macao_permit: "H 或 M 加 8 位数字（旧证为 10 位数字），如 H12345678。",
    taiwan_permit: "8 位数字（旧证为 10 位数字），如 12345678。",
    foreign_permanent_resident: "18 位（以 9 开头）或 15 位（3 个字母加 12 位数字）。",
    passport: "护照上的号码，5 至 17 位字母或数字。"
  };
  var ID_NAMES = {
    id_card: "居民身份证", hk_macao_permit: "港澳居民来往内地通行证",
    taiwan_permit: "台湾居民来往大陆通行证", foreign_permanent_resident: "外国人永久居留身份证",
    passport: "护照"
  };

  function checkChar(first17) {
    var total = 0;
    for (var i = 0; i < 17; i++) total += Number(first17.charAt(i)) * ID_WEIGHTS[i];
    return ID_CHECK.charAt(total % 11);
  }

  // The same format checks as the service (vote_api/objections/documents.py).
  function idProblem(kind, raw) {
    var value = raw.replace(/[\s\-()（）]/g, "").toUpperCase();
    var name = ID_NAMES[kind] + "号码";
    if (kind === "hk_macao_permit") {
      return /^[HM]\d{8}(\d{2})?$/.test(value) ? null : name + "应为 H 或 M 加 8 位数字，如 H12345678";
    }
    if (kind === "taiwan_permit") {
      return /^(\d{8}|\d{10}[A-Z]?)$/.test(value) ? null : name + "应为 8 位数字，如 12345678";
    }
    if (kind === "foreign_permanent_resident") {
      if (/^[A-Z]{3}\d{12}$/.test(value)) return null;
      if (!/^9\d{16}[\dX]$/.test(value)) return name + "应为 18 位（以 9 开头）或 15 位（3 个字母加 12 位数字）";
      return value.charAt(17) === checkChar(value) ? null : name + "校验位不正确，请核对";
    }
    if (kind === "passport") {
      return /^(?=.*\d)[A-Z0-9]{5,17}$/.test(value) ? null : name + "应为 5 至 17 位字母或数字";
    }
    if (!/^\d{17}[\dX]$/.test(value)) return "身份证号应为 18 位，前 17 位为数字，最后一位为数字或 X";
    if (value.charAt(17) !== checkChar(value)) return "身份证号校验位不正确，请核对";
    return null;
  }

  function phoneProblem(raw) {
    var value = raw.replace(/[\s\-()（）]/g, "").replace(/^00/, "+");
    if (/^(\+86)?1[3-9]\d{9}$/.test(value)) return null;
    if (/^((\+?852)?[4-9]\d{7})$/.test(value) && (value.length === 8 || /^\+?852/.test(value))) return null;
    if (/^((\+?853)?6\d{7})$/.test(value) && (value.length === 8 || /^\+?853/.test(value))) return null;
    return "手机号码：应为中国大陆 11 位手机号码，或香港（+852）、澳门（+853）的手机号码";
  }

  function clearErrors() {
    errorsBox.textContent = "";
    show(errorsBox, false);
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
    });
  }

  function showErrors(items, quiet) {
    errorsBox.textContent = "";
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
    });
    if (!items.length) {
      show(errorsBox, false);
      return;
    }
    var heading = document.createElement("p");
    heading.textContent = "未能提交，请修改以下内容：";
    errorsBox.appendChild(heading);
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      var field = item.field && document.getElementById(item.field);
      if (field) {
        field.setAttribute("aria-invalid", "true");
        var link = document.createElement("a");
        link.href = "#" + item.field;
        link.textContent = item.message;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          var target = field.matches("fieldset") ? field.querySelector("input") : field;
          (target || field).focus();
        });
        li.appendChild(link);
      } else {
        li.textContent = item.message;
      }
      list.appendChild(li);
    });
    errorsBox.appendChild(list);
    show(errorsBox, true);
    if (!quiet) errorsBox.focus();
  }

  // As the person fixes the fields, the summary keeps only what is still wrong.
  function refreshErrors() {
    if (errorsBox.hidden) return;
    showErrors(clientProblems(), true);
  }

  function reporterKind() {
    var checked = form.querySelector('input[name="reporter_kind"]:checked');
    return checked ? checked.value : "individual";
  }

  function switchKind() {
    var organisation = reporterKind() === "organisation";
    [["objection-individual", !organisation], ["objection-organisation", organisation]].forEach(function (pair) {
      var section = document.getElementById(pair[0]);
      show(section, pair[1]);
      Array.prototype.forEach.call(section.querySelectorAll("input, select"), function (input) {
        input.disabled = !pair[1];
      });
    });
  }

  function updateCounter() {
    var max = rules ? rules.text_max_chars : 5000;
    counter.textContent = "已输入 " + statement.value.length + " / " + max + " 字";
  }

  function listEvidence() {
    evidenceList.textContent = "";
    chosenFiles.forEach(function (file, index) {
      var li = document.createElement("li");
      li.appendChild(document.createTextNode(file.name + "（" + sizeText(file.size) + "） "));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "md-button objection__remove";
      remove.textContent = "移除";
      remove.setAttribute("aria-label", "移除 " + file.name);
      remove.addEventListener("click", function () {
        chosenFiles.splice(index, 1);
        listEvidence();
        refreshErrors();
        evidence.focus();
      });
      li.appendChild(remove);
      evidenceList.appendChild(li);
    });
  }

  function addEvidence() {
    Array.prototype.forEach.call(evidence.files, function (file) { chosenFiles.push(file); });
    evidence.value = "";
    listEvidence();
  }

  function loadCaptcha(kind) {
    captchaKind = kind || "image";
    captchaAnswer.value = "";
    captchaId = null;
    if (widget) { widget.load(); return Promise.resolve(); }
    return fetch(api + "/captchas", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ purpose: "objection", target: noticeId, kind: captchaKind })
    })
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (pair) {
        if (!pair[0].ok) throw new Error(pair[1].message || "验证码暂时无法获取");
        var body = pair[1];
        captchaId = body.captcha_id;
        var source = "data:" + body.media_type + ";base64," + body.data;
        if (captchaKind === "audio") {
          captchaAudio.src = source;
          show(captchaAudio, true);
          show(captchaImage, false);
        } else {
          captchaImage.src = source;
          show(captchaImage, true);
          show(captchaAudio, false);
        }
      })
      .catch(function (error) {
        showErrors([{ message: "验证码：" + error.message }]);
      });
  }

  function fillReasons(reasons) {
    var box = document.getElementById("objection-reasons");
    reasons.forEach(function (reason) {
      var label = document.createElement("label");
      label.className = "award-choice";
      var input = document.createElement("input");
      input.type = "checkbox";
      input.name = "reason";
      input.value = reason.code;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + reason.label));
      box.appendChild(label);
    });
  }

  function fillEntrants(entrants) {
    var select = document.getElementById("objection-entrant");
    var groups = {};
    entrants.forEach(function (entrant) {
      var group = groups[entrant.category_label];
      if (!group) {
        group = document.createElement("optgroup");
        group.label = entrant.category_label + "类";
        groups[entrant.category_label] = group;
        select.appendChild(group);
      }
      var option = document.createElement("option");
      option.value = entrant.id;
      option.textContent = entrant.display_name;
      group.appendChild(option);
    });
  }

  function clientProblems() {
    var problems = [];
    var kind = reporterKind();
    function need(id, label) {
      var el = document.getElementById(id);
      if (!el.value.trim()) problems.push({ field: id, message: label + "：必须填写" });
      return el.value.trim();
    }
    need("objection-entrant", "被异议的申报主体");
    if (!form.querySelector('input[name="reason"]:checked')) {
      problems.push({ field: "objection-reasons", message: "异议理由：请至少选择一项" });
    }
    var words = statement.value.trim().length;
    var min = rules ? rules.text_min_chars : 10;
    var max = rules ? rules.text_max_chars : 5000;
    if (words < min) problems.push({ field: "objection-statement", message: "异议的事实与理由：不少于 " + min + " 个字" });
    if (words > max) problems.push({ field: "objection-statement", message: "异议的事实与理由：不超过 " + max + " 个字" });
    if (kind === "individual") {
      need("objection-name", "姓名");
      var number = need("objection-id-number", "证件号码");
      var problem = number && idProblem(document.getElementById("objection-id-type").value, number);
      if (problem) problems.push({ field: "objection-id-number", message: problem });
    } else {
      need("objection-org", "单位名称");
      need("objection-contact", "联系人");
      var letter = document.getElementById("objection-letter");
      if (!letter.files.length) {
        problems.push({ field: "objection-letter", message: "加盖单位公章的书面材料：必须上传" });
      } else if (rules && rules.letter_extensions.indexOf(extension(letter.files[0].name)) < 0) {
        problems.push({ field: "objection-letter", message: "加盖单位公章的书面材料：只接受 " + rules.letter_extensions.join("、") });
      }
    }
    var phone = need("objection-phone", "手机号码");
    var phoneWrong = phone && phoneProblem(phone);
    if (phoneWrong) problems.push({ field: "objection-phone", message: phoneWrong });
    if (rules) {
      if (chosenFiles.length > rules.max_files) {
        problems.push({ field: "objection-evidence", message: "证据材料：最多 " + rules.max_files + " 个文件" });
      }
      chosenFiles.forEach(function (file) {
        if (rules.evidence_extensions.indexOf(extension(file.name)) < 0) {
          problems.push({ field: "objection-evidence", message: "证据材料：不接受“" + file.name + "”的格式" });
        } else if (file.size > rules.max_file_bytes) {
          problems.push({ field: "objection-evidence", message: "证据材料：“" + file.name + "”超过 " + rules.max_file_text + " 的上限" });
        }
      });
    }
    if (widget && !widget.id) {
      problems.push({ field: null, message: "人机验证：" + widget.missing });
    } else if (!widget && !captchaAnswer.value.trim()) {
      problems.push({ field: "objection-captcha-answer", message: "验证码：必须填写" });
    }
    return problems;
  }

  function done(body) {
    show(form, false);
    text("objection-case-number", body.case_number);
    text("objection-key", body.key);
    var link = document.getElementById("objection-follow-link");
    link.href = app.getAttribute("data-follow-up") + "?case=" + encodeURIComponent(body.case_number);
    var section = document.getElementById("objection-done");
    show(section, true);
    section.scrollIntoView({ block: "start" });
    section.focus({ preventScroll: true });
    var copied = document.getElementById("objection-copied");
    var value = "案件编号：" + body.case_number + "\r\n查询密钥：" + body.key + "\r\n";
    var release = window.awardKeep.hold();
    document.getElementById("objection-copy").addEventListener("click", function () {
      window.awardKeep.copy(value, copied, "案件编号和查询密钥").then(function (ok) {
        if (ok) release();
      });
    });
    document.getElementById("objection-save").addEventListener("click", function () {
      var title = document.getElementById("objection-notice-title").textContent;
      var text = "深圳市市长质量奖异议受理\r\n公示：" + title + "\r\n" + value +
        "查询：凭案件编号和查询密钥在“异议查询”页面查看办理状态和答复：" +
        new URL(link.getAttribute("href"), window.location.href).href + "\r\n";
      window.awardKeep.save("异议-" + body.case_number + ".txt", text, copied, "案件编号和查询密钥的");
      release();
    });
  }

  // What was sent, for the person's records (the ID number is not repeated on screen).
  function summarise() {
    var entrant = document.getElementById("objection-entrant");
    var reasons = Array.prototype.map.call(form.querySelectorAll('input[name="reason"]:checked'),
      function (input) { return input.parentNode.textContent.trim(); });
    var organisation = reporterKind() === "organisation";
    var rows = [
      ["公示", document.getElementById("objection-notice-title").textContent],
      ["被异议的申报主体", entrant.options[entrant.selectedIndex].textContent],
      ["异议理由", reasons.join("；")],
      ["异议的事实与理由", statement.value.trim()],
      ["异议人", organisation ? document.getElementById("objection-org").value.trim() +
        "（联系人：" + document.getElementById("objection-contact").value.trim() + "）"
        : document.getElementById("objection-name").value.trim() + "（" +
          ID_NAMES[document.getElementById("objection-id-type").value] + "）"],
      ["证据材料", chosenFiles.length ? chosenFiles.map(function (f) { return f.name; }).join("、") : "无"]
    ];
    var list = document.getElementById("objection-summary");
    list.textContent = "";
    rows.forEach(function (row) {
      var dt = document.createElement("dt");
      dt.textContent = row[0];
      var dd = document.createElement("dd");
      dd.textContent = row[1];
      list.appendChild(dt);
      list.appendChild(dd);
    });
  }

  function onSubmit(event) {
    event.preventDefault();
    clearErrors();
    var problems = clientProblems();
    if (problems.length) {
      showErrors(problems);
      return;
    }
    var data = new FormData(form);
    data.delete("evidence");
    chosenFiles.forEach(function (file) { data.append("evidence", file, file.name); });
    var letters = data.getAll("letter").filter(function (file) { return file && file.name; });
    data.delete("letter");
    letters.forEach(function (file) { data.append("letter", file, file.name); });
    // The captcha travels in headers: the service checks it before it reads the attachments.
    if (widget) {
      captchaId = widget.id;
      captchaAnswer.value = widget.input.value;
    }
    var captchaHeaders = {
      "X-Captcha-Id": encodeURIComponent(captchaId || ""),
      "X-Captcha-Answer": encodeURIComponent(captchaAnswer.value.trim())
    };
    data.delete("captcha_id");
    data.delete("captcha_answer");
    submit.disabled = true;
    progress.textContent = "正在提交，附件较大时需要一些时间……";
    fetch(api + "/notices/" + encodeURIComponent(noticeId) + "/objections",
      { method: "POST", body: data, headers: captchaHeaders })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          return [response, body];
        });
      })
      .then(function (pair) {
        progress.textContent = "";
        submit.disabled = false;
        if (pair[0].ok) {
          summarise();
          done(pair[1]);
          return;
        }
        var body = pair[1];
        var items = (body.message || "提交未被接受（" + pair[0].status + "）").split("；")
          .map(function (message, index) {
            return { field: index === 0 ? FIELD_OF_CODE[body.code] : null, message: message };
          });
        showErrors(items);
        // The service checks the captcha before it reads the attachments, so any refusal
        // after that point has used it: a new one is shown (what was typed stays).
        var code = body.code || "";
        var before = ["notice_not_found", "objection_closed", "objection_not_open",
          "cross_site_refused"];
        if (before.indexOf(code) < 0) loadCaptcha(captchaKind);
      })
      .catch(function () {
        progress.textContent = "";
        submit.disabled = false;
        showErrors([{ message: "网络连接失败，异议未提交，请稍后重试" }]);
        loadCaptcha(captchaKind);
      });
  }

  function start(notice) {
    show(loading, false);
    var objection = notice.objections;
    if (!objection) {
      show(document.getElementById("objection-missing"), true);
      return;
    }
    if (!objection.open) {
      var closed = document.getElementById("objection-closed");
      closed.textContent = "《" + notice.title + "》的异议受理期为 " + notice.window.text + "，" +
        (notice.window.state === "upcoming" ? "尚未开始，请在受理期内再来。" : "已经结束，不再受理异议。");
      show(closed, true);
      return;
    }
    rules = objection;
    text("objection-notice-title", notice.title);
    text("objection-window", "异议受理期：" + notice.window.text + "（以北京时间为准）");
    statement.maxLength = rules.text_max_chars;
    document.getElementById("objection-evidence-hint").textContent =
      "支持 " + rules.evidence_extensions.join("、") + " 格式；最多 " + rules.max_files +
      " 个文件，每个不超过 " + rules.max_file_text + "。";
    fillReasons(rules.reasons);
    fillEntrants(notice.entrants);
    updateCounter();
    switchKind();
    show(form, true);
    var vendor = window.awardHumanCheck && window.awardHumanCheck.vendorFor("objection");
    if (vendor) {
      // The vendor's widget takes the built-in captcha's place.
      var place = document.querySelector(".objection__captcha").parentNode;
      show(place, false);
      captchaAnswer.required = false;
      var holder = document.createElement("div");
      place.parentNode.insertBefore(holder, place.nextSibling);
      widget = window.awardHumanCheck.widget(holder, vendor);
    }
    loadCaptcha("image");
  }

  form.addEventListener("submit", onSubmit);
  statement.addEventListener("input", updateCounter);
  evidence.addEventListener("change", addEvidence);
  form.addEventListener("input", refreshErrors);
  form.addEventListener("change", refreshErrors);
  var idType = document.getElementById("objection-id-type");
  idType.addEventListener("change", function () {
    document.getElementById("objection-id-hint").textContent = ID_HINTS[idType.value];
  });
  Array.prototype.forEach.call(form.querySelectorAll('input[name="reporter_kind"]'), function (radio) {
    radio.addEventListener("change", switchKind);
  });
  document.getElementById("objection-captcha-refresh").addEventListener("click", function () {
    loadCaptcha("image");
  });
  document.getElementById("objection-captcha-audio-button").addEventListener("click", function () {
    loadCaptcha("audio");
  });

  if (!noticeId) {
    show(loading, false);
    show(document.getElementById("objection-missing"), true);
    return;
  }
  fetch(api + "/notices/" + encodeURIComponent(noticeId))
    .then(function (response) {
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    })
    .then(function (notice) {
      if (!notice) {
        show(loading, false);
        show(document.getElementById("objection-missing"), true);
        return;
      }
      var checks = window.awardHumanCheck ? window.awardHumanCheck.config(api) : null;
      return Promise.resolve(checks).then(function () { start(notice); });
    })
    .catch(function () {
      loading.textContent = "异议受理服务暂时无法连接，请稍后刷新重试。";
    });
})();
