// The vote page: ballots from the vote service (same origin, /api/...), the captcha with
// refresh and audio, one Chinese message for every outcome, receipt check, results as bars.
// Nothing is loaded from another host.
(function () {
  "use strict";
  var app = document.getElementById("vote-app");
  if (!app) return;
  var API = (app.getAttribute("data-api") || "/api").replace(/\/$/, "");
  var counter = 0;

  var NETWORK_ERROR = "网络连接失败，请检查网络后重试。";
  var SERVER_ERROR = "服务暂时出现问题，请稍后重试。";
  // Refusals after which trying again with a new captcha makes sense.
  var RETRYABLE = ["captcha_wrong", "captcha_invalid", "captcha_expired", "no_choice",
    "duplicate_choice", "unknown_candidate", "too_many_choices", "invalid_request",
    "rate_limited"];

  // The captcha is replaced at once after these, so the message says so.
  var CAPTCHA_REFUSED = {
    captcha_wrong: "验证码不正确。已换一张新的验证码，请重新输入。",
    captcha_expired: "验证码已过期。已换一张新的验证码，请重新输入。",
    captcha_invalid: "验证码已失效。已换一张新的验证码，请重新输入。"
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "className") node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function uid(prefix) {
    counter += 1;
    return prefix + "-" + counter;
  }

  // One request to the service; resolves to {ok, status, data, retryAfter}, never rejects.
  function call(method, path, body) {
    var options = { method: method, headers: { "Accept": "application/json" },
      credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      var retryAfter = parseInt(response.headers.get("Retry-After") || "", 10);
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data, retryAfter: retryAfter };
      }, function () {
        return { ok: false, status: response.status, data: null, retryAfter: retryAfter };
      });
    }, function () {
      return { ok: false, status: 0, data: null, retryAfter: NaN };
    });
  }

  // The one message a person sees for a refused or failed request.
  function refusal(result) {
    if (result.status === 0) return NETWORK_ERROR;
    if (result.status === 429 && !isNaN(result.retryAfter)) {
      if (result.data && result.data.code === "daily_cap_reached") return result.data.message;
      return "请求过于频繁，请在 " + result.retryAfter + " 秒后重试。";
    }
    if (result.data && result.data.message) return result.data.message;
    return SERVER_ERROR;
  }

  function say(box, text, kind) {
    box.className = "vote-message" + (kind ? " vote-message--" + kind : "");
    box.textContent = text;
  }

  // --- the captcha of one ballot -------------------------------------------------------

  function Captcha(ballot, container, purpose) {
    this.ballot = ballot;
    this.purpose = purpose || "vote";
    this.id = null;
    this.loaded = false;
    var answerId = uid("captcha-answer");
    var hintId = uid("captcha-hint");
    var fieldset = el("fieldset", { className: "vote-captcha" });
    fieldset.appendChild(el("legend", {}, "验证码"));
    this.media = el("div", { className: "vote-captcha__media", "aria-live": "polite" });
    this.media.appendChild(el("p", { className: "vote-hint" }, "开始填写时显示验证码。"));
    fieldset.appendChild(this.media);
    var buttons = el("div", { className: "vote-captcha__buttons" });
    this.refreshButton = el("button", { type: "button", className: "md-button" }, "换一张");
    this.audioButton = el("button", { type: "button", className: "md-button" }, "语音验证码");
    buttons.appendChild(this.refreshButton);
    buttons.appendChild(this.audioButton);
    fieldset.appendChild(buttons);
    fieldset.appendChild(el("label", { "for": answerId }, "输入验证码"));
    this.input = el("input", { id: answerId, type: "text", autocomplete: "off",
      spellcheck: "false", autocapitalize: "characters", maxlength: "12",
      "aria-describedby": hintId, className: "vote-captcha__answer" });
    fieldset.appendChild(this.input);
    this.hint = el("p", { id: hintId, className: "vote-hint" },
      "图形验证码为 5 个字母或数字，不区分大小写。");
    fieldset.appendChild(this.hint);
    container.appendChild(fieldset);
    this.fieldset = fieldset;
    var self = this;
    this.refreshButton.addEventListener("click", function () { self.load("image"); });
    this.audioButton.addEventListener("click", function () { self.load("audio"); });
  }

  Captcha.prototype.load = function (kind) {
    var self = this;
    var request = (this.requests = (this.requests || 0) + 1);
    this.loaded = true;
    this.id = null;
    this.input.value = "";
    return call("POST", "/captchas", { purpose: this.purpose, target: this.ballot.id, kind: kind })
      .then(function (result) {
        if (request !== self.requests) return;  // a newer captcha was asked for meanwhile
        self.media.textContent = "";
        if (!result.ok) {
          self.media.appendChild(el("p", { className: "vote-message vote-message--error" },
            refusal(result)));
          return;
        }
        var data = result.data;
        self.id = data.captcha_id;
        var source = "data:" + data.media_type + ";base64," + data.data;
        if (data.kind === "audio") {
          self.media.appendChild(el("p", {}, "请收听语音，输入听到的 5 位数字（普通话朗读）。"));
          var audio = el("audio", { controls: "", src: source, "aria-label": "语音验证码" });
          self.media.appendChild(audio);
          self.hint.textContent = "语音验证码为 5 位数字。需要图片时请点“换一张”。";
        } else {
          self.media.appendChild(el("img", { src: source, width: "180", height: "64",
            alt: "图形验证码：5 个字母或数字。看不清可点“换一张”，或点“语音验证码”收听。",
            className: "vote-captcha__image" }));
          self.hint.textContent = "图形验证码为 5 个字母或数字，不区分大小写。";
        }
      });
  };

  Captcha.prototype.ensure = function () {
    if (!this.loaded) this.load("image");
  };

  // --- one ballot ----------------------------------------------------------------------

  function wordsForMoment(iso) {
    var moment = new Date(iso);
    var parts = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric",
      month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(moment);
    var get = function (type) {
      var part = parts.find(function (p) { return p.type === type; });
      return part ? part.value : "";
    };
    return get("year") + "年" + get("month") + "月" + get("day") + "日 " +
      get("hour") + ":" + get("minute");
  }

  // --- proving a mobile number (phone ballots) -------------------------------------------

  // The number, a captcha, the SMS code: calls done() once the number is verified.
  function PhoneCheck(ballot, container, done) {
    var fieldset = el("fieldset", { className: "vote-phone" });
    fieldset.appendChild(el("legend", {}, "第一步：验证手机号码"));
    fieldset.appendChild(el("p", { className: "vote-hint" },
      "本投票每个中国大陆手机号码每期可投一次。号码只用于发送验证码和识别是否已投票，" +
      "服务器只保存其加密摘要。验证后 30 分钟内可在各项手机号码投票中投票。"));
    var phoneId = uid("phone");
    fieldset.appendChild(el("label", { "for": phoneId }, "手机号码"));
    var phone = el("input", { id: phoneId, type: "tel", inputmode: "numeric",
      autocomplete: "tel", maxlength: "20", className: "vote-phone__number" });
    fieldset.appendChild(phone);
    var captcha = new Captcha(ballot, fieldset, "sms");
    var send = el("button", { type: "button", className: "md-button" }, "获取短信验证码");
    fieldset.appendChild(send);
    var codeId = uid("sms-code");
    var codeLabel = el("label", { "for": codeId }, "短信验证码（6 位数字）");
    var code = el("input", { id: codeId, type: "text", inputmode: "numeric",
      autocomplete: "one-time-code", maxlength: "6", className: "vote-phone__code" });
    var verify = el("button", { type: "button", className: "md-button md-button--primary" },
      "验证手机号码");
    var consoleBox = el("div", { className: "vote-message vote-message--notice" });
    var message = el("div", { className: "vote-message", role: "status", "aria-live": "polite" });
    fieldset.appendChild(message);
    container.appendChild(fieldset);
    phone.addEventListener("focus", function () { captcha.ensure(); });
    var waitTimer = null;

    function pace(seconds) {
      send.disabled = true;
      var left = seconds;
      send.textContent = "重新获取（" + left + " 秒）";
      clearInterval(waitTimer);
      waitTimer = setInterval(function () {
        left -= 1;
        if (left <= 0) {
          clearInterval(waitTimer);
          send.disabled = false;
          send.textContent = "重新获取短信验证码";
          return;
        }
        send.textContent = "重新获取（" + left + " 秒）";
      }, 1000);
    }

    send.addEventListener("click", function () {
      var number = phone.value.trim();
      if (!number) { say(message, "请输入手机号码。", "error"); phone.focus(); return; }
      var answer = captcha.input.value.trim();
      if (!captcha.id || !answer) {
        captcha.ensure();
        say(message, "请先输入图形（或语音）验证码。", "error");
        captcha.input.focus();
        return;
      }
      send.disabled = true;
      say(message, "正在发送……");
      call("POST", "/phone/codes", { ballot_id: ballot.id, phone: number,
        captcha_id: captcha.id, captcha_answer: answer }).then(function (result) {
        captcha.load("image");  // each captcha is used once, right or wrong
        if (!result.ok) {
          send.disabled = false;
          if (result.status === 429 && !isNaN(result.retryAfter)) pace(result.retryAfter);
          say(message, refusal(result), "error");
          return;
        }
        say(message, result.data.message, "success");
        pace(result.data.resend_after);
        if (!code.parentNode) {
          fieldset.insertBefore(codeLabel, message);
          fieldset.insertBefore(code, message);
          fieldset.insertBefore(verify, message);
        }
        consoleBox.textContent = "";
        if (result.data.console_code) {
          consoleBox.appendChild(el("p", {}, result.data.console_notice));
          consoleBox.appendChild(el("p", {}, "本次验证码：" + result.data.console_code));
          fieldset.insertBefore(consoleBox, message);
        }
        code.focus();
      });
    });

    verify.addEventListener("click", function () {
      var value = code.value.trim();
      if (!/^[0-9]{6}$/.test(value)) {
        say(message, "请输入短信中的 6 位数字验证码。", "error");
        code.focus();
        return;
      }
      verify.disabled = true;
      call("POST", "/phone/verify", { phone: phone.value.trim(), code: value })
        .then(function (result) {
          verify.disabled = false;
          if (!result.ok) { say(message, refusal(result), "error"); code.focus(); return; }
          clearInterval(waitTimer);
          var verified = el("p", { className: "vote-message vote-message--success",
            tabindex: "-1" }, result.data.message);
          fieldset.replaceWith(verified);
          verified.focus();
          done();
        });
    });
    this.fieldset = fieldset;
  }

  function renderOpen(ballot, section) {
    var form = el("form", { className: "vote-form", novalidate: "" });
    var choices = el("fieldset", { className: "vote-choices" });
    var multiple = ballot.rule.max_choices > 1;
    choices.appendChild(el("legend", {}, multiple
      ? "选择候选对象（最多选 " + ballot.rule.max_choices + " 个）"
      : "选择一个候选对象"));
    var name = uid("choice");
    ballot.candidates.forEach(function (candidate) {
      var id = uid("candidate");
      var row = el("label", { className: "vote-choice award-choice", "for": id });
      row.appendChild(el("input", { id: id, type: multiple ? "checkbox" : "radio", name: name,
        value: candidate.id }));
      row.appendChild(el("span", {}, candidate.name));
      choices.appendChild(row);
    });
    form.appendChild(choices);

    var captcha = new Captcha(ballot, form);
    var submit = el("button", { type: "submit", className: "md-button md-button--primary" },
      "投票");
    form.appendChild(submit);
    var message = el("div", { className: "vote-message", role: "status",
      "aria-live": "polite" });
    form.appendChild(message);
    section.appendChild(form);

    // Ask first whether this browser's voter has voted this period: if so, say so at once
    // instead of asking for a captcha that would only end in a refusal.
    var phoneFirst = ballot.rule.identity === "phone";
    function askPhone() {
      form.classList.add("vote-form--waiting");
      Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
        set.disabled = true;
      });
      submit.disabled = true;
      new PhoneCheck(ballot, section.insertBefore(el("div", {}), form), function () {
        form.classList.remove("vote-form--waiting");
        Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
          set.disabled = false;
        });
        submit.disabled = false;
        refreshStanding();
      });
    }
    function refreshStanding() {
      return call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/standing")
        .then(function (result) {
          if (result.ok && result.data.voted) {
            captcha.fieldset.remove();
            submit.remove();
            Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
              set.disabled = true;
            });
            say(message, result.data.message, "notice");
          }
        });
    }
    var standing = call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/standing")
      .then(function (result) {
        if (phoneFirst && result.ok && result.data.phone_verified === false) {
          askPhone();
          return true;
        }
        if (result.ok && result.data.voted) {
          captcha.fieldset.remove();
          submit.remove();
          Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
            set.disabled = true;
          });
          say(message, result.data.message, "notice");
          return false;
        }
        return true;
      });
    settling.push(standing);
    form.addEventListener("focusin", function () {
      standing.then(function (mayVote) { if (mayVote) captcha.ensure(); });
    });
    form.addEventListener("change", function (event) {
      if (!multiple || event.target.type !== "checkbox") return;
      var checked = form.querySelectorAll("input[type=checkbox]:checked");
      if (checked.length > ballot.rule.max_choices) {
        event.target.checked = false;
        say(message, "本投票每票最多选择 " + ballot.rule.max_choices + " 个候选对象。", "error");
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = Array.prototype.map.call(form.querySelectorAll("input:checked"),
        function (input) { return input.value; });
      if (!chosen.length) {
        say(message, "请先选择候选对象。", "error");
        return;
      }
      if (!captcha.id) {
        captcha.ensure();
        say(message, "验证码还在载入，请稍候再投票。", "error");
        return;
      }
      var answer = captcha.input.value.trim();
      if (!answer) {
        say(message, "请输入验证码。", "error");
        captcha.input.focus();
        return;
      }
      submit.disabled = true;
      say(message, "正在提交……");
      call("POST", "/ballots/" + encodeURIComponent(ballot.id) + "/votes",
        { captcha_id: captcha.id, captcha_answer: answer, candidates: chosen })
        .then(function (result) {
          submit.disabled = false;
          if (result.ok) {
            captcha.id = null;
            captcha.fieldset.remove();
            submit.remove();
            Array.prototype.forEach.call(form.querySelectorAll("fieldset"), function (set) {
              set.disabled = true;
            });
            showReceipt(message, result.data, ballot);
            return;
          }
          var code = result.data && result.data.code;
          say(message, CAPTCHA_REFUSED[code] || refusal(result), "error");
          if (code === "phone_not_verified") { captcha.load("image"); askPhone(); return; }
          if (RETRYABLE.indexOf(code) >= 0 || !code) captcha.load("image");
          else submit.disabled = true;
        });
    });
  }

  // The receipt, with buttons to copy it and to save it as a text file; focus moves to it.
  function showReceipt(box, data, ballot) {
    box.className = "vote-message vote-message--success";
    box.textContent = "";
    box.setAttribute("tabindex", "-1");
    box.appendChild(el("p", {}, "投票成功，您的选票已记录。"));
    var line = el("p", {}, "回执码：");
    line.appendChild(el("strong", { className: "vote-receipt" }, data.receipt));
    box.appendChild(line);
    box.appendChild(el("p", {}, "回执码只显示这一次，请复制、保存或抄下；可在本页“查询回执”中核对这张选票是否被计入，投票截止后还可在“结果怎样核对”中用回执码在公布的结果里查找。"));
    var buttons = el("p", { className: "vote-receipt__buttons" });
    var copy = el("button", { type: "button", className: "md-button" }, "复制回执码");
    var save = el("button", { type: "button", className: "md-button" }, "保存为文件");
    var copied = el("span", { className: "vote-hint", role: "status" });
    buttons.appendChild(copy);
    buttons.appendChild(save);
    buttons.appendChild(copied);
    box.appendChild(buttons);
    copy.addEventListener("click", function () {
      window.awardKeep.copy(data.receipt, copied, "回执码");
    });
    save.addEventListener("click", function () {
      var text = ballot.title + "\r\n回执码：" + data.receipt + "\r\n投票时间：" +
        wordsForMoment(new Date().toISOString()) + "（北京时间）\r\n" +
        "核对：在网络投票页面“查询回执”中输入回执码；投票截止后，可在“结果怎样核对”中用回执码在公布的结果里查找。\r\n";
      window.awardKeep.save("投票回执-" + ballot.id + ".txt", text, copied, "回执");
    });
    box.focus();
  }

  function renderResults(ballot, section) {
    var box = el("div", { className: "vote-results", "aria-live": "polite" });
    box.appendChild(el("p", {}, "正在载入结果……"));
    section.appendChild(box);
    call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/results").then(function (result) {
      box.textContent = "";
      if (!result.ok) {
        box.appendChild(el("p", { className: "vote-message vote-message--error" },
          refusal(result)));
        return;
      }
      var data = result.data;
      box.appendChild(el("h3", {}, data.final ? "投票结果" : "当前票数"));
      box.appendChild(el("p", {}, "计入票数的选票共 " + data.counted_votes + " 张" +
        (data.invalidated_receipt_digests.length
          ? "；另有 " + data.invalidated_receipt_digests.length + " 张被作废，不计入。"
          : "。")));
      var most = Math.max.apply(null, data.candidates.map(function (c) { return c.count; })
        .concat([1]));
      var list = el("ol", { className: "vote-chart" });
      data.candidates.slice().sort(function (a, b) { return b.count - a.count; })
        .forEach(function (candidate) {
          var percent = (candidate.share * 100).toFixed(1);
          var item = el("li", { className: "vote-chart__row" });
          item.appendChild(el("span", { className: "vote-chart__name" }, candidate.name));
          var bar = el("span", { className: "vote-chart__bar", "aria-hidden": "true" });
          var fill = el("span", { className: "vote-chart__fill" });
          fill.style.width = (candidate.count / most * 100).toFixed(1) + "%";
          bar.appendChild(fill);
          item.appendChild(bar);
          item.appendChild(el("span", { className: "vote-chart__count" },
            candidate.count + " 票（" + percent + "%）"));
          list.appendChild(item);
        });
      box.appendChild(list);
      var link = el("a", { href: API + "/ballots/" + encodeURIComponent(ballot.id) + "/results",
        download: ballot.id + "-results.json" }, "下载完整结果（含每个候选对象的全部回执摘要，可自行复核）");
      box.appendChild(el("p", {})).appendChild(link);
    });
  }

  function renderBallot(ballot) {
    var section = el("section", { className: "vote-ballot vote-ballot--" + ballot.state,
      id: "ballot-" + ballot.id, "aria-labelledby": "ballot-title-" + ballot.id });
    section.appendChild(el("h2", { id: "ballot-title-" + ballot.id }, ballot.title));
    if (ballot.state === "closed") {
      section.appendChild(el("p", { className: "vote-deadline" },
        "投票已于 " + wordsForMoment(ballot.closes) + "（北京时间）截止。"));
      renderResults(ballot, section);
    }
    var facts = el("dl", { className: "vote-facts" });
    [["状态", ballot.state_label], ["类别", ballot.category_label],
      ["投票时间", ballot.window_text], ["规则", ballot.rule.identity_text + "；" + ballot.rule.period_text + "，" +
        (ballot.rule.max_choices > 1 ? "每票最多选 " + ballot.rule.max_choices + " 个"
          : "每票选 1 个")]].forEach(function (pair) {
      facts.appendChild(el("dt", {}, pair[0]));
      facts.appendChild(el("dd", {}, pair[1]));
    });
    section.appendChild(facts);
    if (ballot.state === "open") {
      section.appendChild(el("p", { className: "vote-deadline" },
        "投票截止：" + wordsForMoment(ballot.closes) + "（北京时间）"));
      renderOpen(ballot, section);
      if (ballot.results_public) renderResults(ballot, section);
    } else if (ballot.state === "upcoming") {
      section.appendChild(el("p", { className: "vote-deadline" },
        "投票尚未开始，将于 " + wordsForMoment(ballot.opens) + "（北京时间）开始。"));
      var names = el("ul", { className: "vote-candidates" });
      ballot.candidates.forEach(function (c) { names.appendChild(el("li", {}, c.name)); });
      section.appendChild(el("p", {}, "候选对象："));
      section.appendChild(names);
    }
    return section;
  }

  var ORDER = { open: 0, upcoming: 1, closed: 2 };
  var loadedBallots = [];
  // What each open ballot asks the service at first (its voter's standing): the page's height
  // above a ballot settles once these are answered.
  var settling = [];

  // A ballot's own address is the vote page with #ballot-<id>: once the ballots are on the
  // page (and again once those above it have settled), scroll to it and move focus to its title.
  function land() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !app.contains(target)) return;
    target.scrollIntoView({ block: "start" });
    var title = target.querySelector("h2");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus({ preventScroll: true });
    }
  }
  window.addEventListener("hashchange", land);

  // The ballots are being drawn until every one has asked for its standing: assistive
  // technology (and tests) wait for aria-busy to go.
  app.setAttribute("aria-busy", "true");
  function settled() { app.removeAttribute("aria-busy"); }
  call("GET", "/ballots").then(function (result) {
    var loading = document.getElementById("vote-loading");
    if (!result.ok) {
      settled();
      say(loading, "投票暂时无法载入：" + refusal(result), "error");
      return;
    }
    var ballots = result.data.ballots.slice().sort(function (a, b) {
      return ORDER[a.state] - ORDER[b.state];
    });
    if (!ballots.length) {
      loading.textContent = "目前没有网络投票。投票开放时将在公示公告中通知。";
      settled();
      return;
    }
    loading.textContent = "共有 " + ballots.length + " 项投票，其中 " +
      ballots.filter(function (b) { return b.state === "open"; }).length + " 项正在进行。";
    loadedBallots = ballots;
    ballots.forEach(function (ballot) { app.appendChild(renderBallot(ballot)); });
    land();
    Promise.all(settling).then(function () {
      settled();
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = id && document.getElementById(id);
      // Land again only if nothing else was done meanwhile (the reader may have moved on).
      if (target && target.contains(document.activeElement)) land();
    });
  });

  // --- "check my vote": the receipt's SHA-256, computed here, found in the published digests --

  function canonicalReceipt(text) {
    var letters = text.toUpperCase().replace(/[^0-9A-Z]/g, "");
    if (!/^[ACDEFHJKMNPRTUVWXY3479]{16}$/.test(letters)) return null;
    return letters.match(/.{4}/g).join("-");
  }

  function sha256Hex(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.prototype.map.call(new Uint8Array(buffer), function (byte) {
        return ("0" + byte.toString(16)).slice(-2);
      }).join("");
    });
  }

  var verifyForm = document.getElementById("verify-form");
  var verifyResult = document.getElementById("verify-result");
  if (verifyForm && verifyResult) {
    verifyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = canonicalReceipt(document.getElementById("verify-code").value);
      if (!code) {
        say(verifyResult, "回执码应为 16 个字母或数字（可带短横线），请检查后重新输入。", "error");
        return;
      }
      if (!(window.crypto && crypto.subtle)) {
        say(verifyResult, "此浏览器不能计算摘要，请使用“查询回执”。", "error");
        return;
      }
      say(verifyResult, "正在计算摘要并查找……");
      var published = loadedBallots.filter(function (b) {
        return b.state === "closed" || b.results_public;
      });
      sha256Hex(code).then(function (digest) {
        return Promise.all(published.map(function (ballot) {
          return call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/results");
        })).then(function (results) {
          var found = null;
          results.forEach(function (result) {
            if (!result.ok || found) return;
            result.data.candidates.forEach(function (candidate) {
              if (!found && candidate.receipt_digests.indexOf(digest) >= 0) {
                found = "在《" + result.data.title + "》公布的结果中找到了这张选票：计入“" +
                  candidate.name + "”的票数。";
              }
            });
            if (!found && result.data.invalidated_receipt_digests.indexOf(digest) >= 0) {
              found = "在《" + result.data.title + "》公布的结果中，这张选票被列为作废，不计入票数；作废原因可用“查询回执”查看。";
            }
          });
          var running = loadedBallots.some(function (b) { return b.state === "open"; });
          var words = found || (running
            ? "在已公布的结果中没有找到这张选票。正在进行的投票，其选票的回执摘要在投票截止后随结果公布；" +
              "要确认这张选票已被记录，请用上方的“查询回执”。"
            : published.length
              ? "在已公布的结果中没有找到这张选票。如核对回执码无误，请联系秘书处。"
              : "目前还没有公布结果的投票，投票截止后再来查找。");
          say(verifyResult, words + "回执摘要（SHA-256）：" + digest,
            found ? "success" : running ? "notice" : "error");
        });
      });
    });
  }

  // --- receipt check -------------------------------------------------------------------

  var receiptLog = document.getElementById("receipt-log");

  function checkInLog(data) {
    if (!receiptLog) return;
    if (!data.log) {
      say(receiptLog, "这张选票已记入投票日志，还没有签名检查点涵盖它（日志增长后至少每 10 分钟签署一次），" +
        "稍后再查询即可在浏览器中核对它在日志中。", "notice");
      return;
    }
    if (!(window.crypto && crypto.subtle && window.szmqaBallotLog)) {
      say(receiptLog, "此浏览器不能计算摘要，无法在浏览器中核对投票日志。", "error");
      return;
    }
    say(receiptLog, "正在浏览器中核对投票日志……");
    fetch("../ballot-log/key.txt", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; },
        function () { return ""; })
      .then(function (publishedKey) {
        return window.szmqaBallotLog.verify(data.log, data.receipt_digest, publishedKey);
      })
      .then(function (checked) {
        say(receiptLog, checked.text, checked.ok ? "success" : "error");
      });
  }

  var receiptForm = document.getElementById("receipt-form");
  var receiptResult = document.getElementById("receipt-result");
  if (receiptForm && receiptResult) {
    receiptForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = document.getElementById("receipt-code").value.trim();
      if (!code) {
        say(receiptResult, "请输入回执码。", "error");
        return;
      }
      say(receiptResult, "正在查询……");
      call("GET", "/receipts/" + encodeURIComponent(code)).then(function (result) {
        if (!result.ok) {
          say(receiptResult, refusal(result), "error");
          return;
        }
        var data = result.data;
        var text = data.message;
        if (data.candidates) {
          text += "所投：" + data.candidates.map(function (c) { return c.name; }).join("、") + "。";
        }
        var ballot = loadedBallots.filter(function (b) { return b.id === data.ballot_id; })[0];
        if (data.counted && ballot && ballot.state === "open") {
          text += "投票仍在进行：投票截止后，本投票公布的结果中将列出这张选票的回执摘要，" +
            "届时可在下方“结果怎样核对”中用回执码查找。";
        }
        text += "回执摘要：" + data.receipt_digest;
        say(receiptResult, text, data.counted ? "success" : "error");
        checkInLog(data);
      });
    });
  }
})();
