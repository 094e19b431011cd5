// Rejected promises that were handled during setup (catch, then's second arg).
var log = [];
var r1 = Promise.reject(new TypeError("bad"));
r1.catch(function (e) { log.push("catch:" + e.name + ":" + e.message); });
var r2 = new Promise(function (_, rej) { rej("plain"); });
r2.then(null, function (e) { log.push("then2:" + e); });
var r3 = new Promise(function () { throw new RangeError("in-executor"); });
r3.catch(function (e) { log.push("exec:" + e.name); });
function probe() {
  try {
    var r = [log.join(",")];
    r3.catch(function () {});    // a second handler on an already-handled rejection
    r.push("attached-ok");
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
