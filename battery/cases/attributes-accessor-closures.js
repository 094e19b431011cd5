// Accessors whose get/set close over private state; the state lives only in the closure.
var temp = (function () {
  var celsius = 20, writes = 0;
  var o = {};
  Object.defineProperty(o, "f", {
    get: function () { return celsius * 9 / 5 + 32; },
    set: function (v) { writes++; celsius = (v - 32) * 5 / 9; },
    enumerable: true, configurable: true
  });
  Object.defineProperty(o, "writes", { get: function () { return writes; } });
  return o;
})();
temp.f = 212;
function probe() {
  try {
    var before = temp.f;
    temp.f = 50;
    var d = Object.getOwnPropertyDescriptor(temp, "f");
    return [String(before), String(temp.f), String(temp.writes), typeof d.get, typeof d.set,
      String(d.enumerable), String("value" in d)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
