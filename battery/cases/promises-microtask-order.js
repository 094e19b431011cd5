// Interleaving of queueMicrotask, promise reactions and async functions during setup's drain.
var log = [];
queueMicrotask(function () { log.push("qm1"); });
Promise.resolve().then(function () { log.push("p1"); queueMicrotask(function () { log.push("qm-nested"); }); });
(async function () { log.push("async-sync-part"); await undefined; log.push("async-after-await"); })();
queueMicrotask(function () { log.push("qm2"); });
Promise.resolve().then(function () { log.push("p2"); }).then(function () { log.push("p2b"); });
log.push("sync-end");
function probe() {
  try { return log.join(","); } catch (e) { return "threw " + e.name + ": " + e.message; }
}
