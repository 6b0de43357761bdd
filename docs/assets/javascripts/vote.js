// The vote page: ballots from the vote service (same origin, /api/...), the captcha with
// refresh and audio (or a vendor's human check: humancheck.js), one Chinese message for every
// outcome, receipt check, results as bars. Nothing else is loaded from another host.
(function () {
  "use strict";
  var app = document.getElementById("vote-app");
  if (!app) return;
  var API = (app.getAttribute("data-api") || "/api").replace(/\/$/, "");
  var counter = 0;

  var NETWORK_ERROR = "网络连接失败，请检查网络后重试。";
  var SERVER_ERROR = "服务暂时出现问题，请稍后重试。";
  // Refusals after which trying again with a new captcha makes sense.
  var RETRYABLE = ["captcha_missing", "captcha_wrong", "captcha_invalid", "captcha_expired", "no_choice",
    "duplicate_choice", "unknown_candidate", "too_many_choices", "invalid_request",
    "rate_limited"];

  // The captcha is replaced at once after these, so the message says so.
  // Refusals about the choices: focus goes back to the first candidate.
  var CHOICE_PROBLEMS = ["no_choice", "duplicate_choice", "unknown_candidate", "too_many_choices"];

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
    var checks = window.awardHumanCheck;
    var vendor = checks && checks.vendorFor(purpose || "vote");
    if (vendor) return checks.widget(container, vendor);  // the same fields and methods
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

  // --- showing a refusal where it is -------------------------------------------------------

  // Say what went wrong, mark the field it concerns and move keyboard focus to it (the
  // message box is announced; the field is where the person fixes it).
  function fail(box, text, field) {
    say(box, text, "error");
    if (!field) return;
    field.setAttribute("aria-invalid", "true");
    if (box.id) field.setAttribute("aria-errormessage", box.id);
    field.focus();
  }

  function clearInvalid(field) {
    field.removeAttribute("aria-invalid");
    field.removeAttribute("aria-errormessage");
  }

  // Refusals of an SMS code request given before its captcha is looked at: the captcha
  // is still good and stays as it is.
  var SMS_BEFORE_CAPTCHA = ["phone_malformed", "phone_segment_refused", "rate_limited",
    "invalid_request"];

  // --- the three steps of a phone ballot -------------------------------------------------

  var STEPS = ["第一步：手机号码和验证码", "第二步：短信验证码", "第三步：选择并投票"];
  var WECHAT_STEPS = ["第一步：在微信中确认身份", "第二步：选择并投票"];
  var COUNTS = { 2: "共两步", 3: "共三步" };

  // The numbered steps, the current one marked (aria-current="step") and announced.
  function Steps(container, titles) {
    this.titles = titles;
    this.list = el("ol", { className: "vote-steps" });
    this.items = titles.map(function (title) {
      return this.list.appendChild(el("li", { className: "vote-steps__item" }, title));
    }, this);
    this.now = el("p", { className: "vote-steps__now", role: "status", "aria-live": "polite" });
    container.appendChild(this.list);
    container.appendChild(this.now);
  }

  Steps.prototype.go = function (index) {
    this.items.forEach(function (item, i) {
      if (i === index) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
      item.classList.toggle("vote-steps__item--done", i < index);
    });
    var title = this.titles[index];
    this.now.textContent = "现在是" + title.replace("：", "（" + COUNTS[this.titles.length] + "）：") + "。";
  };

  // Steps one and two: the number with one human check, then the SMS code. Calls done()
  // once the number is verified; the vote itself (step three) then takes no captcha.
  function PhoneCheck(ballot, container, steps, done) {
    var self = this;
    var first = el("fieldset", { className: "vote-phone" });
    first.appendChild(el("legend", {}, STEPS[0]));
    first.appendChild(el("p", { className: "vote-hint" },
      "本投票每个中国大陆手机号码每期可投一次。号码只用于发送验证码和识别是否已投票，" +
      "服务器只保存其加密摘要。验证后 30 分钟内可在各项手机号码投票中投票，投票时不再需要验证码。"));
    var phoneId = uid("phone");
    first.appendChild(el("label", { "for": phoneId }, "手机号码"));
    var phone = el("input", { id: phoneId, type: "tel", inputmode: "numeric",
      autocomplete: "tel", maxlength: "20", className: "vote-phone__number" });
    first.appendChild(phone);
    var captcha = new Captcha(ballot, first, "sms");
    var send = el("button", { type: "button", className: "md-button md-button--primary" },
      "获取短信验证码");
    first.appendChild(send);
    var firstMessage = el("div", { id: uid("phone-message"), className: "vote-message",
      role: "status", "aria-live": "polite" });
    first.appendChild(firstMessage);

    var second = el("fieldset", { className: "vote-phone-code" });
    second.hidden = true;
    second.appendChild(el("legend", {}, STEPS[1]));
    var sent = el("p", { className: "vote-message vote-message--success" });
    second.appendChild(sent);
    var consoleBox = el("div", { className: "vote-message vote-message--notice" });
    second.appendChild(consoleBox);
    var codeId = uid("sms-code");
    second.appendChild(el("label", { "for": codeId }, "短信验证码（6 位数字）"));
    var code = el("input", { id: codeId, type: "text", inputmode: "numeric",
      autocomplete: "one-time-code", maxlength: "6", className: "vote-phone__code" });
    second.appendChild(code);
    var buttons = el("div", { className: "vote-phone__buttons" });
    var verify = el("button", { type: "button", className: "md-button md-button--primary" },
      "验证手机号码");
    var again = el("button", { type: "button", className: "md-button" }, "重新获取短信验证码");
    buttons.appendChild(verify);
    buttons.appendChild(again);
    second.appendChild(buttons);
    var secondMessage = el("div", { id: uid("code-message"), className: "vote-message",
      role: "status", "aria-live": "polite" });
    second.appendChild(secondMessage);

    var verified = el("p", { className: "vote-message vote-message--success", tabindex: "-1" });
    verified.hidden = true;
    container.appendChild(first);
    container.appendChild(second);
    container.appendChild(verified);
    phone.addEventListener("focus", function () { captcha.ensure(); });
    [phone, captcha.input, code].forEach(function (field) {
      field.addEventListener("input", function () { clearInvalid(field); });
    });
    var waitTimer = null;

    // "Again" waits out the number's pacing; pressing it goes back to step one with a new
    // captcha (asked for, so replacing it is no surprise).
    function pace(seconds) {
      var left = seconds;
      clearInterval(waitTimer);
      function show() {
        again.disabled = left > 0;
        again.textContent = left > 0 ? "重新获取（" + left + " 秒后）" : "重新获取短信验证码";
      }
      show();
      waitTimer = setInterval(function () {
        left -= 1;
        show();
        if (left <= 0) clearInterval(waitTimer);
      }, 1000);
    }

    // Step one, as new or again: the number editable, a captcha to answer.
    this.start = function (focus) {
      clearInterval(waitTimer);
      first.hidden = false;
      first.disabled = false;
      captcha.fieldset.hidden = false;
      send.hidden = false;
      second.hidden = true;
      verified.hidden = true;
      code.value = "";
      steps.go(0);
      if (focus === "captcha") {
        captcha.load("image");
        captcha.input.focus();
      } else if (focus) {
        phone.focus();
      }
    };

    // Step two: the code was sent; step one stays in view, done, its captcha used once.
    function codeSent(data) {
      first.disabled = true;
      captcha.fieldset.hidden = true;
      send.hidden = true;
      say(firstMessage, "");
      sent.textContent = data.message;
      consoleBox.textContent = "";
      if (data.console_code) {
        consoleBox.appendChild(el("p", {}, data.console_notice));
        consoleBox.appendChild(el("p", {}, "本次验证码：" + data.console_code));
      }
      say(secondMessage, "");
      second.hidden = false;
      steps.go(1);
      pace(data.resend_after);
      code.focus();
    }

    // Step three is next: the number is verified.
    this.finish = function (text, justVerified) {
      clearInterval(waitTimer);
      first.hidden = true;
      second.hidden = true;
      verified.textContent = text;
      verified.hidden = false;
      steps.go(2);
      if (!justVerified) return;
      done();
      verified.focus();
    };

    send.addEventListener("click", function () {
      var number = phone.value.trim();
      if (!number) { fail(firstMessage, "请输入手机号码。", phone); return; }
      var answer = captcha.input.value.trim();
      if (!captcha.id || !answer) {
        captcha.ensure();
        fail(firstMessage, captcha.missing || "请输入图形（或语音）验证码。", captcha.input);
        return;
      }
      send.disabled = true;
      say(firstMessage, "正在发送……");
      call("POST", "/phone/codes", { ballot_id: ballot.id, phone: number,
        captcha_id: captcha.id, captcha_answer: answer }).then(function (result) {
        send.disabled = false;
        if (result.ok) { codeSent(result.data); return; }
        var reason = result.data && result.data.code;
        if (SMS_BEFORE_CAPTCHA.indexOf(reason) >= 0 || result.status === 0) {
          fail(firstMessage, refusal(result), reason === "rate_limited" ? null : phone);
          return;
        }
        // The captcha was looked at, so it is used up: a new one, and the message says so.
        captcha.load("image");
        var text = CAPTCHA_REFUSED[reason] ||
          refusal(result) + "（这张验证码已用过，已换一张新的。）";
        fail(firstMessage, text, captcha.input);
      });
    });

    again.addEventListener("click", function () { self.start("captcha"); });

    verify.addEventListener("click", function () {
      var value = code.value.trim();
      if (!/^[0-9]{6}$/.test(value)) {
        fail(secondMessage, "请输入短信中的 6 位数字验证码。", code);
        return;
      }
      verify.disabled = true;
      say(secondMessage, "正在验证……");
      call("POST", "/phone/verify", { phone: phone.value.trim(), code: value })
        .then(function (result) {
          verify.disabled = false;
          if (!result.ok) { fail(secondMessage, refusal(result), code); return; }
          self.finish(result.data.message + "。请在第三步选择候选对象后投票。", true);
        });
    });
  }

  // Step one of a WeChat ballot: inside WeChat, a link to WeChat's authorisation (it comes
  // back to this ballot); in any other browser, a QR code of this page to open it in WeChat.
  function WechatCheck(ballot, container, steps) {
    var box = el("fieldset", { className: "vote-wechat" });
    box.appendChild(el("legend", {}, WECHAT_STEPS[0]));
    var inWechat = /MicroMessenger/i.test(navigator.userAgent);
    box.appendChild(el("p", { className: "vote-hint" },
      "本投票每个微信用户每期可投一次。确认身份由微信授权完成（不需要填写任何信息，" +
      "服务器只保存微信给出的匿名标识的加密摘要），确认后 30 分钟内可以投票，投票时不再需要验证码。"));
    if (inWechat) {
      box.appendChild(el("a", { className: "md-button md-button--primary",
        href: API + "/wechat/start?ballot_id=" + encodeURIComponent(ballot.id) },
        "在微信中确认身份"));
    } else {
      var address = window.location.origin + window.location.pathname + "#ballot-" + ballot.id;
      box.appendChild(el("p", { className: "vote-message vote-message--notice" },
        "本投票须在微信中进行：请用微信“扫一扫”扫描下面的二维码，在微信中打开本页后投票；" +
        "也可以把本页地址发到微信中打开。"));
      box.appendChild(el("img", { className: "vote-qr", width: "200", height: "200",
        src: API + "/wechat/qr?ballot_id=" + encodeURIComponent(ballot.id),
        alt: "本页地址的二维码：" + address }));
      box.appendChild(el("p", { className: "vote-hint" }, "本页地址：" + address));
    }
    var verified = el("p", { className: "vote-message vote-message--success" });
    verified.hidden = true;
    container.appendChild(box);
    container.appendChild(verified);
    this.start = function () {
      box.hidden = false;
      verified.hidden = true;
      steps.go(0);
    };
    this.finish = function (text) {
      box.hidden = true;
      verified.textContent = text;
      verified.hidden = false;
      steps.go(1);
    };
  }

  function disable(form, disabled) {
    Array.prototype.forEach.call(form.querySelectorAll("fieldset, button"), function (node) {
      node.disabled = disabled;
    });
  }

  function renderOpen(ballot, section) {
    // A ballot whose voters prove themselves first (phone) takes no captcha with the vote.
    var proven = ballot.rule.identity === "phone" || ballot.rule.identity === "wechat";
    var wechat = ballot.rule.identity === "wechat";
    var form = el("form", { className: "vote-form", novalidate: "" });
    var choices = el("fieldset", { className: "vote-choices" });
    var multiple = ballot.rule.max_choices > 1;
    choices.appendChild(el("legend", {}, (wechat ? "第二步：" : proven ? "第三步：" : "") + (multiple
      ? "选择候选对象（最多选 " + ballot.rule.max_choices + " 个）"
      : "选择一个候选对象")));
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

    var captcha = proven ? null : new Captcha(ballot, form);
    var submit = el("button", { type: "submit", className: "md-button md-button--primary" },
      "投票");
    form.appendChild(submit);
    var message = el("div", { id: uid("vote-message"), className: "vote-message",
      role: "status", "aria-live": "polite" });
    form.appendChild(message);
    var phoneCheck = null;
    if (wechat) {
      phoneCheck = new WechatCheck(ballot, section, new Steps(section, WECHAT_STEPS));
    } else if (proven) {
      phoneCheck = new PhoneCheck(ballot, section, new Steps(section, STEPS), function () {
        disable(form, false);
        refreshStanding();
      });
    }
    section.appendChild(form);
    if (captcha) {
      captcha.input.addEventListener("input", function () { clearInvalid(captcha.input); });
    }

    function showVoted(text) {
      if (captcha) captcha.fieldset.remove();
      submit.remove();
      disable(form, true);
      say(message, text, "notice");
    }
    // Whether this browser's voter has voted this period: if so, say so at once instead of
    // asking for a captcha (or a number) that would only end in a refusal.
    function refreshStanding() {
      return call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/standing")
        .then(function (result) {
          if (result.ok && result.data.voted) showVoted(result.data.message);
        });
    }
    var standing = call("GET", "/ballots/" + encodeURIComponent(ballot.id) + "/standing")
      .then(function (result) {
        if (proven && !(result.ok && result.data.phone_verified === true)) {
          disable(form, true);
          phoneCheck.start(false);
          return true;
        }
        if (proven) {
          phoneCheck.finish(wechat ? "已在微信中确认身份（30 分钟内有效），请选择后投票。"
            : "手机号码已验证（30 分钟内有效），请选择后投票。", false);
        }
        if (result.ok && result.data.voted) {
          showVoted(result.data.message);
          return false;
        }
        return true;
      });
    settling.push(standing);
    form.addEventListener("focusin", function () {
      if (captcha) standing.then(function (mayVote) { if (mayVote) captcha.ensure(); });
    });
    form.addEventListener("change", function (event) {
      clearInvalid(choices);
      if (!multiple || event.target.type !== "checkbox") return;
      var checked = form.querySelectorAll("input[type=checkbox]:checked");
      if (checked.length > ballot.rule.max_choices) {
        event.target.checked = false;
        say(message, "本投票每票最多选择 " + ballot.rule.max_choices + " 个候选对象。", "error");
      }
    });
    var firstChoice = choices.querySelector("input");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = Array.prototype.map.call(form.querySelectorAll("input:checked"),
        function (input) { return input.value; });
      if (!chosen.length) {
        choices.setAttribute("aria-invalid", "true");
        fail(message, "请先选择候选对象。", firstChoice);
        return;
      }
      var body = { candidates: chosen };
      if (captcha) {
        if (!captcha.id) {
          captcha.ensure();
          fail(message, captcha.missing || "验证码还在载入，请稍候输入验证码后再投票。", captcha.input);
          return;
        }
        body.captcha_id = captcha.id;
        body.captcha_answer = captcha.input.value.trim();
        if (!body.captcha_answer) {
          fail(message, "请输入验证码。", captcha.input);
          return;
        }
      }
      submit.disabled = true;
      say(message, "正在提交……");
      call("POST", "/ballots/" + encodeURIComponent(ballot.id) + "/votes", body)
        .then(function (result) {
          submit.disabled = false;
          if (result.ok) {
            if (captcha) { captcha.id = null; captcha.fieldset.remove(); }
            submit.remove();
            disable(form, true);
            showReceipt(message, result.data, ballot);
            return;
          }
          var code = result.data && result.data.code;
          if ((code === "phone_not_verified" || code === "wechat_not_verified") && phoneCheck) {
            disable(form, true);
            phoneCheck.start(false);
            fail(message, refusal(result), null);
            var numberBox = section.querySelector(".vote-phone__number, .vote-wechat a");
            if (numberBox) numberBox.focus();
            return;
          }
          var retry = RETRYABLE.indexOf(code) >= 0 || !code;
          var choiceProblem = CHOICE_PROBLEMS.indexOf(code) >= 0;
          var text = refusal(result);
          if (captcha && retry) {
            captcha.load("image");  // each captcha is used once, right or wrong: said here
            text = CAPTCHA_REFUSED[code] || text + "（验证码已用过，已换一张新的，请重新输入。）";
          }
          fail(message, text, choiceProblem ? firstChoice : captcha && retry ? captcha.input : null);
          if (!retry) submit.disabled = true;
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
  var checks = window.awardHumanCheck ? window.awardHumanCheck.config(API) : Promise.resolve();
  Promise.all([call("GET", "/ballots"), checks]).then(function (answers) {
    var result = answers[0];
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
      // In the body, not the URL: no proxy or server log keeps the code.
      call("POST", "/receipts", { code: code }).then(function (result) {
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
