// Sloppy direct eval at top level creates configurable (deletable) global vars and functions.
var G = (function () { return this; })();
eval("var evalVar = 'from-eval'; function evalFn() { return evalVar + '!'; }");
var normalVar = "normal";
function probe() {
  try {
    var d1 = Object.getOwnPropertyDescriptor(G, "evalVar");
    var d2 = Object.getOwnPropertyDescriptor(G, "normalVar");
    var r = [evalFn(), JSON.stringify(d1), JSON.stringify(d2), typeof Object.getOwnPropertyDescriptor(G, "evalFn").value,
      String(delete G.normalVar)];
    r.push(String(delete G.evalVar), typeof G.evalVar);
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
