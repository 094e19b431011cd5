// Error.captureStackTrace (V8 API), if present: on a plain object, with a constructorOpt
// that hides frames above it.
var has = typeof Error.captureStackTrace === "function";
var holder = {};
function hideMe() { var o = {}; Error.captureStackTrace(o, hideMe); return o; }
function visible() { return hideMe(); }
var captured = null;
if (has) { Error.captureStackTrace(holder); captured = visible(); }
// Only the first n lines: frames below the setup's top level belong to the host.
function norm(s, n) {
  return String(s).split("\n").slice(0, n).map(function (l) { return l.replace(/[^\s()@]*[\/\\]/g, ""); }).join(" // ");
}
function probe() {
  try {
    if (!has) return "no captureStackTrace";
    var d = Object.getOwnPropertyDescriptor(holder, "stack");
    return [typeof holder.stack, norm(holder.stack, 2), norm(captured.stack, 3), String(/hideMe/.test(captured.stack)),
      d ? String(d.enumerable) + "," + ("value" in d ? "data" : "accessor") : "no-desc"].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
