// lastIndex negative, fractional, huge and -0: ToLength clamps when used.
var neg = /b/g; neg.lastIndex = -5;
var frac = /b/g; frac.lastIndex = 1.9;
var huge = /b/g; huge.lastIndex = 1e21;
var nz = /b/g; nz.lastIndex = -0;
function probe() {
  try {
    var r = [String(neg.lastIndex), String(frac.lastIndex), String(huge.lastIndex), String(Object.is(nz.lastIndex, -0))];
    var m1 = neg.exec("abab"), m2 = frac.exec("abab"), m3 = huge.exec("abab");
    r.push(String(m1 && m1.index), String(neg.lastIndex), String(m2 && m2.index), String(frac.lastIndex),
      String(m3), String(huge.lastIndex));
    return r.join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
