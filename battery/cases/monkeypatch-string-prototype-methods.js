// String.prototype.split / replace / indexOf replaced (host path handling would see them).
var real = { split: String.prototype.split, replace: String.prototype.replace, indexOf: String.prototype.indexOf };
var calls = { split: 0, replace: 0, indexOf: 0 };
String.prototype.split = function () { calls.split++; return real.split.apply(this, arguments); };
String.prototype.replace = function () { calls.replace++; return real.replace.apply(this, arguments); };
String.prototype.indexOf = function () { calls.indexOf++; return -42; };
var atEnd = calls.split + "," + calls.replace + "," + calls.indexOf;
function probe() {
  try {
    var start = calls.split + "," + calls.replace + "," + calls.indexOf;
    var r = ["a,b".split(",").length, "xy".replace("x", "z"), "abc".indexOf("b")];
    return [atEnd, start, r.join(","), calls.split + "," + calls.replace + "," + calls.indexOf].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
