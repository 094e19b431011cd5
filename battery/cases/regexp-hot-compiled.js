// A regexp executed many times in setup (engines may compile it to native code and tier up)
// must still match correctly after restore.
var re = /(a|b)*c(d+)?e/;
var hits = 0;
for (var i = 0; i < 3000; i++) if (re.test("ababab" + (i % 3 ? "c" : "x") + "dde")) hits++;
var g = /[aeiou]/g;
var counted = 0;
for (var j = 0; j < 200; j++) counted += ("education".match(g) || []).length;
function probe() {
  try {
    var m = re.exec("zzbbacddde");
    return [String(hits), String(counted), String(m && m[0]), String(m && m[2]), String(re.test("ce")),
      String("sequoia".match(g))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
