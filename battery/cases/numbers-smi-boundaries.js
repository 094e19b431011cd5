// Values on each side of small-integer encodings (31/32-bit) and of int32/uint32.
var vals = [1073741823, 1073741824, -1073741824, -1073741825, 2147483647, 2147483648,
  -2147483648, -2147483649, 4294967295, 4294967296, -1, 0];
var incremented = 1073741823;
incremented++;
var arr = [];
for (var i = 0; i < vals.length; i++) arr.push(vals[i] | 0, vals[i] >>> 0);
function probe() {
  try {
    return [vals.join(","), String(incremented), arr.join(","), String(vals[5] + 1),
      String(typeof vals[3])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
