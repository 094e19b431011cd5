// Maps and Sets keyed by objects, functions and arrays (identity hashing must survive restore).
var k1 = {}, k2 = function () {}, k3 = [1], k4 = Object.create(null);
var m = new Map([[k1, "obj"], [k2, "fn"], [k3, "arr"], [k4, "nullproto"]]);
var s = new Set([k3, k1]);
for (var i = 0; i < 200; i++) m.set({ i: i }, i);   // grow past several rehashes
function probe() {
  try {
    return [String(m.get(k1)), String(m.get(k2)), String(m.get(k3)), String(m.get(k4)), String(m.get({})),
      String(s.has(k1)), String(s.has([1])), String(m.size), String(m.has(k2)), String(m.delete(k1)), String(m.has(k1))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
