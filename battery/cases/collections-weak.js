// WeakMap/WeakSet with object keys (including a key reachable only through the WeakMap's value
// chain of another kept key).
var kept = { name: "kept" };
var chainHead = { name: "head" };
var wm = new WeakMap();
var ws = new WeakSet();
wm.set(kept, { payload: "P" });
wm.set(chainHead, { next: { name: "next" } });
wm.set(wm.get(chainHead).next, "reached-through-value");
ws.add(kept);
ws.add(chainHead);
(function () { var temp = {}; wm.set(temp, "temporary"); })();   // collectable
function probe() {
  try {
    var next = wm.get(chainHead).next;
    return [wm.get(kept).payload, String(wm.get(next)), String(ws.has(kept)), String(ws.has({})),
      String(wm.has(kept)), String(wm.delete(kept)), String(wm.has(kept)), Object.prototype.toString.call(wm)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
