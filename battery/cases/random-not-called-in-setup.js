// expect: differ
// Setup never calls Math.random; the probe's draws must differ between processes.
var nothing = 1;
function probe() {
  try {
    var out = [];
    for (var i = 0; i < 4; i++) out.push(Math.random());
    return out.join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
