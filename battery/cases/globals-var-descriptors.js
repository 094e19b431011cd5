// Descriptors of var/function globals (non-configurable) vs assigned globals (configurable).
var G = (function () { return this; })();
var declared = 1;
function declaredFn() {}
implicitGlobal = 2;
G.explicitProp = 3;
function desc(name) {
  var d = Object.getOwnPropertyDescriptor(G, name);
  if (!d) return name + ":none";
  return name + ":" + (typeof d.value) + ":" + (d.writable ? "W" : "w") + (d.enumerable ? "E" : "e") + (d.configurable ? "C" : "c");
}
function probe() {
  try {
    return [desc("declared"), desc("declaredFn"), desc("implicitGlobal"), desc("explicitProp"), desc("probe"),
      desc("undefined"), desc("NaN"), desc("Object"), String(delete G.declared), String(delete G.implicitGlobal)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
