// MODERN SYNTAX (ES2018): lookbehind and Unicode property escapes.
var price = /(?<=\$)\d+(\.\d+)?/;
var letters = /\p{L}+/gu;
var notBefore = /(?<!-)\b\d+/g;
function probe() {
  try {
    return [String(price.exec("cost: $42.50")[0]), String("héllo wörld 123 日本".match(letters)),
      String("-1 2 -3 4".match(notBefore)), letters.flags].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
