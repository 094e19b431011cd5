// A map.entries() iterator advanced once in setup; the probe continues it, then the map grows.
var m = new Map([["a", 1], ["b", 2], ["c", 3]]);
var it = m.entries();
var first = it.next();
m.set("d", 4);        // added after the iterator was created: must still be visited
function probe() {
  try {
    var rest = [];
    var r = it.next();
    while (!r.done) { rest.push(r.value.join("=")); if (r.value[0] === "b") m.set("e", 5); r = it.next(); }
    return [JSON.stringify(first), rest.join(","), JSON.stringify(it.next()), Object.prototype.toString.call(it)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
