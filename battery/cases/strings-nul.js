// Strings containing NUL code units (must not be cut at the first NUL by a C-string conversion).
var s = "a\u0000b\u0000\u0000c";
var onlyNul = "\u0000";
var obj = {};
obj["k\u0000ey"] = 1;
obj["\u0000"] = 2;
var arr = ["x\u0000", "\u0000y"];
function codes(str) {
  var out = [];
  for (var i = 0; i < str.length; i++) out.push(str.charCodeAt(i));
  return out.join(" ");
}
function probe() {
  try {
    return [String(s.length), codes(s), String(s.indexOf("c")), String(onlyNul.length),
      Object.keys(obj).map(codes).join(","), String(obj["k\u0000ey"]), String(obj["k"]),
      arr.map(codes).join(","), codes(s.split("\u0000").join("-"))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
