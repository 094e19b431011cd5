// set.values() advanced part-way; also an exhausted iterator stays exhausted.
var s = new Set(["x", "y", "z"]);
var it = s.values();
it.next();
var done = new Set([1]).values();
done.next(); done.next();
function probe() {
  try {
    var a = it.next(), b = it.next(), c = it.next();
    return [JSON.stringify(a), JSON.stringify(b), JSON.stringify(c), JSON.stringify(done.next()),
      String(it[Symbol.iterator]() === it)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
