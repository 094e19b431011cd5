// Accessors on array indices (forcing slow elements) and on an arguments object.
var log = [];
var arr = [10, 20, 30];
Object.defineProperty(arr, 1, { get: function () { log.push("get1"); return 200; }, set: function (v) { log.push("set1:" + v); }, enumerable: true, configurable: true });
function args() { return arguments; }
var ao = args("x", "y");
Object.defineProperty(ao, 0, { get: function () { return "arg-getter"; } });
function probe() {
  try {
    var start = log.join(",") || "none";
    arr[1] = 5;
    return [start, String(arr[1]), arr.join(","), log.join(","), String(ao[0]), String(ao.length),
      Object.keys(arr).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
