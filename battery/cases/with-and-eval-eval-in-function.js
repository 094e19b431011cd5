// Direct eval inside a function adds vars to that function's scope; closures see them.
function host(code) {
  eval(code);
  return function (name) { return eval(name); };
}
var reader = host("var hidden = 'in-function-scope'; var n = 41; n++;");
var strictHost = function () { "use strict"; eval("var strictOnly = 1"); return typeof strictOnly; };
function probe() {
  try {
    return [reader("hidden"), String(reader("n")), String(reader("typeof reader")), strictHost(),
      typeof hidden].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
