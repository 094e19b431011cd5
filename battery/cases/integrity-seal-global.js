// Object.seal on the global object: existing globals stay writable, no new globals can appear.
var G = (function () { return this; })();
var mutable = 1;
Object.seal(G);
mutable = 2;
G.notAdded = 1;   // ignored
function probe() {
  try {
    var r = [String(Object.isSealed(G)), String(Object.isFrozen(G)), String(mutable), typeof G.notAdded];
    mutable = 3;
    r.push(String(mutable));
    try { (function () { "use strict"; G.another = 1; })(); r.push("no-throw"); } catch (e) { r.push(e.name); }
    r.push(String(delete G.mutable));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
