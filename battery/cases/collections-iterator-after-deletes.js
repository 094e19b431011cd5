// Iterators that were live while their collection was mutated (entries deleted, cleared,
// rehashed) during setup; they must continue correctly after restore.
var m = new Map();
for (var i = 0; i < 10; i++) m.set("k" + i, i);
var it = m.keys();
it.next(); it.next();                   // at k2
for (var j = 0; j < 6; j++) m.delete("k" + j);
for (var k = 10; k < 40; k++) m.set("k" + k, k);   // forces a rehash with the iterator alive
var s = new Set([1, 2, 3]);
var sit = s.values();
sit.next();
s.clear();
s.add("after-clear");
function probe() {
  try {
    var rest = [];
    for (var r = it.next(); !r.done; r = it.next()) rest.push(r.value);
    var srest = [];
    for (var q = sit.next(); !q.done; q = sit.next()) srest.push(q.value);
    return [rest.join(","), srest.join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
