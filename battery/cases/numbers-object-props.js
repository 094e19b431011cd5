// Double-valued fields that were mutated in place after the object was created
// (engines keep such fields unboxed or as mutable boxes).
function Point(x, y) { this.x = x; this.y = y; }
var p = new Point(0.5, 1.5);
var q = new Point(0.5, 1.5);      // shares p's shape
for (var i = 0; i < 10; i++) { p.x += 0.1; q.y -= 0.3; }
var r = new Point(1, 2);          // small ints in the same shape
r.x = 1e-310;                     // generalises the field
var alias = p;
function hex(x) {
  var b = new Uint8Array(new Float64Array([x]).buffer), s = "";
  for (var i = 7; i >= 0; i--) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function probe() {
  try {
    var before = [hex(p.x), hex(p.y), hex(q.x), hex(q.y), hex(r.x), String(r.y)].join(",");
    alias.x += 1;                  // write through the alias, must be visible through p
    return [before, hex(p.x), String(alias === p), String(q.x === 0.5)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
