// Symbol-keyed properties on the global object itself, and a global accessor under a symbol.
var G = (function () { return this; })();
var hidden = Symbol("battery.global.hidden");
G[hidden] = "on-global";
var reg = Symbol.for("battery.global.registered");
Object.defineProperty(G, reg, { get: function () { return "getter-" + typeof hidden; }, configurable: true });
function probe() {
  try {
    var own = Object.getOwnPropertySymbols(G).filter(function (s) { return s === hidden || s === reg; });
    return [String(G[hidden]), String(G[Symbol.for("battery.global.registered")]), String(own.length),
      JSON.stringify(Object.keys(Object.getOwnPropertyDescriptor(G, reg)))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
