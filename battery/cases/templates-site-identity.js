// Tagged template call-site identity: the same site yields the same frozen strings array,
// before and after restore.
function tag(strings) { return strings; }
function site() { return tag`a${1}b${2}c`; }
var first = site();
var second = site();
function probe() {
  try {
    var again = site();
    return [String(first === second), String(again === first), String(Object.isFrozen(first)),
      String(Object.isFrozen(first.raw)), first.join(","), String(first.length), String(Array.isArray(first))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
