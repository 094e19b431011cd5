// Functions created inside a `with` block keep the object environment in their scope chain.
var scopeObj = { x: 1, label: "obj" };
var getX, setX, declaredInWith;
with (scopeObj) {
  getX = function () { return x + ":" + label; };
  setX = function (v) { x = v; };
  var label2 = label + "-var";   // var hoists to the global scope, value read through `with`
}
scopeObj.x = 2;
function probe() {
  try {
    var before = getX();
    setX(10);
    var r = [before, getX(), String(scopeObj.x), String(label2)];
    delete scopeObj.x;
    var G = (function () { return this; })();
    r.push((function () { try { return getX(); } catch (e) { return e.name; } })());
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
