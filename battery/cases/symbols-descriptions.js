// Symbol descriptions: named, empty, absent, non-BMP, numeric.
var syms = [Symbol("desc"), Symbol(""), Symbol(), Symbol("😀\uD800"), Symbol(12.5), Symbol(undefined)];
function probe() {
  try {
    return syms.map(function (s) {
      var d = "description" in Symbol.prototype ? s.description : "(no description prop)";
      return s.toString().length + ":" + String(d === undefined ? "undefined" : JSON.stringify(d)) + ":" + (typeof d);
    }).join(",");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
