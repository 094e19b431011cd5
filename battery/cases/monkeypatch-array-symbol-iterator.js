// Array.prototype[Symbol.iterator] replaced: spread, for-of and destructuring of arrays change.
var realIter = Array.prototype[Symbol.iterator];
Array.prototype[Symbol.iterator] = function* () {
  for (var i = this.length - 1; i >= 0; i--) yield "r" + this[i];
};
var spreadInSetup = [...[1, 2, 3]];
function probe() {
  try {
    var forOf = [];
    for (var x of [4, 5]) forOf.push(x);
    var [a, b] = [6, 7];
    return [spreadInSetup.join(","), forOf.join(","), a + "," + b, String(Array.from([8, 9])),
      String(new Set([1, 2]).size), String(Array.prototype.values === realIter)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
