// Strings computed at run time, then used as keys (engines may internalize them in place),
// must still equal and look up the same literal names.
var computed = ["ba", "tt", "ery"].join("") + "Key";
var numeric = String(40 + 2);
var obj = {};
obj[computed] = "v1";
obj[numeric] = "v2";
var dict = {};
for (var i = 0; i < 100; i++) dict["k" + i] = i;
var stillComputed = ["k", "5", "0"].join("");
function probe() {
  try {
    return [String(obj.batteryKey), String(obj["42"]), String(obj[42]), String(computed === "batteryKey"),
      String(dict[stillComputed]), String(dict.k99), String(Object.keys(obj)), String("batteryKey" in obj)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
