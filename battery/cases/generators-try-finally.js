// A generator paused inside try with a finally; the probe calls return(), which must run finally.
var log = [];
function* guarded() {
  try {
    log.push("enter");
    yield 1;
    yield 2;
    log.push("unreachable");
  } finally {
    log.push("finally");
    yield "from-finally";
    log.push("after-finally-yield");
  }
}
var g = guarded();
g.next();
function probe() {
  try {
    var a = g.next();
    var b = g.return("ret");
    var c = g.next();
    var d = g.next();
    return [log.join(","), JSON.stringify(a), JSON.stringify(b), JSON.stringify(c), JSON.stringify(d)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
