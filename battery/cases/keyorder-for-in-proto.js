// for-in order across the prototype chain, with shadowing and non-enumerable shadows.
var base = { a: 1, shared: "base", z: 26 };
var mid = Object.create(base);
mid.m = 1;
mid[2] = "two";
Object.defineProperty(mid, "z", { value: 0, enumerable: false });
var topObj = Object.create(mid);
topObj.t = 1;
topObj.shared = "topObj";
topObj[1] = "one";
function probe() {
  try {
    var keys = [];
    for (var k in topObj) keys.push(k);
    return [keys.join(","), Object.keys(topObj).join(","), String(topObj.z), String(topObj.shared)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
