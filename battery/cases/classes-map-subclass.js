// A subclass of Map with an overridden set and a counter.
class CountingMap extends Map {
  constructor(entries) { super(entries); this.sets = this.sets || 0; }
  set(k, v) { this.sets = (this.sets || 0) + 1; return super.set(k, v); }
  keyList() { return Array.from(this.keys()).join(","); }
}
var cm = new CountingMap([["a", 1], ["b", 2]]);
cm.set("c", 3);
cm.delete("a");
function probe() {
  try {
    cm.set("d", 4);
    return [cm.keyList(), String(cm.size), String(cm.sets), String(cm.get("c")), String(cm instanceof Map),
      String(Object.getPrototypeOf(cm) === CountingMap.prototype), Object.prototype.toString.call(cm)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
