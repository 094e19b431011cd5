// RegExp.prototype.compile (Annex B) used in setup to change a regexp in place.
var re = /first/g;
var same = re;
re.lastIndex = 3;
var compiled = typeof re.compile === "function";
if (compiled) re.compile("sec(o)nd", "i");
function probe() {
  try {
    return [String(compiled), re.source, re.flags, String(re.lastIndex), String(same === re),
      String(re.test("SECOND")), String(re.exec("a second")[1])].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
