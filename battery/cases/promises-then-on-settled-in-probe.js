// Promises settled during setup; the probe attaches new handlers and reports that attaching
// worked and which promises are which (their results are recorded after probe).
var log = [];
var fulfilled = Promise.resolve("F");
var rejected = Promise.reject("R");
rejected.catch(function () {});
var chained = fulfilled.then(function (v) { return v + "2"; });
chained.then(function (v) { log.push(v); });
function probe() {
  try {
    var before = log.join(",");
    fulfilled.then(function (v) { log.push("probe-f:" + v); });
    rejected.then(null, function (e) { log.push("probe-r:" + e); });
    return [before, "attached-ok", String(chained !== fulfilled)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
