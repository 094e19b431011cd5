// Object.freeze on the global object. Every var is assigned before the freeze (assignments
// after it fail silently in sloppy mode). The host must still be able to run and restore.
var G = (function () { return this; })();
var counter = 0;
var isFrozenAfter = false;
function bump() { counter++; return counter; }
bump();
Object.freeze(G);
isFrozenAfter = true;    // ignored: the binding is frozen
function probe() {
  try {
    var r = [String(Object.isFrozen(G)), String(counter), String(isFrozenAfter), String(bump()), String(counter)];
    try { (function () { "use strict"; G.newGlobal = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    r.push(typeof G.newGlobal, typeof Object.getOwnPropertyDescriptor(G, "probe").value);
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
