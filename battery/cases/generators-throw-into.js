// A paused generator with a catch: the probe throws into it and it recovers.
function* resilient() {
  var errors = 0;
  while (true) {
    try { yield "ok" + errors; }
    catch (e) { errors++; yield "caught:" + e; }
  }
}
var g = resilient();
g.next();
g.throw("setup-error");
function probe() {
  try {
    var a = g.next().value;
    var b = g.throw("probe-error").value;
    var c = g.next().value;
    var d = g.return("end");
    return [a, b, c, JSON.stringify(d)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
