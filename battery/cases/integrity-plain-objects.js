// preventExtensions / seal / freeze on plain objects.
var pe = { a: 1 }, se = { a: 1 }, fr = { a: 1, nested: { b: 1 } };
Object.preventExtensions(pe);
Object.seal(se);
Object.freeze(fr);
function strictSet(o, k, v) { "use strict"; try { o[k] = v; return "ok"; } catch (e) { return e.name; } }
function strictDel(o, k) { "use strict"; try { delete o[k]; return "ok"; } catch (e) { return e.name; } }
function state(o) { return [Object.isExtensible(o), Object.isSealed(o), Object.isFrozen(o)].map(Number).join(""); }
function probe() {
  try {
    return [state(pe), state(se), state(fr), state(fr.nested),
      strictSet(pe, "new", 1), strictSet(pe, "a", 2), strictDel(pe, "a"),
      strictSet(se, "new", 1), strictSet(se, "a", 3), strictDel(se, "a"),
      strictSet(fr, "a", 4), strictSet(fr.nested, "b", 5), JSON.stringify([pe, se, fr])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
