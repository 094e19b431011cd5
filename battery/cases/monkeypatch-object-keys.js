// Object.keys replaced with a version that sorts and hides underscore keys.
var realKeys = Object.keys;
Object.keys = function (o) {
  var k = realKeys(o).filter(function (x) { return x.charAt(0) !== "_"; });
  k.sort();
  return k;
};
var o = { b: 1, _hidden: 2, a: 3 };
function probe() {
  try {
    return [Object.keys(o).join(","), realKeys(o).join(","), String(Object.keys === realKeys),
      Object.keys.toString().length > 0 ? "has-source" : "no-source"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
