/* Checking a receipt's place in the ballot log, in the browser (RFC 9162, C2SP checkpoints).
 *
 * From the proof the service returns with a receipt: hash the leaf (SHA-256 of 0x00 and the
 * leaf's text), walk the audit path to a root (RFC 9162 section 2.1.3.2), and compare it with
 * the root in the signed checkpoint; then check the checkpoint's Ed25519 signature against the
 * published key (Web Crypto, or the vendored TweetNaCl where the browser lacks Ed25519).
 * window.szmqaBallotLog.verify(log, digest, publishedKey) resolves to {ok, text}, in Chinese;
 * publishedKey is the site's ballot-log/key.txt (when the site has one), which must match.
 */
(function () {
  "use strict";

  var encoder = new TextEncoder();
  var VENDOR = "vendor/tweetnacl/nacl.min.js";

  function bytesOf(base64) {
    var raw = atob(base64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function join(parts) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var out = new Uint8Array(length);
    var at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  function same(a, b) {
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) { return new Uint8Array(d); });
  }

  function rootFromProof(index, size, hash, proof) {
    if (index >= size) return Promise.reject(new Error("编号超出检查点的记录数"));
    var fn = index, sn = size - 1, chain = Promise.resolve(hash);
    for (var i = 0; i < proof.length; i++) {
      (function (p) {
        if (sn === 0) { chain = Promise.reject(new Error("证明过长")); return; }
        if (fn % 2 === 1 || fn === sn) {
          chain = chain.then(function (r) { return sha256(join([[1], p, r])); });
          while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
        } else {
          chain = chain.then(function (r) { return sha256(join([[1], r, p])); });
        }
        fn >>= 1; sn >>= 1;
      })(proof[i]);
    }
    if (sn !== 0) return Promise.reject(new Error("证明过短"));
    return chain;
  }

  function parseKey(vkey) {
    var first = vkey.indexOf("+"), second = vkey.indexOf("+", first + 1);
    var raw = bytesOf(vkey.slice(second + 1));
    if (first < 1 || second < 0 || raw.length !== 33 || raw[0] !== 1) throw new Error("公钥格式不正确");
    return { name: vkey.slice(0, first), id: vkey.slice(first + 1, second), pub: raw.slice(1) };
  }

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function parseNote(note, key) {
    var cut = note.lastIndexOf("\n\n");
    if (cut < 0) throw new Error("检查点格式不正确");
    var text = note.slice(0, cut + 1);
    var lines = text.slice(0, -1).split("\n");
    var signature = null;
    note.slice(cut + 2).split("\n").forEach(function (line) {
      var prefix = "\u2014 " + key.name + " ";
      if (line.indexOf(prefix) !== 0) return;
      var blob = bytesOf(line.slice(prefix.length));
      if (hex(blob.slice(0, 4)) === key.id) signature = blob.slice(4);
    });
    if (!signature) throw new Error("检查点没有公布的密钥的签名");
    return { text: text, size: parseInt(lines[1], 10), root: bytesOf(lines[2]), signature: signature };
  }

  var vendorLoading = null;
  function vendorVerify(pub, signature, message) {
    if (!vendorLoading) {
      vendorLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        var self = document.querySelector("script[src$='ballot-log.js']");
        script.src = self.src.replace(/ballot-log\.js.*$/, VENDOR);
        script.onload = function () { resolve(window.nacl); };
        script.onerror = function () { reject(new Error("未能载入签名校验程序")); };
        document.head.appendChild(script);
      });
    }
    return vendorLoading.then(function (nacl) {
      return { valid: nacl.sign.detached.verify(message, signature, pub), how: "浏览器内置程序" };
    });
  }

  function verifySignature(pub, signature, message) {
    return crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"])
      .then(function (key) {
        return crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
      })
      .then(function (valid) { return { valid: valid, how: "Web Crypto" }; },
        function () { return vendorVerify(pub, signature, message); });
  }

  function verify(log, digest, publishedKey) {
    var key, checkpoint, leaf;
    var published = (publishedKey || "").trim();
    if (published && published !== log.verifier_key) {
      return Promise.resolve({ ok: false, text: "浏览器核对未通过：投票服务签署检查点所用的公钥与网站公布的公钥不同。请保存本页截图并联系秘书处。" });
    }
    var source = published ? "与网站公布的公钥一致" : "公钥取自投票服务，可与网站公布的 ballot-log/key.txt 比对";
    try {
      key = parseKey(log.verifier_key);
      checkpoint = parseNote(log.checkpoint.note, key);
      leaf = JSON.parse(log.leaf);
    } catch (error) {
      return Promise.resolve({ ok: false, text: "浏览器核对未通过：" + error.message + "。" });
    }
    if (leaf.receipt !== digest || leaf.index !== log.leaf_index) {
      return Promise.resolve({ ok: false, text: "浏览器核对未通过：日志记录中的回执摘要或编号与这张选票不符。" });
    }
    var proof = log.proof.map(bytesOf);
    return sha256(join([[0], encoder.encode(log.leaf)]))
      .then(function (hash) { return rootFromProof(log.leaf_index, checkpoint.size, hash, proof); })
      .then(function (root) {
        if (!same(root, checkpoint.root)) {
          throw new Error("由这条记录和证明算出的根哈希与签名检查点不符，记录或日志可能被改动");
        }
        return verifySignature(key.pub, checkpoint.signature, encoder.encode(checkpoint.text));
      })
      .then(function (signed) {
        if (!signed.valid) throw new Error("检查点的签名无效");
        return {
          ok: true,
          text: "浏览器核对通过：这张选票是投票日志的第 " + log.leaf_index + " 条记录，包含在共 " +
            checkpoint.size + " 条记录的签名检查点中，检查点签名有效（Ed25519，" + signed.how +
            "；" + source + "：" + log.verifier_key + "）。"
        };
      })
      .catch(function (error) {
        return { ok: false, text: "浏览器核对未通过：" + error.message + "。请保存本页截图并联系秘书处。" };
      });
  }

  window.szmqaBallotLog = { verify: verify };
})();
