// A promise rejected during setup with no handler ever attached (an unhandled rejection), and
// one that got its handler only later, in a separate microtask turn.
var log = [];
var lonely = Promise.reject(new Error("nobody listens"));
var lateHandled = Promise.reject(new Error("late"));
Promise.resolve().then(function () { return null; }).then(function () {
  lateHandled.catch(function (e) { log.push("late-caught:" + e.message); });
});
function probe() {
  try {
    return [log.join(",") || "none", String(lonely instanceof Promise)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
