// A setter/getter planted on Object.prototype for a common property name: any host code that
// writes `obj.value = ...` or reads `.length` on a plain object would trigger it.
var trips = [];
Object.defineProperty(Object.prototype, "batteryTrap", {
  get: function () { trips.push("get"); return "trap-get"; },
  set: function (v) { trips.push("set:" + v); },
  configurable: true, enumerable: false
});
var o = {};
o.batteryTrap = 1;
function probe() {
  try {
    var start = trips.join(",");
    var v = ({}).batteryTrap;
    return [start, v, String(o.hasOwnProperty("batteryTrap")), trips.join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
