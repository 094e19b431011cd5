// Error.stackTraceLimit = 50 set in setup; a 100-deep recursion in the probe then shows exactly
// as many frames as the limit allows (only recursion frames, so the caller does not matter).
Error.stackTraceLimit = 50;
var limitDesc = JSON.stringify(Object.getOwnPropertyDescriptor(Error, "stackTraceLimit"));
function recurse(n) { return n === 0 ? new Error("deep") : recurse(n - 1); }
function probe() {
  try {
    var e = recurse(100);
    var frames = String(e.stack).split("\n").filter(function (l) { return /recurse/.test(l); }).length;
    return [String(Error.stackTraceLimit), limitDesc, String(frames)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
