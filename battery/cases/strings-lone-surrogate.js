// Lone surrogates must survive as code units (not be replaced by U+FFFD through a UTF-8 trip).
var hi = "\uD800";
var lo = "a\uDC00b";
var pair = "\uDBFF\uDFFF";
var halves = pair.charAt(0) + "|" + pair.charAt(1);
var key = {};
key[hi] = 1;
key["x\uDFFFy"] = 2;
var arr = [hi, lo];
function codes(s) {
  var out = [];
  for (var i = 0; i < s.length; i++) out.push(s.charCodeAt(i).toString(16));
  return out.join(" ");
}
function probe() {
  try {
    return [codes(hi), codes(lo), codes(pair), codes(halves), String(hi.length),
      Object.keys(key).map(codes).join(","), String(key["\uD800"]), String(arr[0] === "\uD800"),
      codes(arr.join(""))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
