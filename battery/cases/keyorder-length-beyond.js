// Arrays whose length exceeds their elements, set by assignment and by the constructor.
var a = [1, 2];
a.length = 100;
var b = [1, 2, 3, 4, 5];
b.length = 2;
b.length = 4;
var c = Array(3);
c.push("x");
function probe() {
  try {
    b.push("p");
    return [String(a.length), Object.keys(a).join(","), String(a[50]), String(b.length), Object.keys(b).join(","),
      JSON.stringify(b), String(c.length), Object.keys(c).join(",")].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
