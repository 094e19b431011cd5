// `with` over an object that declares its own Symbol.unscopables, and a `with` over a proxy.
var hidden = "outer-hidden";
var obj = { hidden: "inner-hidden", shown: "inner-shown" };
obj[Symbol.unscopables] = { hidden: true };
var hasCalls = 0;
var px = new Proxy({ dyn: "dyn-value" }, { has: function (t, k) { hasCalls++; return k in t; } });
var readBoth, readProxy;
with (obj) { readBoth = function () { return hidden + "," + shown; }; }
with (px) { readProxy = function () { return dyn; }; }
function probe() {
  try {
    var before = hasCalls;
    var v = readProxy();
    return [readBoth(), v, String(hasCalls - before)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
