// Two textually identical sites are two different strings arrays; a site in a loop is one.
function tag(s) { return s; }
var x = tag`same`;
var y = tag`same`;
var loopSites = [];
for (var i = 0; i < 3; i++) loopSites.push(tag`loop${i}`);
var fromEval1 = eval("tag`ev`");
var fromEval2 = eval("tag`ev`");
function probe() {
  try {
    return [String(x === y), String(loopSites[0] === loopSites[2]), String(fromEval1 === fromEval2),
      String(eval("tag`ev`") === fromEval1)].join("|");
  } catch (e) { return "threw " + e.name + ": " + e.message; }
}
