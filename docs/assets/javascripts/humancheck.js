// A vendor's human check on the vote and objection pages (Tencent Cloud Captcha, Alibaba Cloud
// Captcha 2.0). The page asks the service which check each action uses (/api/human-checks);
// only an action that uses a vendor's loads that vendor's script: the site's one load from
// another host, allowed by these two pages' CSP only when configured. The built-in captcha
// needs none of this.
(function () {
  "use strict";
  var NAMES = { tencent: "腾讯云", aliyun: "阿里云" };
  var configs = null;
  var scripts = {};
  var counter = 0;

  // The human check of each action ({sms, vote, objection}), or null when unknown.
  function config(api) {
    if (!configs) {
      configs = fetch(api + "/human-checks", { headers: { "Accept": "application/json" },
        credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.json() : null;
      }).catch(function () { return null; });
    }
    return configs.then(function (found) { window.awardHumanCheck.pages = found; return found; });
  }

  // The vendor's page settings for an action, or null for the built-in captcha.
  function vendorFor(purpose) {
    var pages = window.awardHumanCheck.pages;
    var page = pages && pages[purpose];
    return page && page.provider !== "builtin" ? page : null;
  }

  function loadScript(source) {
    if (!scripts[source]) {
      scripts[source] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = source;
        script.async = true;
        script.onload = resolve;
        script.onerror = function () { delete scripts[source]; reject(); };
        document.head.appendChild(script);
      });
    }
    return scripts[source];
  }

  // One check with the vendor's widget, on a page with a button: resolves to the token and
  // answer the service verifies ({id, answer}), or rejects with what to tell the person.
  function Widget(container, page) {
    counter += 1;
    this.page = page;
    this.id = null;
    var fieldset = document.createElement("fieldset");
    fieldset.className = "vote-captcha";
    var legend = document.createElement("legend");
    legend.textContent = "人机验证";
    fieldset.appendChild(legend);
    var hint = document.createElement("p");
    hint.className = "vote-hint";
    hint.textContent = "点击下方按钮，按提示完成验证（由" + NAMES[page.provider] +
      "提供，每次提交前验证一次）。";
    fieldset.appendChild(hint);
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.id = "human-check-" + counter;
    this.button.className = "md-button";
    this.button.textContent = "开始人机验证";
    fieldset.appendChild(this.button);
    this.status = document.createElement("p");
    this.status.className = "vote-hint";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    fieldset.appendChild(this.status);
    this.holder = document.createElement("div");
    this.holder.id = "human-check-holder-" + counter;
    fieldset.appendChild(this.holder);
    container.appendChild(fieldset);
    this.fieldset = fieldset;
    this.missing = "请先点击“开始人机验证”完成验证，再提交。";
    // What the built-in captcha's callers read: the answer typed, and where focus goes.
    var self = this;
    // A refusal marks the field to fix and moves focus there: here, the button.
    this.input = {
      value: "",
      focus: function () { self.button.focus(); },
      setAttribute: function (name, value) { self.button.setAttribute(name, value); },
      removeAttribute: function (name) { self.button.removeAttribute(name); },
      addEventListener: function (type, listener) { self.button.addEventListener(type, listener); }
    };
    this.button.addEventListener("click", function () { self.start(); });
    if (page.provider === "aliyun") this.ensure();
  }

  Widget.prototype.passed = function (id, answer) {
    this.id = id;
    this.input.value = answer;
    this.button.hidden = true;
    this.status.textContent = "已通过人机验证，可以提交。";
  };

  Widget.prototype.failed = function (text) {
    this.status.textContent = text;
    this.button.hidden = false;
  };

  // Load the vendor's script ahead (Alibaba's widget binds itself to the button).
  Widget.prototype.ensure = function () {
    var self = this;
    var page = this.page;
    if (this.ready) return this.ready;
    this.ready = loadScript(page.script).then(function () {
      if (page.provider !== "aliyun") return;
      window.initAliyunCaptcha({
        SceneId: page.scene_id, prefix: page.prefix, mode: "popup", language: "cn",
        element: "#" + self.holder.id, button: "#" + self.button.id,
        success: function (param) { self.passed(param, "aliyun"); },
        fail: function () { self.failed("验证未通过，请再试一次。"); }
      });
    }, function () {
      self.ready = null;
      self.failed("人机验证组件无法载入，请检查网络后重试。");
      throw new Error("not loaded");
    });
    return this.ready;
  };

  Widget.prototype.start = function () {
    var self = this;
    if (this.page.provider !== "tencent") { this.ensure(); return; }
    this.ensure().then(function () {
      var captcha = new window.TencentCaptcha(self.page.app_id, function (result) {
        if (result.ret === 0 && result.ticket) self.passed(result.ticket, result.randstr);
        else self.failed("验证未完成，请再点一次“开始人机验证”。");
      }, {});
      captcha.show();
    }, function () {});
  };

  // Each token is used once, right or wrong: after a submission the person verifies again.
  Widget.prototype.load = function () {
    if (this.id === null && !this.input.value) return;  // nothing used yet
    this.id = null;
    this.input.value = "";
    this.button.hidden = false;
    this.status.textContent = "每次提交都需重新完成人机验证。";
  };

  window.awardHumanCheck = {
    pages: null,
    config: config,
    vendorFor: vendorFor,
    widget: function (container, page) { return new Widget(container, page); }
  };
})();
