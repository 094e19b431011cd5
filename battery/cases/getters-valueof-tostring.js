// Objects whose valueOf/toString/Symbol.toPrimitive count calls: conversions in the probe.
var conv = { valueOf: 0, toString: 0, prim: 0 };
var a = { valueOf: function () { conv.valueOf++; return 10; }, toString: function () { conv.toString++; return "A"; } };
var b = {};
b[Symbol.toPrimitive] = function (hint) { conv.prim++; return hint === "string" ? "B" : 20; };
var keyObj = { toString: function () { conv.toString++; return "key"; } };
var store = {};
store[keyObj] = "stored-under-key";
function probe() {
  try {
    var start = conv.valueOf + "," + conv.toString + "," + conv.prim;
    var r = [a + 1, String(a), b * 2, `${b}`, store.key];
    return [start, r.join(","), conv.valueOf + "," + conv.toString + "," + conv.prim].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
