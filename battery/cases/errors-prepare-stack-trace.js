// Error.prepareStackTrace (a V8 hook) installed in setup; errors created in the probe are
// formatted by it after restore. Only function names are printed.
var calls = 0;
Error.prepareStackTrace = function (err, frames) {
  calls++;
  return "custom:" + err.message + ":" + (Array.isArray(frames) ? frames.slice(0, 2).map(function (f) {
    return typeof f.getFunctionName === "function" ? String(f.getFunctionName()) : "?";
  }).join(">") : typeof frames);
};
function makeIt() { return new Error("m"); }
// Engines without the hook format the stack themselves: drop directories, keep two lines.
function norm(st) {
  return String(st).split("\n").slice(0, 2).map(function (l) { return l.replace(/[^\s()@]*[\/\\]/g, ""); }).join(" // ");
}
var early = makeIt();
function probe() {
  try {
    var late = makeIt();
    return [norm(early.stack), norm(late.stack), typeof Error.prepareStackTrace].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
