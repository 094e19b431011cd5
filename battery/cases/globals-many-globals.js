// Thousands of global vars and assigned globals (the global object in dictionary mode);
// lookups by name and the order of the newest names.
var G = (function () { return this; })();
for (var i = 0; i < 3000; i++) G["batteryGlobal" + i] = i * 2;
for (var j = 0; j < 3000; j += 3) delete G["batteryGlobal" + j];
var lastDeclared = "last";
function probe() {
  try {
    var names = Object.keys(G).filter(function (k) { return k.indexOf("batteryGlobal") === 0; });
    return [String(names.length), names.slice(0, 3).join(","), names.slice(-2).join(","), String(batteryGlobal1),
      String(G["batteryGlobal" + 2999]), typeof G.batteryGlobal0, lastDeclared].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
