// yield* delegation paused inside the inner generator.
function* inner() { var x = yield "i1"; yield "i2:" + x; return "inner-ret"; }
function* outer() { yield "o1"; var r = yield* inner(); yield "o2:" + r; }
var g = outer();
g.next(); g.next();   // now paused inside inner at "i1"
function probe() {
  try {
    var out = [];
    var r = g.next("X");
    while (!r.done) { out.push(r.value); r = g.next(); }
    return out.join(",") + "|" + JSON.stringify(r);
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
