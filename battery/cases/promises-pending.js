// Promises still pending at capture, with reactions attached; the probe resolves/rejects them.
var log = [];
var resA, rejB;
var a = new Promise(function (res) { resA = res; });
var b = new Promise(function (_, rej) { rejB = rej; });
a.then(function (v) { log.push("a:" + v); });
b.catch(function (e) { log.push("b:" + e); });
var dependsOnA = a.then(function (v) { return v + 1; });
function probe() {
  try {
    var before = log.join(",") || "none";
    resA(41);
    rejB("no");
    resA("ignored-second-resolve");
    return [before, "resolved-call-ok", String(dependsOnA instanceof Promise)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
