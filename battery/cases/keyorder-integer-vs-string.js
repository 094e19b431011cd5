// Integer-like keys come first in ascending order, then strings in insertion order.
var o = {};
o.b = 1; o[2] = 1; o.a = 1; o[1] = 1; o["-1"] = 1; o["01"] = 1; o["1.5"] = 1;
o[4294967294] = 1; o[4294967295] = 1; o[4294967296] = 1; o[0] = 1; o["9007199254740993"] = 1;
var arr = ["x"];
arr.b = 1; arr[5] = 1; arr.a = 1; arr[4294967295] = 1; arr[2] = 1;
function probe() {
  try {
    var forIn = [];
    for (var k in o) forIn.push(k);
    return [Reflect.ownKeys(o).map(String).join(","), forIn.join(","), Object.keys(arr).join(","),
      String(arr.length), JSON.stringify(o)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
