// make-env: BATTERY_X=make BATTERY_ONLY_MAKE=present
// run-env: BATTERY_X=run
// process.env captured by reference in setup; after restore it must show the restoring
// process's environment, like a fresh run does.
var envRef = process.env;
var procRef = process;
function probe() {
  try {
    return [String(envRef.BATTERY_X), String(envRef.BATTERY_ONLY_MAKE), String("BATTERY_ONLY_MAKE" in envRef),
      String(envRef === process.env), String(procRef.env.BATTERY_X), typeof envRef].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
