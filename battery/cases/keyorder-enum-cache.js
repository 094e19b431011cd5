// for-in run during setup (engines cache the enumeration), then the object changes shape;
// the probe's for-in must see the new shape.
function Shape() { this.a = 1; this.b = 2; this.c = 3; }
var s1 = new Shape(), s2 = new Shape();
var warm = [];
for (var r = 0; r < 50; r++) for (var k in s1) warm.push(k);
s2.d = 4;
delete s1.b;
s1.b = "re";
function probe() {
  try {
    var k1 = [], k2 = [];
    for (var k in s1) k1.push(k);
    for (var j in s2) k2.push(j);
    return [k1.join(","), k2.join(","), String(warm.length)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
