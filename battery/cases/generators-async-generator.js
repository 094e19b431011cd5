// MODERN SYNTAX (ES2018): an async generator paused at a yield, and for-await during setup.
var log = [];
async function* ticker() {
  for (var i = 0; i < 3; i++) { yield i; log.push("after" + i); }
}
var ag = ticker();
ag.next().then(function (r) { log.push("first:" + r.value); });
(async function () { for await (var v of ticker()) log.push("fa" + v); })();
function probe() {
  try {
    var before = log.join(",");
    var p = ag.next();
    return [before, String(p instanceof Promise), Object.prototype.toString.call(ag)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
