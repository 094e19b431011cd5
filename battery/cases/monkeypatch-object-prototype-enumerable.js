// Object.prototype polluted with enumerable properties (for-in over any object sees them).
Object.prototype.polluted = "yes";
Object.prototype.pollutedFn = function () { return "pf"; };
var clean = { own: 1 };
var nullProto = Object.create(null);
nullProto.own = 1;
function probe() {
  try {
    var k1 = [], k2 = [];
    for (var k in clean) k1.push(k);
    for (var j in nullProto) k2.push(j);
    return [k1.join(","), k2.join(","), String(({}).polluted), String([].polluted), Object.keys(clean).join(","),
      String("polluted" in nullProto), String(clean.pollutedFn())].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
