// make-env: BATTERY_Y=make
// run-env: BATTERY_Y=run
// Setup never touches process.env; the probe reads it through the global `process`.
var untouched = typeof process;
function probe() {
  try {
    return [untouched, String(process.env.BATTERY_Y), String(Object.prototype.hasOwnProperty.call(process.env, "BATTERY_Y"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
