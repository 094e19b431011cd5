// Integers around 2^53: MAX_SAFE_INTEGER+2 is representable, +1 is not.
var m = Number.MAX_SAFE_INTEGER;
var p2 = m + 2;
var p1 = m + 1;
var neg = -(m + 2);
var arr = [m, p1, p2, neg];
var key = {};
key[p2] = "p2";
function probe() {
  try {
    return [String(m), String(p2), String(p1), String(neg), String(p2 - m),
      String(Number.isSafeInteger(p2)), String(p1 === p1 + 1), arr.join(","),
      Object.keys(key).join(","), String(key["9007199254740993"]), String(key[m + 2])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
