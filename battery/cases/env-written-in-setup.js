// make-env: BATTERY_W=make
// run-env: BATTERY_W=run
// Setup writes to process.env. A fresh run sees its own write; after restore, does the
// written value come back? (Judged against the fresh run.)
process.env.BATTERY_SET_IN_SETUP = "from-setup";
var envRef = process.env;
function probe() {
  try {
    return [String(envRef.BATTERY_SET_IN_SETUP), String(process.env.BATTERY_W), typeof envRef.BATTERY_SET_IN_SETUP].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
