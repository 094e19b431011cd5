// A then/catch/finally chain that fully ran during setup, recorded step by step.
var log = [];
Promise.resolve(1)
  .then(function (v) { log.push("t1:" + v); return v + 1; })
  .then(function (v) { log.push("t2:" + v); throw new Error("e" + v); })
  .catch(function (e) { log.push("c:" + e.message); return "recovered"; })
  .finally(function () { log.push("f"); return "ignored"; })
  .then(function (v) { log.push("t3:" + v); });
queueMicrotask(function () { log.push("qm"); });
function probe() {
  try { return log.join(","); } catch (e) { return "threw " + e.name + ": " + e.message; }
}
