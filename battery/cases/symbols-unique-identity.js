// Unique symbols kept in several places must stay one identity; two same-described symbols stay two.
var s1 = Symbol("same"), s2 = Symbol("same");
var arr = [s1, s2, s1];
var m = new Map([[s1, "first"], [s2, "second"]]);
var holder = { sym: s1 };
var boxed = Object(s1);
function probe() {
  try {
    return [String(arr[0] === arr[2]), String(arr[0] === arr[1]), String(m.get(s1)), String(m.get(s2)),
      String(holder.sym === s1), String(m.size), typeof boxed, String(boxed.valueOf() === s1),
      String(boxed == s1)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
