// Insertion order after deletes and re-inserts; clear() then reuse.
var m = new Map([["a", 1], ["b", 2], ["c", 3], ["d", 4]]);
m.delete("b");
m.set("b", 22);
m.set("a", 11);          // update keeps position
m.delete("c");
var s = new Set([5, 4, 3, 2, 1]);
s.delete(3); s.add(3); s.delete(5);
var cleared = new Map([["x", 1]]);
cleared.clear();
cleared.set("y", 2);
function probe() {
  try {
    var mk = []; m.forEach(function (v, k) { mk.push(k + "=" + v); });
    return [mk.join(","), Array.from(s).join(","), Array.from(cleared.keys()).join(","), String(cleared.size),
      Array.from(m.values()).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
