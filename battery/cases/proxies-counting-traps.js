// Traps that count their calls. Any extra trap call made by the host between setup and
// probe (for example while walking the heap around capture) shows up in the counts.
var counts = { get: 0, has: 0, ownKeys: 0, getOwnPropertyDescriptor: 0, set: 0, getPrototypeOf: 0 };
var p = new Proxy({ x: 1, y: 2 }, {
  get: function (t, k, r) { counts.get++; return Reflect.get(t, k, r); },
  has: function (t, k) { counts.has++; return Reflect.has(t, k); },
  ownKeys: function (t) { counts.ownKeys++; return Reflect.ownKeys(t); },
  getOwnPropertyDescriptor: function (t, k) { counts.getOwnPropertyDescriptor++; return Reflect.getOwnPropertyDescriptor(t, k); },
  set: function (t, k, v, r) { counts.set++; return Reflect.set(t, k, v, r); },
  getPrototypeOf: function (t) { counts.getPrototypeOf++; return Reflect.getPrototypeOf(t); }
});
p.z = 3;
var seenInSetup = p.x + ("y" in p ? 1 : 0);
function snap() { return Object.keys(counts).map(function (k) { return k + "=" + counts[k]; }).join(","); }
function probe() {
  try {
    var atStart = snap();
    var v = p.y + p.z;
    var ks = Object.keys(p).join(",");
    return [atStart, String(v), ks, snap(), String(seenInSetup)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
