// A timeout and an interval cleared during setup never run.
var ran = [];
var t = setTimeout(function () { ran.push("timeout"); }, 1);
clearTimeout(t);
var iv = setInterval(function () { ran.push("interval"); }, 1);
clearInterval(iv);
clearTimeout(12345678);   // clearing an unknown id is harmless
function probe() {
  try { return [ran.join(",") || "none", typeof t, typeof iv].join("|"); } catch (e) { return "threw " + e.name + ": " + e.message; }
}
