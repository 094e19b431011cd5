// A subclass of RegExp whose exec counts calls; test/replace/match route through exec.
class CountingRegExp extends RegExp {
  constructor(src, flags) { super(src, flags); this.calls = 0; }
  exec(s) { this.calls++; return super.exec(s); }
}
var re = new CountingRegExp("b(.)", "g");
var setupReplace = "abcabd".replace(re, "[$1]");
var setupCalls = re.calls;
function probe() {
  try {
    var before = re.calls;
    var t = re.test("xxbz");
    return [setupReplace, String(setupCalls), String(before), String(t), String(re.lastIndex), String(re.calls),
      String(re instanceof RegExp), re.flags, re.source, String("abbq".match(re))].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
