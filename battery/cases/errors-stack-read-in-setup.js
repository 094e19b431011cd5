// An Error whose .stack was read (and so formatted) in setup; the probe reads it again and also
// reads the stack of an error thrown and caught in setup.
function a() { return new RangeError("eager"); }
var err = a();
var firstRead = err.stack;
var thrown;
try { null.boom; } catch (e) { thrown = e; }
var thrownStack = thrown.stack;
// Only the first n lines: frames below the setup's top level belong to the host.
function norm(s, n) {
  return String(s).split("\n").slice(0, n).map(function (l) { return l.replace(/[^\s()@]*[\/\\]/g, ""); }).join(" // ");
}
function probe() {
  try {
    return [String(err.stack === firstRead), norm(err.stack, 3), norm(thrown.stack, 2), String(thrownStack === thrown.stack),
      thrown.name].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
