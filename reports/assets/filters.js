(function () {
  "use strict";
  var KEYS = ["verdict", "section", "diff"];
  var DEFAULTS = { verdict: "all", section: "all", diff: document.body.dataset.diffDefault || "0" };
  function read() {
    var q = new URLSearchParams(location.search.replace(/^\?/, ""));
    var h = new URLSearchParams(location.hash.replace(/^#/, ""));
    var f = {}, given = false;
    KEYS.forEach(function (k) {
      var v = h.has(k) ? h.get(k) : q.get(k);
      if (v !== null && v !== "") { given = true; f[k] = v; } else { f[k] = DEFAULTS[k]; }
    });
    f.given = given;
    return f;
  }
  function matches(row, f) {
    if (f.section !== "all" && row.getAttribute("data-s") !== f.section) return false;
    if (f.diff === "1" && row.getAttribute("data-diff") !== "1") return false;
    if (f.verdict === "all") return true;
    var set = (row.getAttribute("data-v") || "").split(" ");
    if (f.verdict === "not-pass") return set.some(function (v) { return v && v !== "pass"; });
    return set.indexOf(f.verdict) >= 0;
  }
  function apply(f) {
    KEYS.forEach(function (k) {  // a value no control offers falls back to the default
      var el = document.getElementById("f-" + k);
      if (!el || el.tagName !== "SELECT") return;
      el.value = f[k];
      if (el.value !== f[k]) { f[k] = DEFAULTS[k]; el.value = f[k]; }
    });
    var rows = document.querySelectorAll("tr[data-v]"), shown = 0;
    rows.forEach(function (r) { var ok = matches(r, f); r.hidden = !ok; if (ok) shown++; });
    document.querySelectorAll("tr[data-subhead]").forEach(function (h) {
      var any = false;
      for (var n = h.nextElementSibling; n && !n.hasAttribute("data-subhead"); n = n.nextElementSibling)
        if (!n.hidden) { any = true; break; }
      h.hidden = !any;
    });
    var narrowed = f.verdict !== "all" || f.section !== "all" || f.diff === "1";
    document.querySelectorAll("details[data-section]").forEach(function (d) {
      var any = d.querySelector("tr[data-v]:not([hidden])") !== null;
      d.hidden = !any;
      if (narrowed && any) d.open = true;
    });
    KEYS.forEach(function (k) {
      var el = document.getElementById("f-" + k);
      if (!el) return;
      if (el.type === "checkbox") el.checked = f[k] === "1";
    });
    var c = document.getElementById("f-count");
    if (c) c.textContent = shown + " of " + rows.length + " cases shown";
    document.body.setAttribute("data-filter", "verdict=" + f.verdict + " section=" + f.section + " diff=" + f.diff);
  }
  function write(f) {
    var p = new URLSearchParams();
    KEYS.forEach(function (k) { p.set(k, f[k]); });
    var url = "#" + p.toString();
    try { history.replaceState(null, "", url); } catch (e) { location.replace(url); }
  }
  function fromControls() {
    var f = read();
    KEYS.forEach(function (k) {
      var el = document.getElementById("f-" + k);
      if (!el) return;
      f[k] = el.type === "checkbox" ? (el.checked ? "1" : "0") : el.value;
    });
    return f;
  }
  KEYS.forEach(function (k) {
    var el = document.getElementById("f-" + k);
    if (el) el.addEventListener("change", function () { var f = fromControls(); write(f); apply(f); });
  });
  window.addEventListener("hashchange", function () { var f = read(); if (f.given) apply(f); });
  apply(read());
})();
