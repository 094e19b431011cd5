// Properties defined on the global object with explicit attributes, including an accessor
// that bare identifier references go through.
var G = (function () { return this; })();
var reads = 0;
Object.defineProperty(G, "readOnlyGlobal", { value: "ro", writable: false, enumerable: false, configurable: false });
Object.defineProperty(G, "counted", { get: function () { return ++reads; }, configurable: true });
Object.defineProperty(G, "hiddenGlobal", { value: "h", writable: true, enumerable: false, configurable: true });
readOnlyGlobal = "changed";   // ignored (sloppy)
function probe() {
  try {
    var before = reads;
    var a = counted, b = counted;
    return [readOnlyGlobal, String(before), String(a) + "," + String(b), hiddenGlobal,
      String(Object.keys(G).indexOf("hiddenGlobal")), JSON.stringify(Object.getOwnPropertyDescriptor(G, "readOnlyGlobal"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
