// Symbol.for registry: the symbol kept in setup must be the one the registry returns after restore.
var s = Symbol.for("battery.registry.key");
var viaKey = Symbol.keyFor(s);
var obj = {};
obj[s] = "through-registry";
function probe() {
  try {
    var again = Symbol.for("battery.registry.key");
    return [String(again === s), String(Symbol.keyFor(s)), String(viaKey), String(obj[again]),
      String(s.toString())].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
