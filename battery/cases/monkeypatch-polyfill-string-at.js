// String.prototype.at assigned by the setup: it replaces the builtin where there is one (keeping
// its non-enumerable attribute) and is created enumerable where there is none.
String.prototype.at = function (n) { n = Math.trunc(n) || 0; if (n < 0) n += this.length; return this.charAt(n) || undefined; };
var so = new String("xy");
function probe() {
  try {
    var keys = [];
    for (var k in so) keys.push(k);
    return [String("abc".at(-1)), String("abc".at(5)), String("😀".at(0).length), keys.join(","),
      String(Object.getOwnPropertyDescriptor(String.prototype, "at").enumerable)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
