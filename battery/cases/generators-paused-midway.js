// A generator paused mid-way with local state; the probe resumes it to completion.
function* counter(limit) {
  var total = 0;
  for (var i = 1; i <= limit; i++) {
    var got = yield total;
    total += i * (got === undefined ? 1 : got);
  }
  return "done:" + total;
}
var g = counter(5);
g.next(); g.next(10); g.next();
function probe() {
  try {
    var out = [];
    var r = g.next(2);
    while (!r.done) { out.push(r.value); r = g.next(); }
    out.push(r.value);
    out.push(JSON.stringify(g.next()));
    return out.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
