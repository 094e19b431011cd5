// Async functions that awaited several already-resolved promises during setup (all settled).
var log = [];
async function step(n) { await null; log.push("step" + n); return n; }
async function run() {
  var total = 0;
  for (var i = 1; i <= 3; i++) total += await step(i);
  log.push("total" + total);
  try { await Promise.reject(new Error("rej")); } catch (e) { log.push("caught:" + e.message); }
  return total;
}
var result;
run().then(function (v) { result = v; });
function probe() {
  try {
    return [log.join(","), String(result)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
