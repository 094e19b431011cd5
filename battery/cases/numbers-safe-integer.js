// Integers around 2^53. MAX_SAFE_INTEGER+1 (2^53) is exact; MAX_SAFE_INTEGER+2 (2^53+1) is
// not representable and rounds to 2^53; 2^53+2 is exact again.
var m = Number.MAX_SAFE_INTEGER;
var p1 = m + 1;
var p2 = m + 2;
var p3 = m + 3;            // 2^53 + 2
var neg = -(m + 2);
var arr = [m, p1, p2, p3, neg];
var key = {};
key[p2] = "p2";
key[p3] = "p3";
function probe() {
  try {
    return [String(m), String(p1), String(p2), String(p3), String(neg), String(p2 - m), String(p3 - m),
      String(Number.isSafeInteger(p2)), String(p1 === p2), arr.join(","), Object.keys(key).join(","),
      String(key["9007199254740992"]), String(key["9007199254740993"]), String(key[m + 3])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
