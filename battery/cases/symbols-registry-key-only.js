// A registered symbol reachable only as a property key (no variable holds it), plus a plain
// Symbol with the same description that must NOT be the registered one.
var obj = {};
obj[Symbol.for("battery.only.as.key")] = 5;
var lookalike = Symbol("battery.lookalike");
function probe() {
  try {
    var ks = Object.getOwnPropertySymbols(obj);
    return [String(obj[Symbol.for("battery.only.as.key")]), String(ks.length),
      String(ks[0] === Symbol.for("battery.only.as.key")), String(Symbol.keyFor(ks[0])),
      String(Symbol.keyFor(lookalike)), String(Symbol.for("battery.lookalike") === lookalike)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
