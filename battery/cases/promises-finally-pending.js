// finally() attached to a promise still pending at capture.
var log = [];
var settle;
var p = new Promise(function (res) { settle = res; });
var f = p.finally(function () { log.push("finally-ran"); });
f.then(function (v) { log.push("after:" + v); });
function probe() {
  try {
    var before = log.join(",") || "none";
    settle("value");
    return [before, "resolved-call-ok", String(f !== p)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
