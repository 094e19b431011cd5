// An async function suspended at an await on a promise that is still pending at capture.
// The probe resolves it; the continuation runs after probe (recorded only).
var log = [];
var release;
var gate = new Promise(function (res) { release = res; });
async function worker() {
  log.push("start");
  var v = await gate;
  log.push("resumed:" + v);
  return v + "!";
}
var running = worker();
running.then(function (v) { log.push("done:" + v); });
async function already() { await null; log.push("already"); return 1; }
already();
function probe() {
  try {
    var before = log.join(",");
    release("go");
    return [before, "resolved-call-ok", String(running instanceof Promise)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
