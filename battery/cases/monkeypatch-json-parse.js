// JSON.parse replaced with a wrapper that tags every parsed object.
var realParse = JSON.parse;
JSON.parse = function (text, reviver) {
  var v = realParse(text, reviver);
  if (v && typeof v === "object") v.__patched = true;
  return v;
};
var parsedInSetup = JSON.parse('{"x":1}');
function probe() {
  try {
    var p = JSON.parse('{"y":2}');
    return [String(parsedInSetup.__patched), String(p.__patched), String(p.y), String(JSON.parse === realParse),
      String(realParse('{"z":3}').__patched)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
