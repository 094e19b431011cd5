// A subclass of Set adding a union method, with object members.
class RichSet extends Set {
  union(other) { var r = new RichSet(this); other.forEach(function (x) { r.add(x); }); return r; }
}
var o1 = { n: 1 }, o2 = { n: 2 };
var a = new RichSet([1, 2, o1]);
var b = new RichSet([2, 3, o2]);
var u = a.union(b);
function probe() {
  try {
    return [String(u.size), String(u.has(o1)), String(u.has(o2)), String(u.has({ n: 1 })),
      Array.from(u).map(function (x) { return typeof x === "object" ? "o" + x.n : x; }).join(","),
      String(u instanceof RichSet), String(a.union(new Set([9])).size)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
