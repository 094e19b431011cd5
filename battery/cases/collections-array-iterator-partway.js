// Array iterators (values, keys, entries) part-way, one over an array that grows afterwards,
// and one over a typed array.
var arr = [10, 20, 30];
var vals = arr.values ? arr.values() : arr[Symbol.iterator]();
vals.next();
var ents = arr.entries();
ents.next(); ents.next();
var ta = new Int8Array([1, 2, 3]);
var tit = ta[Symbol.iterator]();
tit.next();
arr.push(40);
function probe() {
  try {
    var out = [];
    for (var r = vals.next(); !r.done; r = vals.next()) out.push(r.value);
    var e = [];
    for (var q = ents.next(); !q.done; q = ents.next()) e.push(q.value.join(":"));
    var t = [];
    for (var z = tit.next(); !z.done; z = tit.next()) t.push(z.value);
    return [out.join(","), e.join(","), t.join(","), Object.prototype.toString.call(vals)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
