// A holey array of doubles: holes, NaN and undefined must stay three different things.
var a = [1.5, , NaN, 2.5, , -0];
a[8] = 3.25;             // more holes
var b = [0.5, 1.5];
delete b[0];             // hole made by delete
var c = [1.1, 2.2, 3.3];
c[1] = undefined;        // undefined in a double array
function cell(arr, i) {
  if (!(i in arr)) return "hole";
  var v = arr[i];
  if (v === undefined) return "undef";
  if (v !== v) return "NaN";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}
function probe() {
  try {
    var out = [];
    for (var i = 0; i < a.length; i++) out.push(cell(a, i));
    return [out.join(","), String(a.length), cell(b, 0) + "," + cell(b, 1),
      c.map(function (x, i) { return cell(c, i); }).join(","), Object.keys(a).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
