// Sloppy-mode mapped arguments objects captured in closures: arguments[0] and the parameter alias.
function capture(a, b) {
  var args = arguments;
  return {
    setParam: function (v) { a = v; },
    setArg: function (v) { args[1] = v; },
    read: function () { return [a, b, args[0], args[1], args.length].join(","); }
  };
}
var cap = capture("x", "y");
cap.setParam("x2");
function strictCap(a) { "use strict"; var args = arguments; return function () { a = "changed"; return args[0]; }; }
var sc = strictCap("orig");
function probe() {
  try {
    var before = cap.read();
    cap.setArg("y2");
    return [before, cap.read(), sc()].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
