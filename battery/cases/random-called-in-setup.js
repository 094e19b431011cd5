// expect: differ
// Math.random called in setup; after restore, each process must draw a new sequence
// (a restored heap must not replay the same "random" numbers every time).
var setupDraws = [];
for (var i = 0; i < 10; i++) setupDraws.push(Math.random());
function probe() {
  try {
    var out = [];
    for (var i = 0; i < 4; i++) out.push(Math.random());
    return out.join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
