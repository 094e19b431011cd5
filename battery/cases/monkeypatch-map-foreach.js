// Map.prototype.forEach and Set.prototype.forEach replaced; the originals are kept privately.
var realMapForEach = Map.prototype.forEach;
var hits = 0;
Map.prototype.forEach = function (fn) { hits++; realMapForEach.call(this, function (v, k, m) { fn("P" + v, k, m); }); };
Set.prototype.forEach = function () { return "set-forEach-disabled"; };
var m = new Map([["a", 1], ["b", 2]]);
function probe() {
  try {
    var seen = [];
    m.forEach(function (v, k) { seen.push(k + "=" + v); });
    return [seen.join(","), String(hits), String(new Set([1]).forEach(function () {})),
      String(Map.prototype.forEach === realMapForEach)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
