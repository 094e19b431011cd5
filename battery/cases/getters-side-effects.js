// Getters with side effects: each read increments a counter. Any host read between setup and
// the probe would show up in the counts (a heap walker must not call them).
var reads = { a: 0, proto: 0, arr: 0 };
var o = { get a() { return ++reads.a; } };
var protoWithGetter = { get inherited() { return ++reads.proto; } };
var child = Object.create(protoWithGetter);
var arr = [];
Object.defineProperty(arr, "length2", { get: function () { return ++reads.arr; }, enumerable: true });
var readInSetup = o.a;
function probe() {
  try {
    var start = reads.a + "," + reads.proto + "," + reads.arr;
    var v = o.a + o.a + child.inherited + arr.length2;
    return [String(readInSetup), start, String(v), reads.a + "," + reads.proto + "," + reads.arr].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
