// Arrays with holes: keys, `in`, forEach skipping, and holes vs explicit undefined.
var a = [1, , 3, , 5, undefined];
var b = new Array(5);
b[2] = "two";
var c = [, , ,];
function probe() {
  try {
    var visited = [];
    a.forEach(function (v, i) { visited.push(i); });
    return [Object.keys(a).join(","), String(a.length), String(1 in a), String(5 in a), visited.join(","),
      Object.keys(b).join(","), String(b.length), String(c.length), Object.keys(c).join(",") || "none",
      JSON.stringify(a), a.indexOf(undefined) + "/" + (a.includes ? a.includes(undefined) : "n/a")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
