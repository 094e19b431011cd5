// Indirect eval runs in the global scope, ignoring the caller's locals.
var where = "global";
function f() {
  var where = "local";
  var indirect = (0, eval)("where");
  var direct = eval("where");
  (0, eval)("var createdByIndirect = 'yes'");
  return indirect + "," + direct;
}
var result = f();
var geval = eval;
function probe() {
  try {
    return [result, String(createdByIndirect), String(geval("typeof where")), String(geval("this === global"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
