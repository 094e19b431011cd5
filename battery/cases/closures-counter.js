// Counters whose state lives only in closures; two independent counters.
function makeCounter(start) { var n = start; return function () { return ++n; }; }
var c1 = makeCounter(0), c2 = makeCounter(100);
c1(); c1(); c2();
function probe() {
  try {
    return [c1(), c1(), c2(), String(c1 === c2)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
