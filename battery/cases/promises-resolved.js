// Promises resolved during setup, with handlers that ran during the microtask drain.
var log = [];
var p1 = Promise.resolve(1);
var p2 = new Promise(function (res) { res({ v: 2 }); });
p1.then(function (v) { log.push("p1:" + v); });
p2.then(function (v) { log.push("p2:" + v.v); });
var same = Promise.resolve(p1);
function probe() {
  try {
    var r = [log.join(","), String(same === p1), String(p1 instanceof Promise), Object.prototype.toString.call(p2)];
    p1.then(function (v) { log.push("late:" + v); });   // runs after probe
    r.push("attached-ok");
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
