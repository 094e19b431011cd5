// A very sparse array (dictionary elements), with named props and a huge index.
var a = [];
a[1000000] = "million";
a[5] = "five";
a[4294967294] = "max-index";
a.name = "sparse";
a[0] = "zero";
var b = [0, 1, 2];
b[100000] = 3;
b.length = 50;       // truncation of a sparse array
function probe() {
  try {
    return [Object.keys(a).join(","), String(a.length), String(a[1000000]), String(a[999999]),
      Object.keys(b).join(","), String(b.length), String(b[100000])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
