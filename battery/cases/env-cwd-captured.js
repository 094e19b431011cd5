// process.cwd() captured in setup vs called in the probe.
var cwd = process.cwd();
var cwdFn = process.cwd;
function probe() {
  try {
    return [typeof cwd, String(cwd === process.cwd()), String(cwd === cwdFn.call(process)), typeof process.platform].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
