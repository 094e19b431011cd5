// Array.prototype.map and forEach replaced (the probe avoids them except to show the patch).
var origMap = Array.prototype.map, origForEach = Array.prototype.forEach;
var mapCalls = 0;
Array.prototype.map = function (fn, thisArg) {
  mapCalls++;
  var out = [];
  for (var i = 0; i < this.length; i++) out.push("m" + fn.call(thisArg, this[i], i, this));
  return out;
};
Array.prototype.forEach = function () { throw new Error("forEach disabled"); };
function probe() {
  try {
    var r = [[1, 2].map(function (x) { return x * 2; }).join(","), String(mapCalls)];
    try { [1].forEach(function () {}); r.push("no-throw"); } catch (e) { r.push(e.message); }
    r.push(String(Array.prototype.map === origMap), String(origMap.call([3], function (x) { return x; })));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
