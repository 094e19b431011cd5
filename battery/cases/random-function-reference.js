// expect: differ
// Math.random kept by reference after draining more than an engine's random cache in setup.
var rnd = Math.random;
var sink = 0;
for (var i = 0; i < 200; i++) sink += rnd();
function probe() {
  try {
    return [rnd(), rnd(), rnd(), Math.random()].join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
