// Keeping a one-time secret (a vote receipt, an objection's case number and key): copy it, save
// it as a text file, and ask before the page is left while it is not yet kept.
(function () {
  "use strict";
  var unkept = 0;

  function guard(event) {
    event.preventDefault();
    event.returnValue = "";
    return "";
  }

  window.awardKeep = {
    // Copy text to the clipboard; say in status whether it worked.
    copy: function (text, status, what) {
      var failed = function () { status.textContent = "无法自动复制，请手动抄下" + what + "。"; };
      if (!(navigator.clipboard && navigator.clipboard.writeText)) { failed(); return Promise.resolve(false); }
      return navigator.clipboard.writeText(text).then(function () {
        status.textContent = "已复制" + what + "。";
        return true;
      }, function () { failed(); return false; });
    },
    // Save text as a UTF-8 text file with the given name.
    save: function (name, text, status, what) {
      var url = URL.createObjectURL(new Blob(["\ufeff" + text], { type: "text/plain;charset=utf-8" }));
      var link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      status.textContent = "已保存" + what + "文件“" + name + "”。";
    },
    // Ask before leaving or reloading the page until release() is called.
    hold: function () {
      unkept += 1;
      if (unkept === 1) window.addEventListener("beforeunload", guard);
      var released = false;
      return function release() {
        if (released) return;
        released = true;
        unkept -= 1;
        if (unkept === 0) window.removeEventListener("beforeunload", guard);
      };
    }
  };
})();
