// A setInterval pending at capture that clears itself after three ticks.
var ticks = 0;
var iv = setInterval(function () { ticks++; if (ticks >= 3) clearInterval(iv); }, 5);
function probe() {
  try { return [String(ticks), typeof iv].join("|"); } catch (e) { return "threw " + e.name + ": " + e.message; }
}
