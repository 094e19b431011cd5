// An Error created in setup whose .stack is first read in the probe (engines may format the
// stack lazily from frames captured at creation). Directory parts of paths are dropped.
function inner() { return new Error("lazy"); }
function outer() { return inner(); }
var err = outer();
// Only the first n lines: frames below the setup's top level belong to the host.
function norm(s, n) {
  return String(s).split("\n").slice(0, n).map(function (l) { return l.replace(/[^\s()@]*[\/\\]/g, ""); }).join(" // ");
}
function probe() {
  try {
    return [typeof err.stack, norm(err.stack, 4), String(err.stack === err.stack)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
