// Frozen/sealed/non-extensible objects as WeakMap/WeakSet keys (frozen before and after use).
var k1 = Object.freeze({ id: 1 });
var k2 = { id: 2 };
var k3 = Object.preventExtensions({ id: 3 });
var wm = new WeakMap();
var ws = new WeakSet();
wm.set(k1, "one"); wm.set(k2, "two"); wm.set(k3, "three");
ws.add(k1); ws.add(k2);
Object.freeze(k2);          // frozen after it became a key
var fn = Object.freeze(function () {});
wm.set(fn, "fn");
function probe() {
  try {
    return [String(wm.get(k1)), String(wm.get(k2)), String(wm.get(k3)), String(wm.get(fn)), String(ws.has(k1)),
      String(ws.has(k2)), String(wm.has(Object.freeze({ id: 1 }))), String(Object.isFrozen(k2))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
